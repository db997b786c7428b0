#include "plugin/room_pinning.hpp"

namespace roomrec::plugin {

const domain::ClusterNode *home_elsewhere(const PluginConfig &config, const std::string &room_id) {
    const domain::ClusterNode *home = domain::room_home(room_id, config.cluster);
    return home != nullptr && home->id != config.node_id ? home : nullptr;
}

Reply reply_room_elsewhere(const std::string &room_id, const domain::ClusterNode &home) {
    Reply reply = reply_error(domain::ErrorCode::RoomElsewhere,
                              "room " + room_id + " lives on node " + home.id + " (" + home.url + ")");
    json_object_set_new(reply.data.get(), "node", json_string(home.id.c_str()));
    json_object_set_new(reply.data.get(), "url", json_string(home.url.c_str()));
    return reply;
}

} // namespace roomrec::plugin
