// Room management (R1): create, destroy, list, exists, listparticipants.
#include "plugin/plugin.hpp"

#include <openssl/crypto.h>

#include <cstring>

namespace roomrec::plugin {

using domain::ErrorCode;

bool Plugin::admin_secret_ok(const Request &request) const {
    if (request.admin) return true;
    const char *given = json_string_value(json_object_get(request.body.get(), "admin_secret"));
    const std::string &expected = config_.admin_secret;
    if (given == nullptr || expected.empty() || std::strlen(given) != expected.size()) return false;
    return CRYPTO_memcmp(given, expected.data(), expected.size()) == 0;
}

common::JsonPtr Plugin::describe_publication(const Session &session) const {
    common::JsonPtr streams(json_array());
    for (const auto &stream : session.publication.load()->by_mindex) {
        if (!stream) continue;
        json_t *entry = json_object();
        json_object_set_new(entry, "mid", json_string(stream->plan.mid.c_str()));
        json_object_set_new(entry, "type", json_string(media_kind_name(stream->plan.kind)));
        json_object_set_new(entry, "source", json_string(stream_source_name(stream->plan.source)));
        json_object_set_new(entry, "codec", json_string(stream->codec.name.c_str()));
        json_array_append_new(streams.get(), entry);
    }
    return streams;
}

json_t *Plugin::describe_subscriber_stream(const SubscriberStream &stream) {
    json_t *entry = json_object();
    json_object_set_new(entry, "mindex", json_integer(stream.mindex));
    json_object_set_new(entry, "mid", json_string(stream.mid.c_str()));
    json_object_set_new(entry, "feed", json_string(stream.feed_id.c_str()));
    json_object_set_new(entry, "feed_mid", json_string(stream.feed_mid.c_str()));
    json_object_set_new(entry, "type", json_string(media_kind_name(stream.kind)));
    json_object_set_new(entry, "active", json_boolean(!stream.idle()));
    return entry;
}

common::JsonPtr Plugin::describe_participant(const LiveRoom &room, const domain::Member &member) const {
    common::JsonPtr entry = common::json_object_ptr();
    json_object_set_new(entry.get(), "id", json_string(member.participant_id.c_str()));
    json_object_set_new(entry.get(), "user_id", json_string(member.client.user_id.c_str()));
    json_object_set_new(entry.get(), "display", json_string(member.client.display.c_str()));
    json_object_set_new(entry.get(), "role", json_string(domain::role_name(member.role)));
    json_object_set_new(entry.get(), "on_stage", json_boolean(member.on_stage));
    const auto session = room.participants.find(member.participant_id);
    json_object_set_new(entry.get(), "streams",
                        session == room.participants.end() ? json_array() : describe_publication(*session->second).release());
    return entry;
}

Reply Plugin::on_create(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    if (!admin_secret_ok(request))
        return reply_error(domain::ErrorCode::Unauthorized, config_.admin_secret.empty()
                                                        ? "room creation through the API is disabled (no admin_secret configured)"
                                                        : "wrong admin_secret");
    auto parsed = domain::parse_room_settings(request.body.get());
    if (auto *invalid = std::get_if<domain::ValidationError>(&parsed)) return reply_error(*invalid);
    auto settings = std::get<domain::RoomSettings>(std::move(parsed));
    if (rooms_.count(settings.id)) return reply_error(domain::ErrorCode::RoomExists, "room " + settings.id + " already exists");
    if (!settings.parent_id.empty() && !rooms_.count(settings.parent_id))
        return reply_error(domain::ErrorCode::NoSuchRoom, "parent room " + settings.parent_id + " does not exist");
    const std::string id = settings.id;
    rooms_[id].settings = std::move(settings);
    JANUS_LOG(LOG_INFO, "[roomrec] room %s created\n", id.c_str());
    common::JsonPtr details = common::json_object_ptr();
    json_object_set_new(details.get(), "room", json_string(id.c_str()));
    notify("room_created", std::move(details));
    common::JsonPtr data = make_event("created");
    json_object_set_new(data.get(), "room", json_string(id.c_str()));
    return reply_with(std::move(data));
}

Reply Plugin::on_destroy(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    if (!admin_secret_ok(request)) return reply_error(domain::ErrorCode::Unauthorized, "wrong or missing admin_secret");
    const std::string id = json_string_value(json_object_get(request.body.get(), "room"));
    const auto it = rooms_.find(id);
    if (it == rooms_.end()) return reply_error(domain::ErrorCode::NoSuchRoom, "no such room " + id);
    if (it->second.settings.is_static)
        return reply_error(domain::ErrorCode::Forbidden, "room " + id + " is declared in the configuration and cannot be destroyed");
    close_room(it->second, "destroyed");
    rooms_.erase(it);
    JANUS_LOG(LOG_INFO, "[roomrec] room %s destroyed\n", id.c_str());
    common::JsonPtr details = common::json_object_ptr();
    json_object_set_new(details.get(), "room", json_string(id.c_str()));
    notify("room_destroyed", std::move(details));
    common::JsonPtr data = make_event("destroyed");
    json_object_set_new(data.get(), "room", json_string(id.c_str()));
    return reply_with(std::move(data));
}

Reply Plugin::on_list(Request &) {
    common::JsonPtr data = make_event("success");
    json_t *list = json_array();
    for (const auto &[id, room] : rooms_) {
        json_t *entry = json_object();
        json_object_set_new(entry, "room", json_string(id.c_str()));
        json_object_set_new(entry, "title", json_string(room.settings.title.c_str()));
        json_object_set_new(entry, "type", json_string(domain::room_type_name(room.settings.type)));
        json_object_set_new(entry, "participants", json_integer(static_cast<json_int_t>(room.roster.size())));
        json_object_set_new(entry, "max_participants", json_integer(room.settings.max_participants));
        json_object_set_new(entry, "static", json_boolean(room.settings.is_static));
        if (!room.settings.parent_id.empty()) json_object_set_new(entry, "parent", json_string(room.settings.parent_id.c_str()));
        json_array_append_new(list, entry);
    }
    json_object_set_new(data.get(), "list", list);
    return reply_with(std::move(data));
}

Reply Plugin::on_exists(Request &request) {
    const std::string id = json_string_value(json_object_get(request.body.get(), "room"));
    common::JsonPtr data = make_event("success");
    json_object_set_new(data.get(), "room", json_string(id.c_str()));
    json_object_set_new(data.get(), "exists", json_boolean(rooms_.count(id) > 0));
    return reply_with(std::move(data));
}

Reply Plugin::on_listparticipants(Request &request) {
    const std::string id = json_string_value(json_object_get(request.body.get(), "room"));
    const auto it = rooms_.find(id);
    if (it == rooms_.end()) return reply_error(domain::ErrorCode::NoSuchRoom, "no such room " + id);
    const bool inside = request.session && request.session->kind != SessionKind::Unbound && request.session->room_id == id;
    if (!inside && !admin_secret_ok(request))
        return reply_error(domain::ErrorCode::Unauthorized, "join the room or give the admin_secret to list its participants");
    common::JsonPtr data = make_event("participants");
    json_object_set_new(data.get(), "room", json_string(id.c_str()));
    json_t *list = json_array();
    for (const domain::Member *member : it->second.roster.members())
        json_array_append_new(list, describe_participant(it->second, *member).release());
    json_object_set_new(data.get(), "participants", list);
    return reply_with(std::move(data));
}

} // namespace roomrec::plugin
