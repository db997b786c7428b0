// Which node of a cluster a room lives on (O4). Every node computes the same answer from the
// same node list, with no shared state: rendezvous (highest random weight) hashing of the room
// id over the node ids. Adding or removing a node moves only the rooms that hash to it.
#pragma once

#include <string>
#include <vector>

namespace roomrec::domain {

struct ClusterNode {
    std::string id;  // general.node_id of that node
    std::string url; // where clients reach its Janus API
};

// The node whose weight for room_id is highest; null when the list is empty (no cluster: every
// room is local). Stable across platforms and builds: the weight is a fixed 64-bit hash.
const ClusterNode *room_home(const std::string &room_id, const std::vector<ClusterNode> &nodes);

// The weight itself (exposed so tests can reason about the spread).
unsigned long long rendezvous_weight(const std::string &node_id, const std::string &room_id);

} // namespace roomrec::domain
