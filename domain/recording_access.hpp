// Who may do what with a stored recording (SPEC S6): the recordings library's rule. A
// recording is seen by its owner, the users it is shared with, the hosts of its room and
// operators; only its owner (and operators) share, rename and delete it. Pure: the plugin's
// library requests (plugin/library_requests) apply it to rows read from Postgres.
#pragma once

#include <string>
#include <vector>

namespace roomrec::domain {

// Who asks. A signed token proves `user` (for any room) and, with role host, host rights in
// `host_of` (the token's room); a room's host secret proves host rights in that room only, with
// no user; the admin_secret or the Admin API make an operator.
struct LibraryCaller {
    bool is_operator = false;
    std::string user;    // "" for operators, host-secret holders and anonymous callers
    std::string host_of; // the room the caller hosts, "" when none
};

// The holder of `room`'s host secret: a host of that room who is nobody in particular, so it
// sees the room's Recordings folder and plays what is in it but owns nothing (no My Media, no
// sharing, renaming or deleting: those are the owner's).
LibraryCaller host_secret_caller(const std::string &room);

// The facts of one recording the rule needs.
struct RecordingParties {
    std::string room;
    std::string owner;
    std::vector<std::string> shared_with; // user ids
};

enum class LibraryAction {
    View,   // details, play, download
    Share,  // share with users, unshare, make and revoke share links
    Manage, // rename, delete
};

bool library_allows(const LibraryCaller &caller, const RecordingParties &recording, LibraryAction action);

// Why the caller sees the recording (the first that holds, in this order), None when they may
// not: the page says "yours", "shared with you" or "as a host of the room".
enum class LibraryAccess { None, Operator, Owner, Shared, Host };
LibraryAccess library_access(const LibraryCaller &caller, const RecordingParties &recording);
// "none", "operator", "owner", "shared", "host".
const char *library_access_name(LibraryAccess access);

// The room's whole Recordings folder (every recording of it) is listed for its hosts and for
// operators; anybody else listing a room sees only what library_allows(View) lets them see.
bool library_lists_whole_room(const LibraryCaller &caller, const std::string &room);

// For messages: "view", "share", "rename or delete".
const char *library_action_name(LibraryAction action);

} // namespace roomrec::domain
