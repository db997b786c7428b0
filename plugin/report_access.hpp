// Who may read a room's reports and exports (A10): operators (the Admin API, or the
// admin_secret), and the room's hosts and owner, proved by a signed token for that room (role
// host, or the user who owns the room) or by the room's host secret. Everyone else is refused:
// 447 without a valid credential, 448 with one that grants no host rights. One rule for every
// request that reads analytics (report, export). Runs on the signalling thread (reads the room).
#pragma once

#include "common/same_secret.hpp"
#include "plugin/plugin_config.hpp"
#include "plugin/replies.hpp"
#include "plugin/request.hpp"
#include "plugin/session.hpp"

#include <optional>
#include <string>
#include <variant>

namespace roomrec::plugin {

struct ReportGrant {
    std::string who;        // "operator", "host <user>", "owner <user>", "host secret": for logs
    std::string credential; // whose request limit it spends: "admin", "user:<user>", "secret:<room>"
    std::string user;       // the token's user; "" for operators and the host secret
};

using common::same_secret;

// The room's host secret as proof of host rights (reports, exports, the library): nothing when
// `secret` is that room's host secret, else the refusal: 448 `other_role` for another role's
// secret, 447 for a wrong one or a room that is not live here (the secrets live with the room).
std::optional<Reply> host_secret_refusal(const LiveRoom *room, const char *secret, const char *other_role);

// room: the live room, or null when it is not live on this node (then only operators and host
// tokens for that room id are accepted: the owner and the secrets live with the room).
// now_s: wall-clock seconds (token expiry).
std::variant<ReportGrant, Reply> check_report_access(const PluginConfig &config, const std::string &room_id,
                                                     const LiveRoom *room, const Request &request, int64_t now_s);

} // namespace roomrec::plugin
