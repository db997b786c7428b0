#include "plugin/question_requests.hpp"

#include "plugin/rate_limit_counters.hpp"
#include "plugin/room_messenger.hpp"
#include "plugin/room_registry.hpp"
#include "plugin/room_signal_helpers.hpp"
#include "plugin/signalling_worker.hpp"
#include "plugin/telemetry_bridge.hpp"

namespace roomrec::plugin {

using domain::ErrorCode;

Reply QuestionRequests::on_poll(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    auto who = find_signaller(rooms_, request);
    if (auto *refusal = std::get_if<Reply>(&who)) return std::move(*refusal);
    auto &[room, member, actor] = std::get<Signaller>(who);
    const std::string action = body_text(request, "action");
    if (action != "create" && action != "answer" && action != "close")
        return reply_error(domain::ErrorCode::InvalidElement, "action must be create, answer or close");
    if (action == "close") return close_poll(*room, *member, actor, body_text(request, "poll"));
    if (action == "create") {
        const std::string question = body_text(request, "question");
        if (is_blank(question)) return reply_error(domain::ErrorCode::MissingElement, "question is required");
        std::vector<std::string> options;
        const json_t *list = json_object_get(request.body.get(), "options");
        size_t index = 0;
        const json_t *option = nullptr;
        json_array_foreach(list, index, option) {
            if (!json_is_string(option) || json_string_length(option) > 200 || is_blank(json_string_value(option)))
                return reply_error(domain::ErrorCode::InvalidElement,
                                   "options must be non-blank strings of at most 200 bytes");
            options.emplace_back(json_string_value(option));
        }
        if (auto limited = over_rate(std::get<Signaller>(who), domain::SignalKind::Vote, rate_limited_))
            return std::move(*limited);
        std::string id;
        if (const auto verdict = room->activity->create_poll(actor, question, options, id);
            verdict != domain::ActivityVerdict::Ok)
            return refused(verdict, "create a poll (2-10 options)");
        common::JsonPtr poll(
            json_pack("{s:s, s:s, s:O}", "id", id.c_str(), "question", question.c_str(), "options", list));
        common::JsonPtr event = make_event("poll");
        json_object_set_new(event.get(), "action", json_string("created"));
        json_object_set(event.get(), "poll", poll.get());
        messenger_.broadcast(*room, event, member->participant_id);
        telemetry_.record(*room, analytics::TelemetryKind::PollCreate, member, id, static_cast<int64_t>(options.size()),
                          common::JsonPtr(json_pack("{s:s, s:O}", "question", question.c_str(), "options", list)));
        common::JsonPtr data = make_event("poll");
        json_object_set_new(data.get(), "action", json_string("created"));
        json_object_set_new(data.get(), "poll", poll.release());
        return reply_with(std::move(data));
    }
    // "answer"
    const std::string poll_id = body_text(request, "poll");
    const json_t *choice = json_object_get(request.body.get(), "choice");
    if (poll_id.empty() || choice == nullptr)
        return reply_error(domain::ErrorCode::MissingElement, "poll and choice are required");
    if (auto limited = over_rate(std::get<Signaller>(who), domain::SignalKind::Vote, rate_limited_))
        return std::move(*limited);
    if (const auto verdict = room->activity->answer_poll(actor, poll_id,
                                                         static_cast<size_t>(json_integer_value(choice)));
        verdict != domain::ActivityVerdict::Ok)
        return verdict == domain::ActivityVerdict::Closed
                   ? reply_error(domain::ErrorCode::ActivityState, "poll closed: it takes no more answers")
                   : refused(verdict, "answer that poll");
    telemetry_.record(*room, analytics::TelemetryKind::PollAnswer, member, poll_id, json_integer_value(choice));
    // The leads follow the results as they come.
    const auto counts = room->activity->poll(poll_id)->counts();
    for (const auto &[id, session] : room->participants) {
        const domain::Member *lead = room->roster.find(id);
        if (lead == nullptr || !domain::leads(lead->role)) continue;
        common::JsonPtr event = make_event("poll");
        json_object_set_new(event.get(), "action", json_string("results"));
        json_object_set_new(event.get(), "poll", json_string(poll_id.c_str()));
        json_t *numbers = json_array();
        for (int count : counts) json_array_append_new(numbers, json_integer(count));
        json_object_set_new(event.get(), "counts", numbers);
        messenger_.push(*session, nullptr, reply_with(std::move(event)));
    }
    common::JsonPtr data = make_event("poll");
    json_object_set_new(data.get(), "action", json_string("answered"));
    json_object_set_new(data.get(), "poll", json_string(poll_id.c_str()));
    return reply_with(std::move(data));
}

// Hosts and moderators close a poll: everyone learns the final counts; later answers get 459.
Reply QuestionRequests::close_poll(LiveRoom &room, const domain::Member &member, const domain::ChatActor &actor,
                                   const std::string &poll_id) {
    if (poll_id.empty()) return reply_error(domain::ErrorCode::MissingElement, "poll is required to close it");
    if (const auto verdict = room.activity->close_poll(actor, poll_id); verdict != domain::ActivityVerdict::Ok)
        return verdict == domain::ActivityVerdict::NotAllowed
                   ? reply_error(domain::ErrorCode::Forbidden, "only hosts and moderators close polls")
                   : refused(verdict, "close that poll");
    const domain::PollState *poll = room.activity->poll(poll_id);
    common::JsonPtr counts(json_array());
    for (int count : poll->counts()) json_array_append_new(counts.get(), json_integer(count));
    common::JsonPtr event = make_event("poll");
    json_object_set_new(event.get(), "action", json_string("closed"));
    json_object_set_new(event.get(), "poll", json_string(poll_id.c_str()));
    json_object_set(event.get(), "counts", counts.get());
    messenger_.broadcast(room, event, member.participant_id);
    telemetry_.record(room, analytics::TelemetryKind::PollClose, &member, poll_id,
                      static_cast<int64_t>(poll->answers.size()));
    common::JsonPtr data = make_event("poll");
    json_object_set_new(data.get(), "action", json_string("closed"));
    json_object_set_new(data.get(), "poll", json_string(poll_id.c_str()));
    json_object_set_new(data.get(), "counts", counts.release());
    return reply_with(std::move(data));
}

Reply QuestionRequests::on_qa(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    auto who = find_signaller(rooms_, request);
    if (auto *refusal = std::get_if<Reply>(&who)) return std::move(*refusal);
    auto &[room, member, actor] = std::get<Signaller>(who);
    const std::string action = body_text(request, "action");
    if (action != "ask" && action != "answer")
        return reply_error(domain::ErrorCode::InvalidElement, "action must be ask or answer");
    const std::string text = body_text(request, "text");
    if (is_blank(text)) return reply_error(domain::ErrorCode::MissingElement, "text is required and must not be blank");
    std::string question = body_text(request, "question");
    if (action == "answer" && question.empty())
        return reply_error(domain::ErrorCode::MissingElement, "question is required to answer");
    if (auto limited = over_rate(std::get<Signaller>(who),
                                 action == "ask" ? domain::SignalKind::Question : domain::SignalKind::Answer,
                                 rate_limited_))
        return std::move(*limited);
    const domain::ActivityVerdict verdict = action == "ask" ? room->activity->ask(actor, question)
                                                            : room->activity->answer_question(actor, question);
    if (verdict == domain::ActivityVerdict::UserLimit) // one user (by trusted id) may not take every Q&A slot
        return reply_error(domain::ErrorCode::ActivityState,
                           "question limit reached: you have too many unanswered questions; wait for answers");
    // Q&A threads are answered by hosts, moderators and speakers; an attendee does not post in
    // their own thread: a follow-up is a new question.
    if (verdict == domain::ActivityVerdict::NotAllowed && action == "answer")
        return reply_error(domain::ErrorCode::Forbidden, "only hosts, moderators and speakers answer questions; "
                                                         "to follow up, ask a new question");
    if (verdict != domain::ActivityVerdict::Ok) return refused(verdict, action + " that question");
    const char *done = action == "ask" ? "asked" : "answered";
    common::JsonPtr event = make_event("qa");
    json_object_set_new(event.get(), "action", json_string(done));
    json_object_set_new(event.get(), "question", json_string(question.c_str()));
    json_object_set_new(event.get(), "participant", signal_sender(*member));
    json_object_set_new(event.get(), "text", json_string(text.c_str()));
    messenger_.broadcast(*room, event, member->participant_id);
    telemetry_.record(*room, action == "ask" ? analytics::TelemetryKind::QaAsk : analytics::TelemetryKind::QaAnswer,
                      member, question, 0, common::JsonPtr(json_pack("{s:s}", "text", text.c_str())));
    common::JsonPtr data = make_event("qa");
    json_object_set_new(data.get(), "action", json_string(done));
    json_object_set_new(data.get(), "question", json_string(question.c_str()));
    return reply_with(std::move(data));
}

} // namespace roomrec::plugin
