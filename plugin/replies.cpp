#include "plugin/replies.hpp"

namespace roomrec::plugin {

common::JsonPtr make_event(const char *kind) {
    common::JsonPtr event = common::json_object_ptr();
    json_object_set_new(event.get(), "roomrec", json_string(kind));
    return event;
}

Reply reply_error(domain::ErrorCode code, const std::string &message) {
    common::JsonPtr event = make_event("event");
    json_object_set_new(event.get(), "error_code", json_integer(domain::code_value(code)));
    json_object_set_new(event.get(), "error", json_string(message.c_str()));
    return reply_with(std::move(event));
}

Reply reply_error(const domain::ValidationError &error) { return reply_error(error.code, error.message); }

Reply reply_with(common::JsonPtr data, common::JsonPtr jsep) {
    Reply reply;
    reply.data = std::move(data);
    reply.jsep = std::move(jsep);
    return reply;
}

common::JsonPtr make_jsep(const char *type, const std::string &sdp) {
    common::JsonPtr jsep = common::json_object_ptr();
    json_object_set_new(jsep.get(), "type", json_string(type));
    json_object_set_new(jsep.get(), "sdp", json_string(sdp.c_str()));
    return jsep;
}

bool is_error(const Reply &reply) { return reply.data && json_object_get(reply.data.get(), "error_code") != nullptr; }

} // namespace roomrec::plugin
