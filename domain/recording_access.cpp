#include "domain/recording_access.hpp"

#include <algorithm>

namespace roomrec::domain {

LibraryCaller host_secret_caller(const std::string &room) { return LibraryCaller{false, "", room}; }

LibraryAccess library_access(const LibraryCaller &caller, const RecordingParties &recording) {
    if (caller.is_operator) return LibraryAccess::Operator;
    if (!caller.user.empty() && caller.user == recording.owner) return LibraryAccess::Owner;
    if (!caller.user.empty() &&
        std::find(recording.shared_with.begin(), recording.shared_with.end(), caller.user) != recording.shared_with.end())
        return LibraryAccess::Shared;
    if (!caller.host_of.empty() && caller.host_of == recording.room) return LibraryAccess::Host;
    return LibraryAccess::None;
}

bool library_allows(const LibraryCaller &caller, const RecordingParties &recording, LibraryAction action) {
    const LibraryAccess access = library_access(caller, recording);
    if (action == LibraryAction::View) return access != LibraryAccess::None;
    return access == LibraryAccess::Operator || access == LibraryAccess::Owner;
}

const char *library_access_name(LibraryAccess access) {
    switch (access) {
    case LibraryAccess::None: return "none";
    case LibraryAccess::Operator: return "operator";
    case LibraryAccess::Owner: return "owner";
    case LibraryAccess::Shared: return "shared";
    case LibraryAccess::Host: return "host";
    }
    return "?";
}

bool library_lists_whole_room(const LibraryCaller &caller, const std::string &room) {
    return caller.is_operator || (!room.empty() && caller.host_of == room);
}

const char *library_action_name(LibraryAction action) {
    switch (action) {
    case LibraryAction::View: return "view";
    case LibraryAction::Share: return "share";
    case LibraryAction::Manage: return "rename or delete";
    }
    return "?";
}

} // namespace roomrec::domain
