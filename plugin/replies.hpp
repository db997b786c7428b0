// Shapes of the JSON the plugin sends back: every reply and event is {"roomrec": <kind>, ...}.
#pragma once

#include "common/json.hpp"
#include "domain/error_codes.hpp"
#include "domain/request_schema.hpp"

#include <functional>
#include <string>

namespace roomrec::plugin {

struct Reply {
    common::JsonPtr data;
    common::JsonPtr jsep;
    std::function<void()> undo; // reverts the request's change if Janus refuses the JSEP
};

common::JsonPtr make_event(const char *kind);
Reply reply_error(domain::ErrorCode code, const std::string &message);
Reply reply_error(const domain::ValidationError &error);
Reply reply_with(common::JsonPtr data, common::JsonPtr jsep = nullptr);
common::JsonPtr make_jsep(const char *type, const std::string &sdp);
bool is_error(const Reply &reply);

} // namespace roomrec::plugin
