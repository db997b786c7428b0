// The exports table (005_exports.sql): one row per export via email, written with the jobs
// that carry it out. Every statement parameterized.
#pragma once

#include "storage/core/export_job.hpp"

#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace roomrec::storage {

class ExportRows {
public:
    // A new export, pending (in the transaction that enqueues its export job).
    static void insert(pqxx::transaction_base &transaction, const ExportRequest &request, const std::string &node_id);
    // Produced and stored: where, how many rows (the link is made when the mail is sent).
    static void stored(pqxx::transaction_base &transaction, const std::string &export_id, const std::string &storage,
                       const std::string &location, int64_t rows);
    // Mailed, with a link that works until link_expires_unix.
    static void sent(pqxx::transaction_base &transaction, const std::string &export_id, int64_t link_expires_unix);
    struct Expiring {
        std::string export_id, storage, location;
    };
    // Sent exports whose link expired more than keep_s ago: S3 ones, and local ones of this node
    // (a local CSV lies on the node that produced it), at most `limit`.
    static std::vector<Expiring> expiring(pqxx::transaction_base &transaction, const std::string &node_id,
                                          int64_t keep_s, int limit);
    // Its stored file is gone: state 'expired'.
    static void expired(pqxx::transaction_base &transaction, const std::string &export_id);
    // One export as the `export_status` request shows it; nothing when there is no such row.
    struct Status {
        std::string room_id, state, format, storage, location, error;
        bool download = false;         // delivery "link" (no email)
        int64_t rows = -1;             // -1 until stored
        int64_t link_expires_unix = 0; // 0 until its link is made
    };
    static std::optional<Status> status(pqxx::transaction_base &transaction, const std::string &export_id);
    static void failed(pqxx::transaction_base &transaction, const std::string &export_id, const std::string &error);
};

} // namespace roomrec::storage
