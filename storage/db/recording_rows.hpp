// Recording metadata in Postgres (S5): one row per recording, written by the node that
// recorded it, then moved on by the delivery worker (uploading, available in S3, failed).
// Inside the caller's open transaction these statements join it, so a row and its outbox
// jobs can be committed together.
#pragma once

#include "storage/core/delivery_rows.hpp"
#include "storage/db/pg_connection.hpp"

#include <optional>
#include <string>

namespace roomrec::storage {


class RecordingRows {
public:
    // Insert, or redo (crash recovery may): the metadata is rewritten, but state, storage,
    // location and error are kept once delivery moved the row past "stored", so a redone
    // upsert never undoes an upload. Refused when the id exists in another room.
    static bool upsert(PgConnection &connection, const RecordingRow &row, std::string &error);
    // Nothing when there is no such row or Postgres could not be asked (then error says why).
    static std::optional<RecordingRow> find(PgConnection &connection, const std::string &recording_id,
                                            std::string &error);
    static std::optional<RecordingRow> find(PgConnection &connection, const std::string &recording_id);
    // Sets the given fields; an error if the row does not exist.
    static bool update(PgConnection &connection, const RecordingUpdate &update, std::string &error);
};

} // namespace roomrec::storage
