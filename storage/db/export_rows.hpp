// The exports table (005_exports.sql): one row per export via email, written with the jobs
// that carry it out. Every statement parameterized.
#pragma once

#include "storage/core/export_job.hpp"

#include <pqxx/transaction_base>

#include <cstdint>
#include <string>

namespace roomrec::storage {

class ExportRows {
public:
    // A new export, pending (in the transaction that enqueues its export job).
    static void insert(pqxx::transaction_base &transaction, const ExportRequest &request, const std::string &node_id);
    // Produced and stored: where, how many rows, until when the link works.
    static void stored(pqxx::transaction_base &transaction, const std::string &export_id, const std::string &storage,
                       const std::string &location, int64_t rows, int64_t link_expires_unix);
    static void sent(pqxx::transaction_base &transaction, const std::string &export_id);
    static void failed(pqxx::transaction_base &transaction, const std::string &export_id, const std::string &error);
};

} // namespace roomrec::storage
