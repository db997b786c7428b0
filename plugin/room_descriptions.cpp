#include "plugin/room_descriptions.hpp"

namespace roomrec::plugin {

common::JsonPtr describe_publication(const Session &session) {
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

json_t *describe_subscriber_stream(const SubscriberStream &stream) {
    json_t *entry = json_object();
    json_object_set_new(entry, "mindex", json_integer(stream.mindex));
    json_object_set_new(entry, "mid", json_string(stream.mid.c_str()));
    json_object_set_new(entry, "feed", json_string(stream.feed_id.c_str()));
    json_object_set_new(entry, "feed_mid", json_string(stream.feed_mid.c_str()));
    json_object_set_new(entry, "type", json_string(media_kind_name(stream.kind)));
    json_object_set_new(entry, "active", json_boolean(!stream.idle()));
    return entry;
}

common::JsonPtr describe_participant(const LiveRoom &room, const domain::Member &member) {
    common::JsonPtr entry = common::json_object_ptr();
    json_object_set_new(entry.get(), "id", json_string(member.participant_id.c_str()));
    json_object_set_new(entry.get(), "user_id", json_string(member.client.user_id.c_str()));
    json_object_set_new(entry.get(), "display", json_string(member.client.display.c_str()));
    json_object_set_new(entry.get(), "role", json_string(domain::role_name(member.role)));
    json_object_set_new(entry.get(), "on_stage", json_boolean(member.on_stage));
    const auto session = room.participants.find(member.participant_id);
    json_object_set_new(entry.get(), "streams",
                        session == room.participants.end() ? json_array()
                                                           : describe_publication(*session->second).release());
    return entry;
}

} // namespace roomrec::plugin
