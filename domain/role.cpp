#include "domain/role.hpp"

namespace roomrec::domain {

std::optional<Role> parse_role(std::string_view text) {
    if (text == "host") return Role::Host;
    if (text == "moderator") return Role::Moderator;
    if (text == "speaker") return Role::Speaker;
    if (text == "viewer") return Role::Viewer;
    return std::nullopt;
}

const char *role_name(Role role) {
    switch (role) {
    case Role::Host: return "host";
    case Role::Moderator: return "moderator";
    case Role::Speaker: return "speaker";
    case Role::Viewer: return "viewer";
    }
    return "unknown";
}

bool leads(Role role) { return role == Role::Host || role == Role::Moderator; }

bool is_allowed(Role role, Action action, bool on_stage) {
    switch (action) {
    case Action::Subscribe: return true;
    case Action::Publish: return role != Role::Viewer || on_stage;
    case Action::Kick:
    case Action::CloseRoom:
    case Action::ManageStage:
    case Action::ControlRecording:
    case Action::ManageBreakouts: return leads(role);
    }
    return false;
}

} // namespace roomrec::domain
