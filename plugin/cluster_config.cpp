#include "plugin/cluster_config.hpp"

#include "domain/request_schema.hpp"

#include <algorithm>
#include <cstring>

namespace roomrec::plugin {
namespace {

constexpr size_t kMaxNodes = 64;

bool is_janus_url(const char *url) {
    const size_t length = std::strlen(url);
    if (length > 2048) return false;
    for (const char *scheme : {"http://", "https://", "ws://", "wss://"}) {
        const size_t prefix = std::strlen(scheme);
        if (length > prefix && std::strncmp(url, scheme, prefix) == 0) return true;
    }
    return false;
}

} // namespace

std::string read_cluster_config(janus_config *config, const std::string &own_node_id,
                                std::vector<domain::ClusterNode> &nodes) {
    janus_config_category *category = janus_config_get(config, nullptr, janus_config_type_category, "cluster");
    if (category == nullptr) return {};
    GList *items = janus_config_get_items(config, category);
    std::string problem;
    for (GList *it = items; it != nullptr && problem.empty(); it = it->next) {
        const auto *item = static_cast<janus_config_item *>(it->data);
        if (item->name == nullptr) continue;
        const std::string name = item->name;
        if (!domain::is_identifier(item->name, 64))
            problem = "cluster." + name.substr(0, 64) + ": a node id must be 1-64 characters of [A-Za-z0-9_-]";
        else if (item->value == nullptr || !is_janus_url(item->value))
            problem = "cluster." + name + " must be the node's Janus API URL (http(s):// or ws(s)://, at most 2048)";
        else
            nodes.push_back({name, item->value});
    }
    g_list_free(items);
    if (!problem.empty()) return problem;
    if (nodes.empty()) return "cluster lists no node (remove the category for a single node)";
    if (nodes.size() > kMaxNodes) return "cluster lists more than " + std::to_string(kMaxNodes) + " nodes";
    std::sort(nodes.begin(), nodes.end(),
              [](const domain::ClusterNode &a, const domain::ClusterNode &b) { return a.id < b.id; });
    if (std::none_of(nodes.begin(), nodes.end(),
                     [&](const domain::ClusterNode &node) { return node.id == own_node_id; }))
        return "cluster must list this node (general.node_id = " + own_node_id + ")";
    return {};
}

} // namespace roomrec::plugin
