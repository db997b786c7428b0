#include "domain/room_home.hpp"

#include <cstdint>

namespace roomrec::domain {
namespace {

uint64_t fnv1a(uint64_t hash, const std::string &text) {
    for (const unsigned char byte : text) {
        hash ^= byte;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

// FNV-1a alone spreads similar ids (room-1, room-2) poorly in its high bits; this finalizer
// (splitmix64's) makes every input bit move every output bit.
uint64_t avalanche(uint64_t value) {
    value ^= value >> 30;
    value *= 0xbf58476d1ce4e5b9ULL;
    value ^= value >> 27;
    value *= 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

} // namespace

unsigned long long rendezvous_weight(const std::string &node_id, const std::string &room_id) {
    uint64_t hash = fnv1a(0xcbf29ce484222325ULL, node_id);
    hash ^= 0xff; // separates "ab"+"c" from "a"+"bc"
    hash *= 0x100000001b3ULL;
    return avalanche(fnv1a(hash, room_id));
}

const ClusterNode *room_home(const std::string &room_id, const std::vector<ClusterNode> &nodes) {
    const ClusterNode *best = nullptr;
    unsigned long long best_weight = 0;
    for (const ClusterNode &node : nodes) {
        const unsigned long long weight = rendezvous_weight(node.id, room_id);
        // Ties (never seen, but possible) go to the smaller id, so every node agrees.
        if (best == nullptr || weight > best_weight || (weight == best_weight && node.id < best->id)) {
            best = &node;
            best_weight = weight;
        }
    }
    return best;
}

} // namespace roomrec::domain
