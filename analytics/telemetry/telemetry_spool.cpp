#include "analytics/telemetry/telemetry_spool.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace roomrec::analytics {

namespace {

constexpr const char *kPrefix = "batches-";
constexpr const char *kSuffix = ".spool";

// batches-<16 digits>.spool and nothing else: foreign files are left alone.
bool segment_sequence(const std::string &name, uint64_t &sequence) {
    const size_t prefix = std::char_traits<char>::length(kPrefix), suffix = std::char_traits<char>::length(kSuffix);
    if (name.size() != prefix + 16 + suffix || name.compare(0, prefix, kPrefix) != 0 ||
        name.compare(prefix + 16, suffix, kSuffix) != 0)
        return false;
    sequence = 0;
    for (size_t i = prefix; i < prefix + 16; ++i) {
        if (name[i] < '0' || name[i] > '9') return false;
        sequence = sequence * 10 + static_cast<uint64_t>(name[i] - '0');
    }
    return true;
}

std::string base_name(const std::string &path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

TelemetrySpool::TelemetrySpool(std::string folder) : folder_(std::move(folder)) {}

bool TelemetrySpool::open(std::string &error) {
    std::error_code failure;
    fs::create_directories(folder_ + "/rejected", failure);
    if (failure) {
        error = "cannot create the telemetry spool " + folder_ + ": " + failure.message();
        return false;
    }
    chmod(folder_.c_str(), 0700);
    chmod((folder_ + "/rejected").c_str(), 0700);
    for (const auto &path : segments()) {
        uint64_t sequence = 0;
        segment_sequence(base_name(path), sequence);
        next_sequence_ = std::max(next_sequence_, sequence + 1);
    }
    return true;
}

std::string TelemetrySpool::segment_path(uint64_t sequence) const {
    char name[64];
    std::snprintf(name, sizeof name, "%s%016llu%s", kPrefix, static_cast<unsigned long long>(sequence), kSuffix);
    return folder_ + "/" + name;
}

std::vector<std::string> TelemetrySpool::segments() const {
    std::vector<std::pair<uint64_t, std::string>> found;
    std::error_code failure;
    for (const auto &entry : fs::directory_iterator(folder_, failure)) {
        uint64_t sequence;
        const std::string name = entry.path().filename().string();
        if (segment_sequence(name, sequence) && entry.is_regular_file(failure)) found.emplace_back(sequence, name);
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> paths;
    for (const auto &[sequence, name] : found) paths.push_back(folder_ + "/" + name);
    return paths;
}

bool TelemetrySpool::append(const TelemetryBatch &batch, std::string &error) {
    if (current_ && current_->size() >= kSegmentBytes) rotate();
    if (!current_) {
        auto file = std::make_unique<SpoolFile>(segment_path(next_sequence_++));
        if (!file->open_for_append(error)) return false;
        current_ = std::move(file);
    }
    return current_->append(batch.id, encode_batch_payload(batch), error);
}

void TelemetrySpool::rotate() { current_.reset(); }

void TelemetrySpool::finish(const std::string &path, bool damaged) {
    if (is_current(path)) rotate();
    if (damaged) {
        std::error_code failure;
        fs::rename(path, folder_ + "/rejected/" + base_name(path), failure);
        if (!failure) {
            sync_folder(folder_ + "/rejected");
            sync_folder(folder_);
            return;
        }
    }
    ::unlink(path.c_str());
    sync_folder(folder_);
}

bool TelemetrySpool::reject(const TelemetryBatch &batch, const std::string &why, std::string &error) {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    char stem[64];
    std::snprintf(stem, sizeof stem, "/rejected/refused-%lld-%llu", static_cast<long long>(now),
                  static_cast<unsigned long long>(++rejected_));
    SpoolFile file(folder_ + stem + kSuffix);
    if (!file.open_for_append(error) || !file.append(batch.id, encode_batch_payload(batch), error)) return false;
    std::ofstream(folder_ + stem + ".why") << batch.id << ": " << why << "\n";
    return true;
}

} // namespace roomrec::analytics
