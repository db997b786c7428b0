// The writer's Postgres side: one batch = its ledger row and its rows (COPY) in ONE
// transaction, so a batch is in the database entirely or not at all, and a batch whose id is
// in the ledger already is known to be written (a replay skips it). Also the partitions a
// batch needs and the minute rollups. Not thread-safe: the writer thread's own connection.
#pragma once

#include "analytics/core/telemetry_batch.hpp"
#include "storage/db/database.hpp"

#include <string>

namespace roomrec::analytics {

enum class WriteOutcome {
    Written,   // committed now
    Duplicate, // the ledger has this batch id: written before, nothing done
    Transient, // Postgres away, lost connection, lock trouble, unknown COMMIT result: try later
    Refused,   // Postgres refused the rows as data (SQLSTATE class 22 or 23): retrying cannot help
};

class TelemetryStore {
public:
    explicit TelemetryStore(storage::Database &database);

    // Connects and applies the built-in schema (once per process); false while Postgres is away.
    bool prepare(std::string &error);
    WriteOutcome write(const TelemetryBatch &batch, const std::string &node_id, std::string &error);
    // The daily partition of `day` (days since 1970-01-01, UTC), made if missing.
    bool ensure_partition(int32_t day, std::string &error);
    // Recomputes the rollups of the minutes [first, last] (minutes since the epoch).
    bool refresh_minutes(int64_t first_minute, int64_t last_minute, std::string &error);

private:
    storage::Database &database_;
    bool migrated_ = false;
};

// Whether a failed statement's SQLSTATE says the data itself was refused (classes 22 data
// exception and 23 integrity violation), as opposed to a server or connection problem.
bool refused_as_data(const std::string &sqlstate);

} // namespace roomrec::analytics
