#include "analytics/telemetry/telemetry_admin.hpp"

#include "common/utf8.hpp"

#include <pqxx/pqxx>

namespace roomrec::analytics {

namespace {

const char *kTodayUtc = "(now() AT TIME ZONE 'UTC')::date";

} // namespace

std::optional<TelemetryAdmin::Retention> TelemetryAdmin::drop_partitions_older_than(int days, std::string &error) {
    if (days < 1) {
        error = "retention: days must be at least 1";
        return std::nullopt;
    }
    std::optional<Retention> dropped;
    database_.run("retention", error, [&](pqxx::connection &connection, std::string &) {
        pqxx::nontransaction statement(connection);
        const pqxx::row row = statement.exec_params1(
            std::string("SELECT * FROM telemetry_drop_before(") + kTodayUtc + " - $1::int)", days);
        dropped = Retention{row[0].as<int64_t>(0), row[1].as<int64_t>(0), row[2].as<int64_t>(0), row[3].as<int64_t>(0)};
        return true;
    });
    return dropped;
}

std::optional<TelemetryAdmin::Erasure> TelemetryAdmin::erase_user(const std::string &user_id, std::string &error) {
    if (user_id.empty() || user_id.find('\0') != std::string::npos || !common::valid_utf8(user_id)) {
        error = "erasure: the user id is empty or not valid text";
        return std::nullopt;
    }
    std::optional<Erasure> erased;
    database_.run("erasure", error, [&](pqxx::connection &connection, std::string &) {
        pqxx::nontransaction statement(connection);
        const pqxx::row row = statement.exec_params1("SELECT * FROM telemetry_erase_user($1)", user_id);
        erased = Erasure{row[0].as<int64_t>(0), row[1].as<int64_t>(0)};
        return true;
    });
    return erased;
}

std::optional<int64_t> TelemetryAdmin::ensure_partitions(int behind, int ahead, std::string &error) {
    std::optional<int64_t> created;
    database_.run("creating partitions", error, [&](pqxx::connection &connection, std::string &) {
        pqxx::nontransaction statement(connection);
        created = statement
                      .exec_params1(std::string("SELECT count(*) FILTER (WHERE telemetry_ensure_partition(") +
                                        kTodayUtc + " + day)) FROM generate_series(-$1::int, $2::int) AS day",
                                    behind, ahead)[0]
                      .as<int64_t>();
        return true;
    });
    return created;
}

} // namespace roomrec::analytics
