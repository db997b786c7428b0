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
                        const std::string &location, int64_t rows) {
    transaction.exec_params("UPDATE exports SET state = 'stored', storage = $2, location = $3, row_count = $4, "
                            "error = NULL WHERE export_id = $1",
                            export_id, storage, location, rows);
}

void ExportRows::sent(pqxx::transaction_base &transaction, const std::string &export_id, int64_t link_expires_unix) {
    transaction.exec_params("UPDATE exports SET state = 'sent', finished_at = now(), "
                            "link_expires_at = to_timestamp($2::bigint) WHERE export_id = $1",
                            export_id, link_expires_unix);
}

std::vector<ExportRows::Expiring> ExportRows::expiring(pqxx::transaction_base &transaction, const std::string &node_id,
                                                       int64_t keep_s, int limit) {
    const pqxx::result rows = transaction.exec_params(
        "SELECT export_id, storage, location FROM exports WHERE state = 'sent' "
        "AND link_expires_at < now() - make_interval(secs => $2::bigint) AND location IS NOT NULL "
        "AND (storage = 's3' OR (storage = 'local' AND node_id = $1)) ORDER BY link_expires_at LIMIT $3",
        node_id, keep_s, limit);
    std::vector<Expiring> found;
    for (const auto &row : rows)
        found.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
    return found;
}

void ExportRows::expired(pqxx::transaction_base &transaction, const std::string &export_id) {
    transaction.exec_params("UPDATE exports SET state = 'expired' WHERE export_id = $1 AND state = 'sent'", export_id);
}

std::optional<ExportRows::Status> ExportRows::status(pqxx::transaction_base &transaction,
                                                    const std::string &export_id) {
    const pqxx::result rows = transaction.exec_params(
        "SELECT room_id, state, coalesce(report->>'format', 'csv'), coalesce(storage, ''), coalesce(location, ''), "
        "coalesce(error, ''), email = '', coalesce(row_count, -1), "
        "coalesce(extract(epoch FROM link_expires_at)::bigint, 0) FROM exports WHERE export_id = $1",
        export_id);
    if (rows.empty()) return std::nullopt;
    const auto &row = rows[0];
    Status status;
    status.room_id = row[0].as<std::string>();
    status.state = row[1].as<std::string>();
    status.format = row[2].as<std::string>();
    status.storage = row[3].as<std::string>();
    status.location = row[4].as<std::string>();
    status.error = row[5].as<std::string>();
    status.download = row[6].as<bool>();
    status.rows = row[7].as<int64_t>();
    status.link_expires_unix = row[8].as<int64_t>();
    return status;
}

void ExportRows::failed(pqxx::transaction_base &transaction, const std::string &export_id, const std::string &error) {
    transaction.exec_params("UPDATE exports SET state = 'failed', error = $2, finished_at = now() WHERE export_id = $1",
                            export_id, storable_text(error));
}

} // namespace roomrec::storage
