#include "plugin/subscriber_requests.hpp"

#include "common/log.hpp"
#include "plugin/plugin_config.hpp"
#include "plugin/room_descriptions.hpp"
#include "plugin/room_lifecycle.hpp"
#include "plugin/room_registry.hpp"
#include "plugin/signalling_worker.hpp"

#include "plugin/sdp_negotiation.hpp"

#include <algorithm>
#include <array>

namespace roomrec::plugin {

using domain::ErrorCode;

namespace {

using Wanted = std::vector<std::pair<std::string, std::string>>; // (feed, mid or "" for all)

std::variant<Wanted, domain::ValidationError> parse_wanted(const json_t *streams) {
    Wanted wanted;
    size_t i;
    const json_t *entry;
    json_array_foreach(streams, i, entry) {
        if (auto invalid = domain::validate_params(entry, domain::kStreamParams, "streams[].")) {
            if (invalid->code == domain::ErrorCode::InvalidBody) invalid->code = domain::ErrorCode::InvalidElement;
            return *invalid;
        }
        const char *mid = json_string_value(json_object_get(entry, "mid"));
        wanted.emplace_back(json_string_value(json_object_get(entry, "feed")), mid ? mid : "");
    }
    if (wanted.empty())
        return domain::ValidationError{domain::ErrorCode::MissingElement, "streams must name at least one feed"};
    return wanted;
}

} // namespace

Reply SubscriberRequests::on_join_subscriber(Request &request, LiveRoom &room) {
    Session &session = *request.session;
    const char *private_id = json_string_value(json_object_get(request.body.get(), "private_id"));
    if (private_id == nullptr)
        return reply_error(domain::ErrorCode::MissingElement, "private_id is required for a subscriber");
    const json_t *streams = json_object_get(request.body.get(), "streams");
    if (streams == nullptr)
        return reply_error(domain::ErrorCode::MissingElement, "streams is required for a subscriber");
    std::shared_ptr<Session> owner;
    for (const auto &[id, candidate] : room.participants)
        if (candidate->private_id == private_id) owner = candidate;
    if (!owner) return reply_error(domain::ErrorCode::Unauthorized, "private_id matches no participant of this room");
    const domain::Member *member = room.roster.find(owner->participant_id);
    if (member == nullptr || !domain::is_allowed(member->role, domain::Action::Subscribe, member->on_stage))
        return reply_error(domain::ErrorCode::Forbidden, "this participant may not subscribe");
    auto wanted = parse_wanted(streams);
    if (auto *invalid = std::get_if<domain::ValidationError>(&wanted)) return reply_error(*invalid);
    // Each subscriber handle is a PeerConnection the server feeds: one seat cannot open hundreds.
    const auto held = std::count_if(room.subscribers.begin(), room.subscribers.end(), [&](const auto &subscriber) {
        return subscriber->participant_id == owner->participant_id;
    });
    if (held >= config_.max_subscriber_handles)
        return reply_error(domain::ErrorCode::LimitReached,
                           common::format_text("a participant may hold at most %lld subscriber handles",
                                               static_cast<long long>(config_.max_subscriber_handles)));

    session.kind = SessionKind::Subscriber;
    session.room_id = room.settings.id;
    session.participant_id = owner->participant_id;
    Reply reply = offer_streams(session, std::get<Wanted>(wanted), "attached");
    if (is_error(reply)) {
        session.kind = SessionKind::Unbound;
        session.room_id.clear();
        session.participant_id.clear();
        return reply;
    }
    room.subscribers.push_back(request.session);
    session.generation.fetch_add(1);
    lifecycle_.publish_binding(session);
    reply.undo = [this, subscriber = request.session] { lifecycle_.unbind(*subscriber); };
    return reply;
}

Reply SubscriberRequests::on_subscribe(Request &request) {
    Session &session = *request.session;
    if (session.kind != SessionKind::Subscriber || rooms_.room_of(session) == nullptr)
        return reply_error(domain::ErrorCode::NotJoined, "join as a subscriber first");
    auto wanted = parse_wanted(json_object_get(request.body.get(), "streams"));
    if (auto *invalid = std::get_if<domain::ValidationError>(&wanted)) return reply_error(*invalid);
    return offer_streams(session, std::get<Wanted>(wanted), "updated");
}

Reply SubscriberRequests::offer_streams(Session &session, const Wanted &wanted, const char *event_kind) {
    ROOMREC_ON_SIGNALLING_THREAD();
    LiveRoom &room = *rooms_.room_of(session);
    const auto current = session.subscription.load();
    auto next = std::make_shared<Subscription>(*current);

    std::vector<std::shared_ptr<SubscriberStream>> added;
    auto already = [&](const PublishedStream &source) {
        for (const auto &stream : next->by_mindex)
            if (stream->source.lock().get() == &source) return true;
        return false;
    };
    // An idle m-line of the same kind is reused before a new one is added, so a subscriber's
    // SDP does not grow each time someone republishes.
    auto place = [&](const std::shared_ptr<PublishedStream> &source) {
        for (auto &slot : next->by_mindex) {
            if (!slot->idle() || slot->kind != source->plan.kind) continue;
            auto stream = std::make_shared<SubscriberStream>(session.handle.get(), session.gate, slot->mindex,
                                                             slot->mid, source);
            slot->hand_numbering_to(*stream);
            slot = stream;
            return stream;
        }
        const int mindex = static_cast<int>(next->by_mindex.size());
        auto stream = std::make_shared<SubscriberStream>(session.handle.get(), session.gate, mindex,
                                                         std::to_string(mindex), source);
        next->by_mindex.push_back(stream);
        return stream;
    };
    for (const auto &[feed, mid] : wanted) {
        const auto publisher = room.participants.find(feed);
        if (publisher == room.participants.end())
            return reply_error(domain::ErrorCode::NoSuchParticipant, "no participant " + feed + " in this room");
        bool matched = false;
        for (const auto &source : publisher->second->publication.load()->by_mindex) {
            if (!source || (!mid.empty() && source->plan.mid != mid)) continue;
            matched = true;
            if (!already(*source)) added.push_back(place(source));
        }
        if (!matched)
            return reply_error(domain::ErrorCode::NoSuchParticipant,
                               "participant " + feed +
                                   (mid.empty() ? " publishes nothing" : " publishes no mid " + mid));
    }
    std::vector<const SubscriberStream *> lines;
    for (const auto &stream : next->by_mindex) lines.push_back(stream.get());
    auto offer = offer_subscriber(lines);
    if (auto *invalid = std::get_if<domain::ValidationError>(&offer)) return reply_error(*invalid);

    session.subscription.store(next);
    for (const auto &stream : added)
        if (const auto source = stream->source.lock()) attach_subscriber(*source, stream);

    Reply reply;
    reply.undo = [this, &session = session, current, added] {
        for (const auto &stream : added)
            if (const auto source = stream->source.lock()) detach_subscriber(*source, stream.get());
        session.subscription.store(current);
    };
    common::JsonPtr data = make_event(event_kind);
    json_object_set_new(data.get(), "room", json_string(room.settings.id.c_str()));
    json_t *list = json_array();
    for (const auto &stream : next->by_mindex) json_array_append_new(list, describe_subscriber_stream(*stream));
    json_object_set_new(data.get(), "streams", list);
    reply.data = std::move(data);
    reply.jsep = make_jsep("offer", std::get<std::string>(offer));
    return reply;
}

Reply SubscriberRequests::on_unsubscribe(Request &request) {
    Session &session = *request.session;
    if (session.kind != SessionKind::Subscriber || rooms_.room_of(session) == nullptr)
        return reply_error(domain::ErrorCode::NotJoined, "join as a subscriber first");
    auto wanted = parse_wanted(json_object_get(request.body.get(), "streams"));
    if (auto *invalid = std::get_if<domain::ValidationError>(&wanted)) return reply_error(*invalid);
    auto next = std::make_shared<Subscription>(*session.subscription.load());
    std::vector<std::shared_ptr<SubscriberStream>> removed;
    for (auto &slot : next->by_mindex) {
        if (slot->idle()) continue;
        for (const auto &[feed, mid] : std::get<Wanted>(wanted))
            if (slot->feed_id == feed && (mid.empty() || slot->feed_mid == mid)) {
                removed.push_back(slot);
                slot = SubscriberStream::idle_slot(*slot);
                break;
            }
    }
    if (removed.empty())
        return reply_error(domain::ErrorCode::NoSuchParticipant, "none of those streams is subscribed");
    for (const auto &stream : removed)
        if (const auto source = stream->source.lock()) detach_subscriber(*source, stream.get());
    session.subscription.store(next);
    return offer_streams(session, {}, "updated");
}

Reply SubscriberRequests::on_start(Request &request) {
    Session &session = *request.session;
    if (session.kind != SessionKind::Subscriber)
        return reply_error(domain::ErrorCode::NotJoined, "join as a subscriber first");
    if (auto invalid = check_jsep(request.jsep.get(), "answer")) return reply_error(*invalid);
    common::JsonPtr data = make_event("started");
    json_object_set_new(data.get(), "room", json_string(session.room_id.c_str()));
    return reply_with(std::move(data));
}

} // namespace roomrec::plugin
