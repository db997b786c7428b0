#include "domain/room_activity.hpp"

#include <algorithm>
#include <cctype>

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
    case ActivityVerdict::UserLimit: return "user_limit";
    case ActivityVerdict::Closed: return "closed";
    }
    return "unknown";
}

std::vector<int> PollState::counts() const {
    std::vector<int> counts(options.size(), 0);
    for (const auto &[user, choice] : answers) counts[choice]++;
    return counts;
}

RoomActivity::RoomActivity(ActivityLimits limits, std::string id_tag)
    : limits_(limits), rates_(limits.signals), refused_reactions_(limits.signals.max_users) {
    // Only identifier characters, and short: an id is at most 1 + 20 digits + 1 + 12 = 34
    // characters, a valid request-table identifier (≤ 64).
    for (const char c : id_tag)
        if (id_tag_.size() < kIdTagLength && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
            id_tag_ += c;
    limits_.max_messages = std::max<size_t>(limits_.max_messages, 1);
    limits_.chat_history_per_user = std::max<size_t>(limits_.chat_history_per_user, 1);
}

std::string RoomActivity::make_id(char kind, uint64_t number) const {
    std::string id = kind + std::to_string(number);
    if (!id_tag_.empty()) id += "-" + id_tag_;
    return id;
}

ActivityVerdict RoomActivity::admit(SignalKind kind, const std::string &user_id, int64_t now_us) {
    switch (rates_.try_acquire(kind, user_id, now_us)) {
    case RateVerdict::Allowed: return ActivityVerdict::Ok;
    case RateVerdict::Limited: return ActivityVerdict::RateLimited;
    case RateVerdict::TooManyUsers: return ActivityVerdict::Full;
    }
    return ActivityVerdict::RateLimited;
}

int64_t RoomActivity::retry_after_us(SignalKind kind, const std::string &user_id, int64_t now_us) const {
    return rates_.retry_after_us(kind, user_id, now_us);
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
    // The author's own oldest goes first, so one user's flood never evicts another's message.
    if (const auto mine = by_author_.find(author.user_id);
        mine != by_author_.end() && mine->second.size() >= limits_.chat_history_per_user)
        forget_message(mine->second.front());
    if (messages_.size() >= limits_.max_messages) forget_message(message_order_.begin()->first);
    const uint64_t number = next_message_++;
    id = make_id('m', number);
    messages_[id] = ChatMessage{id, author.user_id, false, {}};
    message_order_.emplace(number, id);
    by_author_[author.user_id].push_back(number);
    return ActivityVerdict::Ok;
}

// A forgotten message takes its moderation thread with it; it can no longer be liked or replied to.
void RoomActivity::forget_message(uint64_t number) {
    const auto order = message_order_.find(number);
    if (order == message_order_.end()) return;
    const auto message = messages_.find(order->second);
    if (message != messages_.end()) {
        const auto mine = by_author_.find(message->second.author);
        if (mine != by_author_.end()) {
            // Always the author's oldest: the global oldest is also its author's oldest.
            if (!mine->second.empty() && mine->second.front() == number) mine->second.pop_front();
            if (mine->second.empty()) by_author_.erase(mine);
        }
        messages_.erase(message);
    }
    threads_.erase(order->second);
    message_order_.erase(order);
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
    id = make_id('p', next_poll_++);
    polls_[id] = PollState{std::move(question), std::move(options), {}};
    return ActivityVerdict::Ok;
}

ActivityVerdict RoomActivity::answer_poll(const ChatActor &actor, const std::string &poll_id, size_t choice) {
    auto it = polls_.find(poll_id);
    if (it == polls_.end()) return ActivityVerdict::NotFound;
    if (it->second.closed) return ActivityVerdict::Closed;
    if (choice >= it->second.options.size()) return ActivityVerdict::InvalidValue;
    if (!it->second.answers.emplace(actor.user_id, choice).second) return ActivityVerdict::Duplicate;
    return ActivityVerdict::Ok;
}

ActivityVerdict RoomActivity::close_poll(const ChatActor &actor, const std::string &poll_id) {
    if (!leads(actor.role)) return ActivityVerdict::NotAllowed;
    auto it = polls_.find(poll_id);
    if (it == polls_.end()) return ActivityVerdict::NotFound;
    if (it->second.closed) return ActivityVerdict::Duplicate;
    it->second.closed = true;
    return ActivityVerdict::Ok;
}

const PollState *RoomActivity::poll(const std::string &id) const {
    const auto it = polls_.find(id);
    return it == polls_.end() ? nullptr : &it->second;
}

ActivityVerdict RoomActivity::ask(const ChatActor &actor, std::string &id) {
    size_t &open = open_questions_[actor.user_id];
    if (open >= limits_.open_questions_per_user) return ActivityVerdict::UserLimit;
    if (questions_.size() >= limits_.max_questions) {
        if (open == 0) open_questions_.erase(actor.user_id);
        return ActivityVerdict::Full;
    }
    id = make_id('q', next_question_++);
    questions_[id] = Question{actor.user_id, false};
    ++open;
    return ActivityVerdict::Ok;
}

ActivityVerdict RoomActivity::answer_question(const ChatActor &actor, const std::string &question_id) {
    if (!leads(actor.role) && actor.role != Role::Speaker) return ActivityVerdict::NotAllowed;
    const auto it = questions_.find(question_id);
    if (it == questions_.end()) return ActivityVerdict::NotFound;
    if (!it->second.answered) { // the first answer closes it for the asker's cap; more answers may follow
        it->second.answered = true;
        if (const auto open = open_questions_.find(it->second.asker);
            open != open_questions_.end() && --open->second == 0)
            open_questions_.erase(open);
    }
    return ActivityVerdict::Ok;
}

} // namespace roomrec::domain
