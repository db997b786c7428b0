#include "plugin/breakout_notices.hpp"

#include "plugin/replies.hpp"
#include "plugin/room_messenger.hpp"
#include "plugin/room_registry.hpp"

namespace roomrec::plugin {

common::JsonPtr describe_breakouts(RoomRegistry &rooms, const LiveRoom &parent, const char *kind) {
    common::JsonPtr data = make_event(kind);
    json_object_set_new(data.get(), "room", json_string(parent.settings.id.c_str()));
    json_t *list = json_array();
    for (const LiveRoom *child : rooms.children_of(parent.settings.id))
        json_array_append_new(list, json_pack("{s:s, s:s, s:I}", "room", child->settings.id.c_str(), "title",
                                              child->settings.title.c_str(), "participants",
                                              static_cast<json_int_t>(child->roster.size())));
    json_object_set_new(data.get(), "breakouts", list);
    return data;
}

void tell_breakout_leads(RoomRegistry &rooms, RoomMessenger &messenger, LiveRoom &parent) {
    const common::JsonPtr event = describe_breakouts(rooms, parent, "breakouts");
    for (const auto &[id, session] : parent.participants)
        if (const domain::Member *member = parent.roster.find(id); member && domain::leads(member->role))
            messenger.push(*session, nullptr, reply_with(common::json_share(event.get())));
}

void breakout_membership_changed(RoomRegistry &rooms, RoomMessenger &messenger, const LiveRoom &room) {
    if (room.settings.parent_id.empty()) return;
    if (LiveRoom *parent = rooms.find(room.settings.parent_id)) tell_breakout_leads(rooms, messenger, *parent);
}

} // namespace roomrec::plugin
