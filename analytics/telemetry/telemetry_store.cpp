#include "analytics/telemetry/telemetry_store.hpp"

#include "analytics/core/copy_format.hpp"
#include "storage/db/migrations.hpp"

namespace roomrec::analytics {

using storage::PgResult;
using storage::Transaction;

namespace {

// timestamptz of a bigint µs parameter.
std::string timestamp_us(const std::string &parameter) {
    return "(timestamptz 'epoch' + " + parameter + "::bigint * interval '1 microsecond')";
}

const std::string kLedgerInsert = "INSERT INTO telemetry_batches (batch_id, node_id, rows, first_at, last_at) "
                                  "VALUES ($1, $2, $3::int, " + timestamp_us("$4") + ", " + timestamp_us("$5") +
                                  ") ON CONFLICT (batch_id) DO NOTHING";
const std::string kCopy = std::string("COPY telemetry_events (") + kTelemetryCopyColumns + ") FROM STDIN";

WriteOutcome failure(const PgResult &result, const std::string &doing, std::string &error) {
    error = doing + ": " + result.error();
    return refused_as_data(result.sqlstate()) ? WriteOutcome::Refused : WriteOutcome::Transient;
}

} // namespace

bool refused_as_data(const std::string &sqlstate) {
    return sqlstate.size() == 5 && (sqlstate.compare(0, 2, "22") == 0 || sqlstate.compare(0, 2, "23") == 0);
}

bool TelemetryStore::prepare(std::string &error) {
    if (!connection_.ensure_connected(error)) return false;
    if (!migrated_) {
        if (!storage::apply_migrations(connection_, error)) return false;
        migrated_ = true;
    }
    return true;
}

WriteOutcome TelemetryStore::write(const TelemetryBatch &batch, const std::string &node_id, std::string &error) {
    Transaction transaction(connection_);
    if (!transaction.active()) {
        error = "writing batch " + batch.id + ": " + transaction.error();
        return WriteOutcome::Transient;
    }
    const auto ledger = connection_.exec(kLedgerInsert, {batch.id, node_id, std::to_string(batch.rows),
                                                         std::to_string(batch.first_at_us),
                                                         std::to_string(batch.last_at_us)});
    if (!ledger.ok()) return failure(ledger, "recording batch " + batch.id, error);
    if (ledger.affected_rows() == 0) return WriteOutcome::Duplicate; // rolled back: nothing to undo
    const auto copied = connection_.copy_from(kCopy, batch.copy_text);
    if (!copied.ok()) return failure(copied, "copying batch " + batch.id, error);
    if (copied.affected_rows() != batch.rows) {
        error = "copying batch " + batch.id + ": Postgres took " + std::to_string(copied.affected_rows()) + " of " +
                std::to_string(batch.rows) + " rows";
        return WriteOutcome::Refused;
    }
    // A failed COMMIT may have committed (the answer was lost): Transient, and the ledger
    // sorts it out when the batch is replayed.
    if (!transaction.commit(error)) {
        error = "committing batch " + batch.id + ": " + error;
        return WriteOutcome::Transient;
    }
    return WriteOutcome::Written;
}

bool TelemetryStore::ensure_partition(int32_t day, std::string &error) {
    const auto result = connection_.exec("SELECT telemetry_ensure_partition(date '1970-01-01' + $1::int)",
                                         {std::to_string(day)});
    if (result.ok()) return true;
    error = "creating the partition of day " + std::to_string(day) + ": " + result.error();
    return false;
}

bool TelemetryStore::refresh_minutes(int64_t first_minute, int64_t last_minute, std::string &error) {
    const auto minute = [](const std::string &parameter) {
        return "(timestamptz 'epoch' + " + parameter + "::bigint * interval '1 minute')";
    };
    const auto result = connection_.exec("SELECT telemetry_refresh_minutes(" + minute("$1") + ", " + minute("$2") + ")",
                                         {std::to_string(first_minute), std::to_string(last_minute + 1)});
    if (result.ok()) return true;
    error = "refreshing the minute rollups: " + result.error();
    return false;
}

} // namespace roomrec::analytics
