#include "analytics/telemetry/telemetry_admin.hpp"

#include "common/utf8.hpp"

namespace roomrec::analytics {

namespace {

const char *kTodayUtc = "(now() AT TIME ZONE 'UTC')::date";

} // namespace

std::optional<TelemetryAdmin::Retention> TelemetryAdmin::drop_partitions_older_than(int days, std::string &error) {
    if (days < 1) {
        error = "retention: days must be at least 1";
        return std::nullopt;
    }
    const auto result = connection_.exec(std::string("SELECT * FROM telemetry_drop_before(") + kTodayUtc + " - $1::int)",
                                         {std::to_string(days)});
    if (!result.ok() || result.rows() != 1) {
        error = "retention: " + (result.ok() ? std::string("no answer") : result.error());
        return std::nullopt;
    }
    return Retention{result.int64(0, 0), result.int64(0, 1), result.int64(0, 2), result.int64(0, 3)};
}

std::optional<TelemetryAdmin::Erasure> TelemetryAdmin::erase_user(const std::string &user_id, std::string &error) {
    if (user_id.empty() || user_id.find('\0') != std::string::npos || !common::valid_utf8(user_id)) {
        error = "erasure: the user id is empty or not valid text";
        return std::nullopt;
    }
    const auto result = connection_.exec("SELECT * FROM telemetry_erase_user($1)", {user_id});
    if (!result.ok() || result.rows() != 1) {
        error = "erasure: " + (result.ok() ? std::string("no answer") : result.error());
        return std::nullopt;
    }
    return Erasure{result.int64(0, 0), result.int64(0, 1)};
}

std::optional<int64_t> TelemetryAdmin::ensure_partitions(int behind, int ahead, std::string &error) {
    const auto result = connection_.exec(std::string("SELECT count(*) FILTER (WHERE telemetry_ensure_partition(") +
                                             kTodayUtc + " + day)) FROM generate_series(-$1::int, $2::int) AS day",
                                         {std::to_string(behind), std::to_string(ahead)});
    if (!result.ok()) {
        error = "creating partitions: " + result.error();
        return std::nullopt;
    }
    return result.int64(0, 0);
}

} // namespace roomrec::analytics
