// The jcfg `cluster` category (O4): the nodes sharing this database, each as
// `<node id> = "<its Janus API URL>"`. Read once at start; absent = one node, every room local.
#pragma once

#include "domain/room_home.hpp"
#include "plugin/janus_api.hpp"

#include <string>
#include <vector>

namespace roomrec::plugin {

// Fills `nodes` (sorted by id); an error naming the key when an id or URL is invalid or this
// node (`own_node_id`) is not listed.
std::string read_cluster_config(janus_config *config, const std::string &own_node_id,
                                std::vector<domain::ClusterNode> &nodes);

} // namespace roomrec::plugin
