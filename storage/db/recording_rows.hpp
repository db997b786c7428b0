// Recording metadata in Postgres (S5): one row per recording, written by the node that
// recorded it, then moved on by the delivery worker (uploading, available in S3, failed).
// Writes run inside the caller's transaction, so a row and its outbox jobs can be committed
// together: a refused value returns false (error says why), a database failure throws (pqxx)
// and ends that transaction.
#pragma once

#include "storage/core/delivery_rows.hpp"
#include "storage/db/database.hpp"

#include <optional>
#include <string>

namespace roomrec::storage {


class RecordingRows {
public:
    // Insert, or redo (crash recovery may): the metadata is rewritten, but state, storage,
    // location and error are kept once delivery moved the row past "stored", so a redone
    // upsert never undoes an upload. Refused when the id exists in another room.
    static bool upsert(pqxx::transaction_base &transaction, const RecordingRow &row, std::string &error);
    // Nothing when there is no such row or Postgres could not be asked (then error says why).
    static std::optional<RecordingRow> find(Database &database, const std::string &recording_id, std::string &error);
    static std::optional<RecordingRow> find(Database &database, const std::string &recording_id);
    // Sets the given fields; an error if the row does not exist.
    static bool update(pqxx::transaction_base &transaction, const RecordingUpdate &update, std::string &error);
};

} // namespace roomrec::storage
