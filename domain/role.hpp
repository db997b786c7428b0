// Participant roles (R2) and the server-side permission table.
#pragma once

#include <optional>
#include <string_view>

namespace roomrec::domain {

enum class Role { Host, Moderator, Speaker, Viewer };

std::optional<Role> parse_role(std::string_view text);
const char *role_name(Role role);
// Hosts and moderators lead a room: they control it, moderate chat and see what leads see.
bool leads(Role role);

// Everything a participant may ask the room to do; checked on the server for every request.
enum class Action {
    Publish,          // send webcam/stage media
    Subscribe,        // receive published media
    Kick,             // remove another participant
    CloseRoom,        // end the live session for everyone
    ManageStage,      // bring a viewer on stage or take them off
    ControlRecording, // start/stop recording (may_control_recording adds the client-kind rule)
    ManageBreakouts,  // open breakout rooms, move people into them, close them (R8)
};

// on_stage matters only for viewers: a host or moderator may bring one on stage to publish.
bool is_allowed(Role role, Action action, bool on_stage);

} // namespace roomrec::domain
