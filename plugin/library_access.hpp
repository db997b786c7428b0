// Who asks the recordings library (SPEC S6, plugin/library_requests): operators (the Admin API
// or the admin_secret); a signed token's user, with host rights in the token's room when its
// role is host; or `room` + `secret` = that room's host secret (the room page hands it to the
// library when a host joined with the room's password): host rights in that room only and no
// user, so no My Media and nothing only an owner may do. The host secret is checked against the
// live room (null when `room` is not live on this node): call this on the signalling thread
// when the request carries a `secret`.
#pragma once

#include "domain/recording_access.hpp"
#include "plugin/plugin_config.hpp"
#include "plugin/replies.hpp"
#include "plugin/request.hpp"
#include "plugin/session.hpp"

#include <string>
#include <variant>

namespace roomrec::plugin {

struct LibraryGrant {
    domain::LibraryCaller rule;
    std::string credential; // whose request limit it spends: "admin", "user:<user>", "secret:<room>"
};

// 447 without a valid credential, 448 for a room secret of a role other than host.
std::variant<LibraryGrant, Reply> check_library_access(const PluginConfig &config, const LiveRoom *room,
                                                       const Request &request, int64_t now_s);

} // namespace roomrec::plugin
