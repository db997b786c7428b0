#include "plugin/room_requests.hpp"

#include "common/log.hpp"
#include "common/same_secret.hpp"
#include "plugin/room_descriptions.hpp"
#include "plugin/room_lifecycle.hpp"
#include "plugin/room_messenger.hpp"
#include "plugin/room_pinning.hpp"
#include "plugin/room_registry.hpp"
#include "plugin/signalling_worker.hpp"



namespace roomrec::plugin {
namespace {
constexpr common::Logger kLog("room");
} // namespace

using domain::ErrorCode;

bool RoomRequests::admin_secret_ok(const Request &request) const {
    if (request.admin) return true;
    return common::same_secret(json_string_value(json_object_get(request.body.get(), "admin_secret")),
                               config_.admin_secret);
}

Reply RoomRequests::on_create(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    if (!admin_secret_ok(request))
        return reply_error(domain::ErrorCode::Unauthorized,
                           config_.admin_secret.empty()
                               ? "room creation through the API is disabled (no admin_secret configured)"
                               : "wrong admin_secret");
    auto parsed = domain::parse_room_settings(request.body.get());
    if (auto *invalid = std::get_if<domain::ValidationError>(&parsed)) return reply_error(*invalid);
    auto settings = std::get<domain::RoomSettings>(std::move(parsed));
    if (rooms_.contains(settings.id))
        return reply_error(domain::ErrorCode::RoomExists, "room " + settings.id + " already exists");
    if (settings.parent_id.empty())
        if (const domain::ClusterNode *home = home_elsewhere(config_, settings.id))
            return reply_room_elsewhere(settings.id, *home);
    if (!settings.parent_id.empty() && !rooms_.contains(settings.parent_id))
        return reply_error(domain::ErrorCode::NoSuchRoom, "parent room " + settings.parent_id + " does not exist");
    const std::string id = settings.id;
    rooms_.add(settings);
    kLog.info(common::format_text("room %s created", id.c_str()));
    common::JsonPtr details = common::json_object_ptr();
    json_object_set_new(details.get(), "room", json_string(id.c_str()));
    messenger_.notify("room_created", std::move(details));
    common::JsonPtr data = make_event("created");
    json_object_set_new(data.get(), "room", json_string(id.c_str()));
    return reply_with(std::move(data));
}

Reply RoomRequests::on_destroy(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    if (!admin_secret_ok(request)) return reply_error(domain::ErrorCode::Unauthorized, "wrong or missing admin_secret");
    const std::string id = json_string_value(json_object_get(request.body.get(), "room"));
    LiveRoom *room = rooms_.find(id);
    if (room == nullptr) return reply_error(domain::ErrorCode::NoSuchRoom, "no such room " + id);
    if (room->settings.is_static)
        return reply_error(domain::ErrorCode::Forbidden,
                           "room " + id + " is declared in the configuration and cannot be destroyed");
    lifecycle_.close_room(*room, "destroyed");
    rooms_.erase(id);
    kLog.info(common::format_text("room %s destroyed", id.c_str()));
    common::JsonPtr details = common::json_object_ptr();
    json_object_set_new(details.get(), "room", json_string(id.c_str()));
    messenger_.notify("room_destroyed", std::move(details));
    common::JsonPtr data = make_event("destroyed");
    json_object_set_new(data.get(), "room", json_string(id.c_str()));
    return reply_with(std::move(data));
}

// Like VideoRoom's private rooms and admin_key: operators (the Admin API, or the admin_secret)
// see every room with its counts; anyone else sees only the rooms flagged public, by id and title.
Reply RoomRequests::on_list(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    const bool operator_view = admin_secret_ok(request);
    if (!operator_view && json_object_get(request.body.get(), "admin_secret") != nullptr)
        return reply_error(domain::ErrorCode::Unauthorized, "wrong admin_secret");
    common::JsonPtr data = make_event("success");
    json_t *list = json_array();
    for (const auto &[id, room] : rooms_.all()) {
        if (!operator_view && !room.settings.is_public) continue;
        json_t *entry = json_object();
        json_object_set_new(entry, "room", json_string(id.c_str()));
        json_object_set_new(entry, "title", json_string(room.settings.title.c_str()));
        if (!operator_view) {
            json_array_append_new(list, entry);
            continue;
        }
        json_object_set_new(entry, "public", json_boolean(room.settings.is_public));
        json_object_set_new(entry, "type", json_string(domain::room_type_name(room.settings.type)));
        json_object_set_new(entry, "participants", json_integer(static_cast<json_int_t>(room.roster.size())));
        json_object_set_new(entry, "max_participants", json_integer(room.settings.max_participants));
        // Set only when the room overrides the jcfg "limits".
        if (room.settings.reaction_burst > 0)
            json_object_set_new(entry, "reaction_burst", json_integer(room.settings.reaction_burst));
        if (room.settings.reactions_per_minute > 0)
            json_object_set_new(entry, "reactions_per_minute", json_integer(room.settings.reactions_per_minute));
        json_object_set_new(entry, "static", json_boolean(room.settings.is_static));
        if (!room.settings.parent_id.empty())
            json_object_set_new(entry, "parent", json_string(room.settings.parent_id.c_str()));
        json_array_append_new(list, entry);
    }
    json_object_set_new(data.get(), "list", list);
    return reply_with(std::move(data));
}

Reply RoomRequests::on_exists(Request &request) {
    const std::string id = json_string_value(json_object_get(request.body.get(), "room"));
    common::JsonPtr data = make_event("success");
    json_object_set_new(data.get(), "room", json_string(id.c_str()));
    json_object_set_new(data.get(), "exists", json_boolean(rooms_.contains(id)));
    return reply_with(std::move(data));
}

Reply RoomRequests::on_listparticipants(Request &request) {
    const std::string id = json_string_value(json_object_get(request.body.get(), "room"));
    const LiveRoom *room = rooms_.find(id);
    if (room == nullptr) return reply_error(domain::ErrorCode::NoSuchRoom, "no such room " + id);
    const bool inside = request.session && request.session->kind != SessionKind::Unbound &&
                        request.session->room_id == id;
    if (!inside && !admin_secret_ok(request))
        return reply_error(domain::ErrorCode::Unauthorized,
                           "join the room or give the admin_secret to list its participants");
    common::JsonPtr data = make_event("participants");
    json_object_set_new(data.get(), "room", json_string(id.c_str()));
    json_t *list = json_array();
    for (const domain::Member *member : room->roster.members())
        json_array_append_new(list, describe_participant(*room, *member).release());
    json_object_set_new(data.get(), "participants", list);
    return reply_with(std::move(data));
}

} // namespace roomrec::plugin
