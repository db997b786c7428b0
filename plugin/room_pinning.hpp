// Where a room may be opened in a cluster (O4): on its home node only (domain/room_home), so a
// meeting is never split over two nodes. The other nodes answer 468 naming the home node.
#pragma once

#include "domain/room_home.hpp"
#include "plugin/plugin_config.hpp"
#include "plugin/replies.hpp"

#include <string>

namespace roomrec::plugin {

// The home of room_id when that is another node; null when it is this one or there is no
// cluster. Sub-rooms and breakouts live with their parent: callers ask only for top-level ids.
const domain::ClusterNode *home_elsewhere(const PluginConfig &config, const std::string &room_id);

// 468 with `node` and `url`, so a client can reconnect there.
Reply reply_room_elsewhere(const std::string &room_id, const domain::ClusterNode &home);

} // namespace roomrec::plugin
