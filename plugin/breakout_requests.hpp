// Breakout rooms (R8): a host or moderator of a room opens child rooms, moves participants into
// them (each gets a short-lived token to join the child as who it is) and closes them (everyone
// in the child gets a token back to the parent). One request, "breakout", its action naming what.
#pragma once

#include "plugin/plugin_config.hpp"
#include "plugin/replies.hpp"
#include "plugin/request.hpp"

#include <string>
#include <variant>
#include <vector>

namespace roomrec::plugin {

class RoomLifecycle;
class RoomMessenger;
class RoomRegistry;

class BreakoutRequests {
public:
    BreakoutRequests(const PluginConfig &config, RoomRegistry &rooms, RoomMessenger &messenger,
                     RoomLifecycle &lifecycle)
        : config_(config), rooms_(rooms), messenger_(messenger), lifecycle_(lifecycle) {}

    Reply on_breakout(Request &request);

private:
    Reply open(Request &request, LiveRoom &parent);
    Reply move(Request &request, LiveRoom &parent);
    Reply close(Request &request, LiveRoom &parent);
    // The parent's breakout named by the body's "breakout", or the refusal.
    std::variant<LiveRoom *, Reply> named_breakout(const Request &request, LiveRoom &parent);
    // The "breakout" event telling member to join room (action "moved" or "closed"), with a
    // token for it naming member's role and user.
    common::JsonPtr join_event(const char *action, const LiveRoom &room, const domain::Member &member) const;

    const PluginConfig &config_;
    RoomRegistry &rooms_;
    RoomMessenger &messenger_;
    RoomLifecycle &lifecycle_;
};

} // namespace roomrec::plugin
