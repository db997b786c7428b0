#include "storage/db/recording_rows.hpp"

#include "storage/core/delivery_input.hpp"
#include "storage/db/sql_time.hpp"

#include <pqxx/pqxx>

#include <cstdio>

namespace roomrec::storage {

namespace {

std::string exact(double value) {
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

std::optional<std::string> storable(const std::optional<std::string> &text) {
    if (!text) return std::nullopt;
    return storable_text(*text);
}

// A state's place in a recording's life: recording → stored → uploading → available or failed.
std::string state_rank(const std::string &state) {
    return "CASE " + state + " WHEN 'recording' THEN 0 WHEN 'stored' THEN 1 WHEN 'uploading' THEN 2 ELSE 3 END";
}

// The delivery columns only move forward: a redone upsert (crash recovery, a spooled event
// imported twice) never takes a row back to an earlier state.
std::string kept_after_delivery(const char *column) {
    return std::string(column) + " = CASE WHEN " + state_rank("EXCLUDED.state") +
           " >= " + state_rank("recordings.state") + " THEN EXCLUDED." + column + " ELSE recordings." + column + " END";
}

// What a later event knows is not erased by the redo of an earlier one (which knew less).
std::string kept_if_unknown(const char *column) {
    return std::string(column) + " = COALESCE(EXCLUDED." + column + ", recordings." + column + ")";
}

const std::string &upsert_sql() {
    static const std::string sql =
        "INSERT INTO recordings (room_id, recording_id, node_id, title, owner, initiator, started_at, ended_at, "
        "duration_ms, size_bytes, sha256, storage, location, state, gaps, gap_seconds, incomplete, error, files) "
        "VALUES ($1, $2, $3, $4, $5, $6, " +
        sql::timestamp("$7") + ", " + sql::timestamp("$8") +
        ", $9::bigint, $10::bigint, $11, $12, $13, $14, $15::int, $16::float8, $17, $18, $19::jsonb) "
        "ON CONFLICT (recording_id) DO UPDATE SET title = EXCLUDED.title, owner = EXCLUDED.owner, "
        "initiator = EXCLUDED.initiator, started_at = EXCLUDED.started_at, " +
        kept_if_unknown("ended_at") + ", " + kept_if_unknown("duration_ms") + ", " + kept_if_unknown("size_bytes") +
        ", " + kept_if_unknown("sha256") +
        ", gaps = EXCLUDED.gaps, gap_seconds = EXCLUDED.gap_seconds, incomplete = EXCLUDED.incomplete, " +
        kept_after_delivery("storage") + ", " + kept_after_delivery("location") + ", " + kept_after_delivery("error") +
        ", " + kept_after_delivery("files") + ", " + kept_after_delivery("state") +
        ", updated_at = now() WHERE recordings.room_id = EXCLUDED.room_id";
    return sql;
}

const std::string &find_sql() {
    static const std::string sql = "SELECT room_id, recording_id, node_id, title, owner, initiator, " +
                                   sql::ms("started_at") + ", " + sql::ms("ended_at") +
                                   ", duration_ms, size_bytes, sha256, storage, location, state, gaps, " +
                                   "gap_seconds::text, incomplete, error, " + sql::ms("created_at") + ", " +
                                   sql::ms("updated_at") + ", files::text FROM recordings WHERE recording_id = $1";
    return sql;
}

} // namespace

bool RecordingRows::upsert(pqxx::transaction_base &transaction, const RecordingRow &row, std::string &error) {
    error = recording_row_error(row);
    if (!error.empty()) return false;
    const pqxx::result result = transaction.exec_params(
        upsert_sql(), row.room_id, row.recording_id, row.node_id, row.title, row.owner, row.initiator, row.started_ms,
        row.ended_ms, row.duration_ms, row.size_bytes, row.sha256, row.storage, row.location, row.state, row.gaps,
        exact(row.gap_seconds), row.incomplete, storable(row.error), files_json(row.files));
    if (result.affected_rows() != 1) {
        error = "recording " + row.recording_id + " exists already in another room";
        return false;
    }
    return true;
}

std::optional<RecordingRow> RecordingRows::find(Database &database, const std::string &recording_id,
                                                std::string &error) {
    error = identifier_error("recording id", recording_id);
    if (!error.empty()) return std::nullopt;
    std::optional<RecordingRow> found;
    database.run("reading recording " + recording_id, error, [&](pqxx::connection &connection, std::string &) {
        pqxx::nontransaction statement(connection);
        const pqxx::result rows = statement.exec_params(find_sql(), recording_id);
        if (rows.empty()) return true;
        const pqxx::row result = rows[0];
        const auto text = [&](int column) { return result[column].as<std::string>(std::string()); };
        const auto int64 = [&](int column) { return result[column].as<int64_t>(0); };
        RecordingRow row;
        row.room_id = text(0);
        row.recording_id = text(1);
        row.node_id = text(2);
        row.title = text(3);
        row.owner = text(4);
        row.initiator = text(5);
        row.started_ms = int64(6);
        row.ended_ms = optional_value<int64_t>(result[7]);
        row.duration_ms = optional_value<int64_t>(result[8]);
        row.size_bytes = optional_value<int64_t>(result[9]);
        row.sha256 = optional_value<std::string>(result[10]);
        row.storage = text(11);
        row.location = text(12);
        row.state = text(13);
        row.gaps = static_cast<int>(int64(14));
        row.gap_seconds = std::strtod(text(15).c_str(), nullptr);
        row.incomplete = optional_value<std::string>(result[16]);
        row.error = optional_value<std::string>(result[17]);
        row.created_ms = int64(18);
        row.updated_ms = int64(19);
        row.files = files_of_json(text(20));
        found = std::move(row);
        return true;
    });
    return found;
}

std::optional<RecordingRow> RecordingRows::find(Database &database, const std::string &recording_id) {
    std::string ignored;
    return find(database, recording_id, ignored);
}

bool RecordingRows::update(pqxx::transaction_base &transaction, const RecordingUpdate &update, std::string &error) {
    error = recording_update_error(update);
    if (!error.empty()) return false;
    const pqxx::result result = transaction.exec_params(
        "UPDATE recordings SET state = coalesce($2, state), storage = coalesce($3, storage), "
        "location = coalesce($4, location), sha256 = coalesce($5, sha256), "
        "error = CASE WHEN $6::text IS NULL THEN error ELSE nullif($6::text, '') END, "
        "size_bytes = coalesce($7::bigint, size_bytes), files = coalesce($8::jsonb, files), updated_at = now() "
        "WHERE recording_id = $1",
        update.recording_id, update.state, update.storage, update.location, update.sha256, storable(update.error),
        update.size_bytes, update.files ? std::optional<std::string>(files_json(*update.files)) : std::nullopt);
    if (result.affected_rows() != 1) {
        error = "updating recording " + update.recording_id + ": no such recording";
        return false;
    }
    return true;
}

} // namespace roomrec::storage
