#include "analytics/telemetry/telemetry_store.hpp"

#include "analytics/core/copy_format.hpp"
#include "storage/db/migrations.hpp"

#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include <algorithm>

namespace roomrec::analytics {

using storage::Database;

namespace {

// timestamptz of a bigint µs parameter.
std::string timestamp_us(const std::string &parameter) {
    return "(timestamptz 'epoch' + " + parameter + "::bigint * interval '1 microsecond')";
}

const char *const kLedgerInsert = "telemetry_ledger_insert"; // once per batch: prepared

std::vector<std::string> copy_columns() {
    std::vector<std::string> columns;
    const std::string list = kTelemetryCopyColumns;
    for (size_t at = 0; at < list.size();) {
        const size_t end = std::min(list.find(',', at), list.size());
        columns.push_back(list.substr(at, end - at));
        at = list.find_first_not_of(' ', end + 1);
    }
    return columns;
}

// The batch's rows, which copy_format wrote in COPY text form (as the spool keeps them),
// sent as they are, one line per row. pqxx 6.4 takes finished lines only through tablewriter
// (stream_to's raw-line write is private, and its typed rows would be escaped again, field
// by field); tablewriter is deprecated in 6.4 only in favour of stream_to.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
void copy_rows(pqxx::transaction_base &transaction, const std::string &copy_text) {
    static const std::vector<std::string> columns = copy_columns();
    pqxx::tablewriter writer(transaction, "telemetry_events", columns.begin(), columns.end());
    std::string line;
    for (size_t at = 0; at < copy_text.size();) {
        const size_t end = copy_text.find('\n', at);
        line.assign(copy_text, at, end - at);
        writer.write_raw_line(line);
        at = end + 1;
    }
    writer.complete();
}
#pragma GCC diagnostic pop

uint32_t line_count(const std::string &text) {
    return static_cast<uint32_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TelemetryStore::TelemetryStore(Database &database) : database_(database) {
    database_.prepare(kLedgerInsert, "INSERT INTO telemetry_batches (batch_id, node_id, rows, first_at, last_at) "
                                     "VALUES ($1, $2, $3::int, " + timestamp_us("$4") + ", " + timestamp_us("$5") +
                                         ") ON CONFLICT (batch_id) DO NOTHING");
}

bool refused_as_data(const std::string &sqlstate) {
    return sqlstate.size() == 5 && (sqlstate.compare(0, 2, "22") == 0 || sqlstate.compare(0, 2, "23") == 0);
}

bool TelemetryStore::prepare(std::string &error) {
    if (!database_.ensure_connected(error)) return false;
    if (!migrated_) {
        if (!storage::apply_migrations(database_, error)) return false;
        migrated_ = true;
    }
    return true;
}

WriteOutcome TelemetryStore::write(const TelemetryBatch &batch, const std::string &node_id, std::string &error) {
    // Every row must reach COPY as one line, or the ledger would count rows that are not there.
    if (batch.copy_text.empty() || batch.copy_text.back() != '\n' || line_count(batch.copy_text) != batch.rows) {
        error = "writing batch " + batch.id + ": its text holds " + std::to_string(line_count(batch.copy_text)) +
                " rows, not " + std::to_string(batch.rows);
        return WriteOutcome::Refused;
    }
    WriteOutcome outcome = WriteOutcome::Transient; // also when Postgres cannot be reached
    database_.run("writing batch " + batch.id, error, [&](pqxx::connection &connection, std::string &failed) {
        const char *doing = "beginning batch ";
        try {
            pqxx::work transaction(connection);
            doing = "recording batch ";
            const pqxx::result ledger = transaction.exec_prepared(kLedgerInsert, batch.id, node_id, batch.rows,
                                                                  batch.first_at_us, batch.last_at_us);
            if (ledger.affected_rows() == 0) { // written before; rolled back: nothing to undo
                outcome = WriteOutcome::Duplicate;
                return true;
            }
            doing = "copying batch ";
            copy_rows(transaction, batch.copy_text);
            // A failed COMMIT may have committed (the answer was lost): Transient, and the
            // ledger sorts it out when the batch is replayed.
            doing = "committing batch ";
            transaction.commit();
            outcome = WriteOutcome::Written;
            return true;
        } catch (const std::exception &failure) {
            failed = doing + batch.id + ": " + Database::describe(failure);
            if (refused_as_data(Database::sqlstate(failure))) outcome = WriteOutcome::Refused;
            return false;
        }
    });
    return outcome;
}

bool TelemetryStore::ensure_partition(int32_t day, std::string &error) {
    return database_.run("creating the partition of day " + std::to_string(day), error,
                         [&](pqxx::connection &connection, std::string &) {
                             pqxx::nontransaction statement(connection);
                             statement.exec_params("SELECT telemetry_ensure_partition(date '1970-01-01' + $1::int)", day);
                             return true;
                         });
}

bool TelemetryStore::refresh_minutes(int64_t first_minute, int64_t last_minute, std::string &error) {
    const auto minute = [](const std::string &parameter) {
        return "(timestamptz 'epoch' + " + parameter + "::bigint * interval '1 minute')";
    };
    return database_.run("refreshing the minute rollups", error, [&](pqxx::connection &connection, std::string &) {
        pqxx::nontransaction statement(connection);
        statement.exec_params("SELECT telemetry_refresh_minutes(" + minute("$1") + ", " + minute("$2") + ")",
                              first_minute, last_minute + 1);
        return true;
    });
}

} // namespace roomrec::analytics
