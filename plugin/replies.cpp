#include "replies.hpp"

namespace roomrec {

JsonPtr make_event(const char *kind) {
    JsonPtr event = json_object_ptr();
    json_object_set_new(event.get(), "roomrec", json_string(kind));
    return event;
}

Reply reply_error(core::ErrorCode code, const std::string &message) {
    JsonPtr event = make_event("event");
    json_object_set_new(event.get(), "error_code", json_integer(core::code_value(code)));
    json_object_set_new(event.get(), "error", json_string(message.c_str()));
    return reply_with(std::move(event));
}

Reply reply_error(const core::ValidationError &error) { return reply_error(error.code, error.message); }

Reply reply_with(JsonPtr data, JsonPtr jsep) {
    Reply reply;
    reply.data = std::move(data);
    reply.jsep = std::move(jsep);
    return reply;
}

JsonPtr make_jsep(const char *type, const std::string &sdp) {
    JsonPtr jsep = json_object_ptr();
    json_object_set_new(jsep.get(), "type", json_string(type));
    json_object_set_new(jsep.get(), "sdp", json_string(sdp.c_str()));
    return jsep;
}

bool is_error(const Reply &reply) { return reply.data && json_object_get(reply.data.get(), "error_code") != nullptr; }

} // namespace roomrec
