#include "domain/room_activity.hpp"

namespace roomrec::domain {
namespace {

ActivityVerdict from_chat(ChatVerdict verdict) {
    switch (verdict) {
    case ChatVerdict::Ok: return ActivityVerdict::Ok;
    case ChatVerdict::NotAllowed: return ActivityVerdict::NotAllowed;
    case ChatVerdict::InvalidState: return ActivityVerdict::InvalidState;
    case ChatVerdict::NotFound: return ActivityVerdict::NotFound;
    case ChatVerdict::Deleted: return ActivityVerdict::Deleted;
    case ChatVerdict::AlreadyLiked: return ActivityVerdict::Duplicate;
    }
    return ActivityVerdict::NotAllowed;
}

} // namespace

const char *activity_verdict_name(ActivityVerdict verdict) {
    switch (verdict) {
    case ActivityVerdict::Ok: return "ok";
    case ActivityVerdict::NotAllowed: return "not_allowed";
    case ActivityVerdict::NotFound: return "not_found";
    case ActivityVerdict::Deleted: return "deleted";
    case ActivityVerdict::Duplicate: return "duplicate";
    case ActivityVerdict::InvalidState: return "invalid_state";
    case ActivityVerdict::InvalidValue: return "invalid_value";
    case ActivityVerdict::RateLimited: return "rate_limited";
    case ActivityVerdict::Full: return "full";
    }
    return "unknown";
}

std::vector<int> PollState::counts() const {
    std::vector<int> counts(options.size(), 0);
    for (const auto &[user, choice] : answers) counts[choice]++;
    return counts;
}

RoomActivity::RoomActivity(ActivityLimits limits) : limits_(limits), reactions_(limits.reactions) {}

ActivityVerdict RoomActivity::react(const std::string &user_id, int64_t now_us) {
    switch (reactions_.try_acquire(user_id, now_us)) {
    case RateVerdict::Allowed: return ActivityVerdict::Ok;
    case RateVerdict::Limited: return ActivityVerdict::RateLimited;
    case RateVerdict::TooManyUsers: return ActivityVerdict::Full;
    }
    return ActivityVerdict::RateLimited;
}

bool RoomActivity::set_hand(const std::string &participant_id, bool raised) {
    return raised ? hands_.insert(participant_id).second : hands_.erase(participant_id) > 0;
}

void RoomActivity::forget_participant(const std::string &participant_id) { hands_.erase(participant_id); }

ActivityVerdict RoomActivity::post(const ChatActor &author, const std::string &reply_to, std::string &id) {
    if (!reply_to.empty()) {
        const ActivityVerdict target = from_chat(may_reply_to(message(reply_to)));
        if (target != ActivityVerdict::Ok) return target;
    }
    if (messages_.size() >= limits_.max_messages) { // forget the oldest (its thread too)
        messages_.erase(message_order_.front());
        threads_.erase(message_order_.front());
        message_order_.pop_front();
    }
    id = "m" + std::to_string(next_message_++);
    messages_[id] = ChatMessage{id, author.user_id, false, {}};
    message_order_.push_back(id);
    return ActivityVerdict::Ok;
}

ActivityVerdict RoomActivity::like(const ChatActor &actor, const std::string &message_id, size_t &likes) {
    auto it = messages_.find(message_id);
    const ActivityVerdict verdict = from_chat(
        like_message(it == messages_.end() ? nullptr : &it->second, actor.user_id));
    if (verdict == ActivityVerdict::Ok) likes = it->second.liked_by.size();
    return verdict;
}

ActivityVerdict RoomActivity::remove(const ChatActor &actor, const std::string &message_id) {
    auto it = messages_.find(message_id);
    return from_chat(delete_message(it == messages_.end() ? nullptr : &it->second, actor));
}

ActivityVerdict RoomActivity::flag(const ChatActor &, const std::string &message_id) {
    const ChatMessage *target = message(message_id);
    if (target == nullptr) return ActivityVerdict::NotFound;
    if (target->deleted) return ActivityVerdict::Deleted;
    if (!threads_.emplace(message_id, ModerationThread{}).second) return ActivityVerdict::Duplicate;
    return ActivityVerdict::Ok;
}

ActivityVerdict RoomActivity::moderate(const ChatActor &actor, const std::string &message_id, ThreadAction action,
                                       const ModerationThread **thread) {
    auto it = threads_.find(message_id);
    if (it == threads_.end()) return ActivityVerdict::NotFound;
    const ActivityVerdict verdict = from_chat(apply_thread_action(it->second, action, actor));
    if (thread != nullptr) *thread = &it->second;
    return verdict;
}

const ChatMessage *RoomActivity::message(const std::string &id) const {
    const auto it = messages_.find(id);
    return it == messages_.end() ? nullptr : &it->second;
}

ActivityVerdict RoomActivity::create_poll(const ChatActor &actor, std::string question,
                                          std::vector<std::string> options, std::string &id) {
    if (!leads(actor.role)) return ActivityVerdict::NotAllowed;
    if (options.size() < 2 || options.size() > limits_.max_poll_options) return ActivityVerdict::InvalidValue;
    if (polls_.size() >= limits_.max_polls) return ActivityVerdict::Full;
    id = "p" + std::to_string(next_poll_++);
    polls_[id] = PollState{std::move(question), std::move(options), {}};
    return ActivityVerdict::Ok;
}

ActivityVerdict RoomActivity::answer_poll(const ChatActor &actor, const std::string &poll_id, size_t choice) {
    auto it = polls_.find(poll_id);
    if (it == polls_.end()) return ActivityVerdict::NotFound;
    if (choice >= it->second.options.size()) return ActivityVerdict::InvalidValue;
    if (!it->second.answers.emplace(actor.user_id, choice).second) return ActivityVerdict::Duplicate;
    return ActivityVerdict::Ok;
}

const PollState *RoomActivity::poll(const std::string &id) const {
    const auto it = polls_.find(id);
    return it == polls_.end() ? nullptr : &it->second;
}

ActivityVerdict RoomActivity::ask(const ChatActor &actor, std::string &id) {
    if (questions_.size() >= limits_.max_questions) return ActivityVerdict::Full;
    id = "q" + std::to_string(next_question_++);
    questions_[id] = actor.user_id;
    return ActivityVerdict::Ok;
}

ActivityVerdict RoomActivity::answer_question(const ChatActor &actor, const std::string &question_id) {
    if (!leads(actor.role) && actor.role != Role::Speaker) return ActivityVerdict::NotAllowed;
    return questions_.count(question_id) ? ActivityVerdict::Ok : ActivityVerdict::NotFound;
}

} // namespace roomrec::domain
