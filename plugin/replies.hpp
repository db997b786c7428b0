// Shapes of the JSON the plugin sends back: every reply and event is {"roomrec": <kind>, ...}.
#pragma once

#include "core/error_codes.hpp"
#include "core/request_schema.hpp"
#include "json_ptr.hpp"

#include <functional>
#include <string>

namespace roomrec {

struct Reply {
    JsonPtr data;
    JsonPtr jsep;
    std::function<void()> undo; // reverts the request's change if Janus refuses the JSEP
};

JsonPtr make_event(const char *kind);
Reply reply_error(core::ErrorCode code, const std::string &message);
Reply reply_error(const core::ValidationError &error);
Reply reply_with(JsonPtr data, JsonPtr jsep = nullptr);
JsonPtr make_jsep(const char *type, const std::string &sdp);
bool is_error(const Reply &reply);

} // namespace roomrec
