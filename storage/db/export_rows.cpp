#include "storage/db/export_rows.hpp"

#include "storage/core/delivery_input.hpp"

#include <pqxx/pqxx>

namespace roomrec::storage {

void ExportRows::insert(pqxx::transaction_base &transaction, const ExportRequest &request, const std::string &node_id) {
    transaction.exec_params("INSERT INTO exports (export_id, room_id, node_id, report, requested_by, email) "
                            "VALUES ($1, $2, $3, $4::jsonb, $5, $6) ON CONFLICT (export_id) DO NOTHING",
                            request.export_id, request.room_id, node_id, request.report_json, request.requested_by,
                            request.email);
}

void ExportRows::stored(pqxx::transaction_base &transaction, const std::string &export_id, const std::string &storage,
                        const std::string &location, int64_t rows, int64_t link_expires_unix) {
    transaction.exec_params("UPDATE exports SET state = 'stored', storage = $2, location = $3, row_count = $4, "
                            "link_expires_at = to_timestamp($5::bigint), error = NULL WHERE export_id = $1",
                            export_id, storage, location, rows, link_expires_unix);
}

void ExportRows::sent(pqxx::transaction_base &transaction, const std::string &export_id) {
    transaction.exec_params("UPDATE exports SET state = 'sent', finished_at = now() WHERE export_id = $1", export_id);
}

void ExportRows::failed(pqxx::transaction_base &transaction, const std::string &export_id, const std::string &error) {
    transaction.exec_params("UPDATE exports SET state = 'failed', error = $2, finished_at = now() WHERE export_id = $1",
                            export_id, storable_text(error));
}

} // namespace roomrec::storage
