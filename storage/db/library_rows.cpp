#include "storage/db/library_rows.hpp"

#include "storage/core/delivery_rows.hpp"
#include "storage/db/sql_time.hpp"

#include <pqxx/pqxx>

namespace roomrec::storage {
namespace {

std::string columns() {
    return "r.room_id, r.recording_id, r.title, r.owner, r.initiator, " + sql::ms("r.started_at") + ", " +
           sql::ms("r.ended_at") +
           ", r.duration_ms, r.size_bytes, r.storage, r.location, r.state, "
           "COALESCE((SELECT string_agg(s.user_id, ',' ORDER BY s.user_id) FROM recording_shares s "
           "WHERE s.recording_id = r.recording_id), ''), r.node_id, r.files::text";
}

std::vector<std::string> split_users(const std::string &joined) {
    std::vector<std::string> users;
    size_t start = 0;
    while (start < joined.size()) {
        const size_t comma = joined.find(',', start);
        const size_t end = comma == std::string::npos ? joined.size() : comma;
        users.push_back(joined.substr(start, end - start)); // user ids hold no comma
        start = end + 1;
    }
    return users;
}

LibraryRecording recording_of(const pqxx::row &row) {
    LibraryRecording out;
    out.room = row[0].as<std::string>();
    out.recording = row[1].as<std::string>();
    out.title = row[2].as<std::string>();
    out.owner = row[3].as<std::string>();
    out.initiator = row[4].as<std::string>();
    out.started_ms = row[5].as<int64_t>();
    if (!row[6].is_null()) out.ended_ms = row[6].as<int64_t>();
    if (!row[7].is_null()) out.duration_ms = row[7].as<int64_t>();
    if (!row[8].is_null()) out.size_bytes = row[8].as<int64_t>();
    out.storage = row[9].as<std::string>();
    out.location = row[10].as<std::string>();
    out.state = row[11].as<std::string>();
    out.shared_with = split_users(row[12].as<std::string>());
    out.node = row[13].as<std::string>();
    out.files = files_of_json(row[14].as<std::string>());
    return out;
}

std::vector<LibraryRecording> recordings_of(const pqxx::result &rows) {
    std::vector<LibraryRecording> out;
    out.reserve(rows.size());
    for (const auto &row : rows) out.push_back(recording_of(row));
    return out;
}

LibraryLink link_of(const pqxx::row &row) {
    LibraryLink link;
    link.link_id = row[0].as<std::string>();
    link.recording = row[1].as<std::string>();
    link.room = row[2].as<std::string>();
    link.created_by = row[3].as<std::string>();
    link.created_ms = row[4].as<int64_t>();
    link.expires_ms = row[5].as<int64_t>();
    link.revoked = row[6].as<bool>();
    return link;
}

std::string link_columns() {
    return "link_id, recording_id, room_id, created_by, " + sql::ms("created_at") + ", " + sql::ms("expires_at") +
           ", revoked_at IS NOT NULL";
}

const std::string kListed = " ORDER BY r.started_at DESC LIMIT " + std::to_string(LibraryRows::kMaxListed);

} // namespace

std::vector<LibraryRecording> LibraryRows::in_room(pqxx::transaction_base &transaction, const std::string &room) {
    return recordings_of(transaction.exec_params(
        "SELECT " + columns() + " FROM recordings r WHERE r.room_id = $1 AND r.state <> 'deleted'" + kListed, room));
}

std::vector<LibraryRecording> LibraryRows::of_user(pqxx::transaction_base &transaction, const std::string &user) {
    return recordings_of(transaction.exec_params(
        "SELECT " + columns() +
            " FROM recordings r WHERE r.state <> 'deleted' AND (r.owner = $1 OR EXISTS (SELECT 1 FROM "
            "recording_shares s WHERE s.recording_id = r.recording_id AND s.user_id = $1))" +
            kListed,
        user));
}

std::vector<LibraryRecording> LibraryRows::notices_of(pqxx::transaction_base &transaction, const std::string &user) {
    return recordings_of(transaction.exec_params(
        "SELECT " + columns() +
            " FROM recordings r WHERE (r.owner = $1 OR r.initiator = $1) AND r.state IN ('stored', 'available', "
            "'failed') AND COALESCE(r.ended_at, r.started_at) > now() - make_interval(days => $2) AND NOT EXISTS "
            "(SELECT 1 FROM recording_notices_dismissed d WHERE d.recording_id = r.recording_id AND d.user_id = $1) "
            "ORDER BY COALESCE(r.ended_at, r.started_at) DESC LIMIT " +
            std::to_string(kMaxNotices),
        user, kNoticeDays));
}

bool LibraryRows::dismiss_notice(pqxx::transaction_base &transaction, const std::string &recording,
                                 const std::string &user) {
    const pqxx::result party = transaction.exec_params(
        "SELECT 1 FROM recordings WHERE recording_id = $1 AND (owner = $2 OR initiator = $2)", recording, user);
    if (party.empty()) return false;
    transaction.exec_params("INSERT INTO recording_notices_dismissed (recording_id, user_id) VALUES ($1, $2) "
                            "ON CONFLICT DO NOTHING",
                            recording, user);
    return true;
}

std::optional<LibraryRecording> LibraryRows::find(pqxx::transaction_base &transaction, const std::string &recording,
                                                  bool lock) {
    const pqxx::result rows = transaction.exec_params("SELECT " + columns() +
                                                          " FROM recordings r WHERE r.recording_id = $1 AND "
                                                          "r.state <> 'deleted'" +
                                                          (lock ? " FOR UPDATE OF r" : ""),
                                                      recording);
    if (rows.empty()) return std::nullopt;
    return recording_of(rows[0]);
}

int LibraryRows::share(pqxx::transaction_base &transaction, const LibraryRecording &recording,
                       const std::vector<std::string> &users, const std::string &by, const std::string &node) {
    int added = 0;
    for (const auto &user : users)
        added += transaction
                     .exec_params("INSERT INTO recording_shares (room_id, recording_id, user_id, node_id, shared_by) "
                                  "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                                  recording.room, recording.recording, user, node, by)
                     .affected_rows();
    return added;
}

bool LibraryRows::unshare(pqxx::transaction_base &transaction, const std::string &recording, const std::string &user) {
    return transaction
               .exec_params("DELETE FROM recording_shares WHERE recording_id = $1 AND user_id = $2", recording, user)
               .affected_rows() > 0;
}

void LibraryRows::add_link(pqxx::transaction_base &transaction, const LibraryRecording &recording,
                           const LibraryLink &link, const std::string &token_sha256, const std::string &node) {
    transaction.exec_params("INSERT INTO recording_links (room_id, link_id, recording_id, node_id, token_sha256, "
                            "created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, " +
                                sql::timestamp("$7") + ")",
                            recording.room, link.link_id, recording.recording, node, token_sha256, link.created_by,
                            link.expires_ms);
}

std::optional<LibraryLink> LibraryRows::link_of_token(pqxx::transaction_base &transaction,
                                                      const std::string &token_sha256) {
    const pqxx::result rows = transaction.exec_params(
        "SELECT " + link_columns() + " FROM recording_links WHERE token_sha256 = $1", token_sha256);
    if (rows.empty()) return std::nullopt;
    return link_of(rows[0]);
}

std::vector<LibraryLink> LibraryRows::links_of(pqxx::transaction_base &transaction, const std::string &recording) {
    std::vector<LibraryLink> links;
    for (const auto &row :
         transaction.exec_params("SELECT " + link_columns() +
                                     " FROM recording_links WHERE recording_id = $1 AND revoked_at IS NULL AND "
                                     "expires_at > now() ORDER BY created_at",
                                 recording))
        links.push_back(link_of(row));
    return links;
}

bool LibraryRows::revoke_link(pqxx::transaction_base &transaction, const std::string &recording,
                              const std::string &link_id) {
    return transaction
               .exec_params("UPDATE recording_links SET revoked_at = now() WHERE recording_id = $1 AND link_id = $2 "
                            "AND revoked_at IS NULL",
                            recording, link_id)
               .affected_rows() > 0;
}

void LibraryRows::rename(pqxx::transaction_base &transaction, const std::string &recording, const std::string &title) {
    transaction.exec_params("UPDATE recordings SET title = $2, updated_at = now() WHERE recording_id = $1", recording,
                            title);
}

void LibraryRows::mark_deleted(pqxx::transaction_base &transaction, const std::string &recording) {
    transaction.exec_params("UPDATE recordings SET state = 'deleted', deleted_at = now(), updated_at = now() "
                            "WHERE recording_id = $1",
                            recording);
    transaction.exec_params("DELETE FROM recording_shares WHERE recording_id = $1", recording);
    transaction.exec_params("UPDATE recording_links SET revoked_at = now() WHERE recording_id = $1 AND "
                            "revoked_at IS NULL",
                            recording);
}

} // namespace roomrec::storage
