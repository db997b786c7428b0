// Room management: create, destroy, list, exists, listparticipants (plugin messages with the
// admin secret, or the Admin API).
#pragma once

#include "plugin/plugin_config.hpp"
#include "plugin/replies.hpp"
#include "plugin/request.hpp"

namespace roomrec::plugin {

class RoomLifecycle;
class RoomMessenger;
class RoomRegistry;

class RoomRequests {
public:
    RoomRequests(const PluginConfig &config, RoomRegistry &rooms, RoomMessenger &messenger, RoomLifecycle &lifecycle)
        : config_(config), rooms_(rooms), messenger_(messenger), lifecycle_(lifecycle) {}

    Reply on_create(Request &request);
    Reply on_destroy(Request &request);
    Reply on_list(Request &request);
    Reply on_exists(Request &request);
    Reply on_listparticipants(Request &request);

private:
    bool admin_secret_ok(const Request &request) const;

    const PluginConfig &config_;
    RoomRegistry &rooms_;
    RoomMessenger &messenger_;
    RoomLifecycle &lifecycle_;
};

} // namespace roomrec::plugin
