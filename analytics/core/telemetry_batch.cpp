#include "analytics/core/telemetry_batch.hpp"

#include "analytics/core/copy_format.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace roomrec::analytics {

namespace {

constexpr char kPayloadMagic[4] = {'T', 'B', '1', '\n'};

int64_t floor_div(int64_t value, int64_t divisor) {
    const int64_t quotient = value / divisor;
    return quotient - ((value % divisor != 0) && (value < 0));
}

template <typename T> void insert_sorted(std::vector<T> &values, T value) {
    if (!values.empty() && values.back() == value) return; // the common case: same as the last row
    const auto place = std::lower_bound(values.begin(), values.end(), value);
    if (place == values.end() || *place != value) values.insert(place, value);
}

template <typename T> void put(std::string &out, T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T)); // little-endian hosts only (x86-64, arm64)
    out.append(bytes, sizeof(T));
}

class Reader {
public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}
    template <typename T> bool get(T &value) {
        if (bytes_.size() - offset_ < sizeof(T)) return false;
        std::memcpy(&value, bytes_.data() + offset_, sizeof(T));
        offset_ += sizeof(T);
        return true;
    }
    size_t left() const { return bytes_.size() - offset_; }
    std::string_view rest() const { return bytes_.substr(offset_); }

private:
    std::string_view bytes_;
    size_t offset_ = 0;
};

} // namespace

std::string make_batch_id(std::string_view node_id, std::string_view nonce, uint64_t sequence) {
    char number[24];
    std::snprintf(number, sizeof number, "%012llu", static_cast<unsigned long long>(sequence));
    std::string id(node_id);
    id.append("/").append(nonce).append("/").append(number);
    return id;
}

bool add_event(TelemetryBatch &batch, std::string_view node_id, const TelemetryEvent &event, std::string &error) {
    if (!append_telemetry_row(batch.copy_text, node_id, event, error)) return false;
    if (batch.rows == 0 || event.at_us < batch.first_at_us) batch.first_at_us = event.at_us;
    if (batch.rows == 0 || event.at_us > batch.last_at_us) batch.last_at_us = event.at_us;
    ++batch.rows;
    const int64_t minute = floor_div(event.at_us, 60LL * 1000000);
    insert_sorted(batch.minutes, minute);
    insert_sorted(batch.days, static_cast<int32_t>(floor_div(minute, 24 * 60)));
    return true;
}

std::string encode_batch_payload(const TelemetryBatch &batch) {
    std::string out(kPayloadMagic, sizeof kPayloadMagic);
    put(out, batch.rows);
    put(out, batch.first_at_us);
    put(out, batch.last_at_us);
    put(out, static_cast<uint32_t>(batch.days.size()));
    for (const int32_t day : batch.days) put(out, day);
    put(out, static_cast<uint32_t>(batch.minutes.size()));
    for (const int64_t minute : batch.minutes) put(out, minute);
    out.append(batch.copy_text);
    return out;
}

std::optional<TelemetryBatch> decode_batch_payload(std::string_view id, std::string_view payload, std::string &error) {
    error = "batch payload: malformed";
    if (payload.size() < sizeof kPayloadMagic || std::memcmp(payload.data(), kPayloadMagic, sizeof kPayloadMagic) != 0)
        return std::nullopt;
    Reader reader(payload.substr(sizeof kPayloadMagic));
    TelemetryBatch batch;
    batch.id = id;
    uint32_t count;
    if (!reader.get(batch.rows) || !reader.get(batch.first_at_us) || !reader.get(batch.last_at_us) ||
        !reader.get(count) || count > reader.left() / sizeof(int32_t))
        return std::nullopt;
    batch.days.resize(count);
    for (auto &day : batch.days)
        if (!reader.get(day)) return std::nullopt;
    if (!reader.get(count) || count > reader.left() / sizeof(int64_t)) return std::nullopt;
    batch.minutes.resize(count);
    for (auto &minute : batch.minutes)
        if (!reader.get(minute)) return std::nullopt;
    batch.copy_text = reader.rest();
    const auto newlines = static_cast<uint32_t>(std::count(batch.copy_text.begin(), batch.copy_text.end(), '\n'));
    if (newlines != batch.rows || (batch.rows > 0 && batch.copy_text.back() != '\n') ||
        !std::is_sorted(batch.days.begin(), batch.days.end()) ||
        !std::is_sorted(batch.minutes.begin(), batch.minutes.end()) || batch.first_at_us > batch.last_at_us ||
        (batch.rows > 0 && (batch.days.empty() || batch.minutes.empty()))) {
        error = "batch payload: inconsistent";
        return std::nullopt;
    }
    error.clear();
    return batch;
}

} // namespace roomrec::analytics
