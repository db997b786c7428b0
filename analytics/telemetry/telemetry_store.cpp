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
// sent as they are; the number of rows sent. pqxx 6.4 takes finished text only through
// tablewriter (stream_to's raw-line write is private, and its typed rows would be escaped
// again, field by field); tablewriter is deprecated in 6.4 only in favour of stream_to. COPY
// data is a byte stream whose messages need not end with rows, so a write carries up to
// 64 KiB of whole rows (tablewriter adds the last newline): a write per row cost the writer
// thread two string copies, a message and pqxx's checks per row.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
uint32_t copy_rows(pqxx::transaction_base &transaction, const std::string &copy_text) {
    constexpr size_t kPiece = 64 * 1024;
    static const std::vector<std::string> columns = copy_columns();
    pqxx::tablewriter writer(transaction, "telemetry_events", columns.begin(), columns.end());
    uint32_t rows = 0;
    std::string piece;
    for (size_t at = 0; at < copy_text.size();) {
        // Whole rows up to kPiece bytes (a longer row alone), counted on the way.
        size_t end = at; // just past the last newline taken
        for (size_t next = copy_text.find('\n', at); next != std::string::npos && (end == at || next < at + kPiece);
             next = copy_text.find('\n', next + 1)) {
            if (next == end) return rows; // an empty row (tablewriter would drop it): write() refuses the batch
            end = next + 1;
            ++rows;
        }
        if (end == at) break; // a last row without its newline stays unsent: write() refuses the batch
        piece.assign(copy_text, at, end - 1 - at);
        writer.write_raw_line(piece);
        at = end;
    }
    writer.complete();
    return rows;
}
#pragma GCC diagnostic pop

} // namespace

TelemetryStore::TelemetryStore(Database &database) : database_(database) {
    database_.prepare(kLedgerInsert, "INSERT INTO telemetry_batches (batch_id, node_id, rows, first_at, last_at) "
                                     "VALUES ($1, $2, $3::int, " +
                                         timestamp_us("$4") + ", " + timestamp_us("$5") +
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
            // Each row one line, or the ledger would count rows that are not there.
            const uint32_t copied = copy_rows(transaction, batch.copy_text);
            if (copied != batch.rows || batch.copy_text.empty() || batch.copy_text.back() != '\n') {
                failed = "copying batch " + batch.id + ": its text holds " + std::to_string(copied) +
                         " whole rows, not " + std::to_string(batch.rows);
                outcome = WriteOutcome::Refused;
                return false; // rolled back
            }
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
