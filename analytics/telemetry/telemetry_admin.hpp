// Operations on the stored telemetry: retention (E7: drop what is older than the
// configured number of days) and the right to erasure (every raw row of one user, with the
// rollups they counted in recomputed). Both run the schema's functions (002_telemetry.sql)
// in one statement each, so they are atomic. Rows still waiting in a node's spool are not
// reached (see analytics/README.md).
#pragma once

#include "storage/db/pg_connection.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace roomrec::analytics {

class TelemetryAdmin {
public:
    explicit TelemetryAdmin(storage::PgConnection &connection) : connection_(connection) {}

    struct Retention {
        int64_t partitions = 0;   // daily partitions dropped
        int64_t default_rows = 0; // old rows deleted from the default partition
        int64_t minute_rows = 0;  // rollup rows deleted
        int64_t ledger_rows = 0;  // batch ledger rows deleted
    };
    // Drops every day before (today UTC, by the database clock) - days; days >= 1.
    std::optional<Retention> drop_partitions_older_than(int days, std::string &error);

    struct Erasure {
        int64_t events = 0;  // raw rows deleted
        int64_t minutes = 0; // minutes whose rollups were recomputed
    };
    std::optional<Erasure> erase_user(const std::string &user_id, std::string &error);

    // The partitions of [today - behind, today + ahead] (UTC); how many were created.
    std::optional<int64_t> ensure_partitions(int behind, int ahead, std::string &error);

private:
    storage::PgConnection &connection_;
};

} // namespace roomrec::analytics
