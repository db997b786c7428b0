#include "domain/recording_access.hpp"

#include <algorithm>

namespace roomrec::domain {

bool library_allows(const LibraryCaller &caller, const RecordingParties &recording, LibraryAction action) {
    if (caller.is_operator) return true;
    if (caller.user.empty() && caller.host_of.empty()) return false;
    const bool owner = !caller.user.empty() && caller.user == recording.owner;
    if (action != LibraryAction::View) return owner;
    if (owner) return true;
    if (!caller.host_of.empty() && caller.host_of == recording.room) return true;
    return !caller.user.empty() && std::find(recording.shared_with.begin(), recording.shared_with.end(),
                                             caller.user) != recording.shared_with.end();
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
