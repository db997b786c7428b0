// One request as the handlers see it, from a Janus handle or from the Admin API.
#pragma once

#include "common/json.hpp"
#include "plugin/session.hpp"

#include <memory>
#include <string>

namespace roomrec::plugin {

struct Request {
    std::shared_ptr<Session> session; // null for the Admin API
    std::string transaction;
    common::JsonPtr body;
    common::JsonPtr jsep;
    bool admin = false; // Janus Admin API: already authenticated by Janus
};

} // namespace roomrec::plugin
