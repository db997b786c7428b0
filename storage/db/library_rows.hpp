// The recordings library's rows (S6, analytics/schema/007_recording_shares.sql): stored
// recordings listed per room and per user, their shares with named users, their share links,
// renames and deletions; and the notices of finished recordings (008_recording_notices.sql).
// Every function runs inside the caller's transaction; a database failure throws (pqxx).
// Deleted recordings are never returned.
#pragma once

#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace roomrec::storage {

struct LibraryRecording {
    std::string room, recording, title, owner, initiator;
    int64_t started_ms = 0;
    std::optional<int64_t> ended_ms, duration_ms, size_bytes;
    std::string storage, location, state;
    std::vector<std::string> shared_with; // user ids, sorted
    std::string node;                     // the node that recorded it (holds a local file)
    std::vector<std::string> files;       // beside the composite (isolated tracks), as location
};

struct LibraryLink {
    std::string link_id, recording, room, created_by;
    int64_t created_ms = 0, expires_ms = 0;
    bool revoked = false;
};

class LibraryRows {
public:
    static constexpr int kMaxListed = 500; // newest first
    static constexpr int kMaxNotices = 50;  // newest first
    static constexpr int kNoticeDays = 30;  // older recordings raise no notice

    static std::vector<LibraryRecording> in_room(pqxx::transaction_base &transaction, const std::string &room);
    // Owned by the user or shared with them.
    static std::vector<LibraryRecording> of_user(pqxx::transaction_base &transaction, const std::string &user);
    // Stored or failed recordings the user owns or started whose notice they have not dismissed
    // (analytics/schema/008_recording_notices.sql), newest first.
    static std::vector<LibraryRecording> notices_of(pqxx::transaction_base &transaction, const std::string &user);
    // False when the user neither owns nor started that recording; dismissing twice is fine.
    static bool dismiss_notice(pqxx::transaction_base &transaction, const std::string &recording,
                               const std::string &user);
    // Locks the row (FOR UPDATE) when `lock`: a rename, share or delete decides on what it read.
    static std::optional<LibraryRecording> find(pqxx::transaction_base &transaction, const std::string &recording,
                                                bool lock = false);

    // Adds the users (already there: kept); returns how many are new.
    static int share(pqxx::transaction_base &transaction, const LibraryRecording &recording,
                     const std::vector<std::string> &users, const std::string &by, const std::string &node);
    // False when the user had no share.
    static bool unshare(pqxx::transaction_base &transaction, const std::string &recording, const std::string &user);

    static void add_link(pqxx::transaction_base &transaction, const LibraryRecording &recording, const LibraryLink &link,
                         const std::string &token_sha256, const std::string &node);
    static std::optional<LibraryLink> link_of_token(pqxx::transaction_base &transaction,
                                                    const std::string &token_sha256);
    static std::vector<LibraryLink> links_of(pqxx::transaction_base &transaction, const std::string &recording);
    // False when the recording has no such link (or it was revoked already).
    static bool revoke_link(pqxx::transaction_base &transaction, const std::string &recording,
                            const std::string &link_id);

    static void rename(pqxx::transaction_base &transaction, const std::string &recording, const std::string &title);
    // The row becomes 'deleted' (its shares and links with it); the caller enqueues the
    // outbox job that removes the file.
    static void mark_deleted(pqxx::transaction_base &transaction, const std::string &recording);
};

} // namespace roomrec::storage
