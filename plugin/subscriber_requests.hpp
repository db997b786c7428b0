// Subscriber handles: join with a participant's private_id and a set of streams, receive a
// plugin-generated multistream offer, answer with start; subscribe and unsubscribe renegotiate.
#pragma once

#include "domain/request_schema.hpp"
#include "domain/request_table.hpp"
#include "plugin/replies.hpp"
#include "plugin/request.hpp"

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace roomrec::plugin {

class RoomLifecycle;
class RoomRegistry;
struct PluginConfig;

class SubscriberRequests {
public:
    SubscriberRequests(const PluginConfig &config, RoomRegistry &rooms, RoomLifecycle &lifecycle)
        : config_(config), rooms_(rooms), lifecycle_(lifecycle) {}

    Reply on_join_subscriber(Request &request, LiveRoom &room);
    Reply on_subscribe(Request &request);
    Reply on_unsubscribe(Request &request);
    Reply on_start(Request &request);

private:
    using Wanted = std::vector<std::pair<std::string, std::string>>; // (feed, mid or "" for all)
    Reply offer_streams(Session &session, const Wanted &wanted, const char *event_kind);

    const PluginConfig &config_;
    RoomRegistry &rooms_;
    RoomLifecycle &lifecycle_;
};

} // namespace roomrec::plugin
