// What hosts and moderators of a room are told about its breakouts (R8): the list with each
// breakout's participant count, after an open or a close and whenever someone joins or leaves
// a breakout, so their panel follows people moving.
#pragma once

#include "common/json.hpp"
#include "plugin/session.hpp"

namespace roomrec::plugin {

class RoomMessenger;
class RoomRegistry;

// {"roomrec": kind, "room": <parent>, "breakouts": [{"room", "title", "participants"}]}.
common::JsonPtr describe_breakouts(RoomRegistry &rooms, const LiveRoom &parent, const char *kind);

// Sends the "breakouts" event to every host and moderator in parent.
void tell_breakout_leads(RoomRegistry &rooms, RoomMessenger &messenger, LiveRoom &parent);

// After a join or a leave in room: when it is a breakout, its parent's leads are told.
void breakout_membership_changed(RoomRegistry &rooms, RoomMessenger &messenger, const LiveRoom &room);

} // namespace roomrec::plugin
