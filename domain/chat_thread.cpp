#include "domain/chat_thread.hpp"

namespace roomrec::domain {

const char *thread_state_name(ThreadState state) {
    switch (state) {
    case ThreadState::Pending: return "pending";
    case ThreadState::Owned: return "owned";
    case ThreadState::Resolved: return "resolved";
    case ThreadState::Done: return "done";
    }
    return "pending";
}

const char *thread_action_name(ThreadAction action) {
    switch (action) {
    case ThreadAction::Claim: return "claim";
    case ThreadAction::Release: return "release";
    case ThreadAction::Resolve: return "resolve";
    case ThreadAction::Reopen: return "reopen";
    case ThreadAction::Close: return "close";
    }
    return "claim";
}

const char *chat_verdict_name(ChatVerdict verdict) {
    switch (verdict) {
    case ChatVerdict::Ok: return "ok";
    case ChatVerdict::NotAllowed: return "not_allowed";
    case ChatVerdict::InvalidState: return "invalid_state";
    case ChatVerdict::NotFound: return "not_found";
    case ChatVerdict::Deleted: return "deleted";
    case ChatVerdict::AlreadyLiked: return "already_liked";
    }
    return "not_allowed";
}

ChatVerdict apply_thread_action(ModerationThread &thread, ThreadAction action, const ChatActor &actor) {
    if (!leads(actor.role) || actor.user_id.empty()) return ChatVerdict::NotAllowed;
    const bool in_charge = actor.user_id == thread.owner || actor.role == Role::Host;
    switch (action) {
    case ThreadAction::Claim:
        if (thread.state != ThreadState::Pending) return ChatVerdict::InvalidState;
        thread = {ThreadState::Owned, actor.user_id};
        return ChatVerdict::Ok;
    case ThreadAction::Release:
        if (thread.state != ThreadState::Owned) return ChatVerdict::InvalidState;
        if (!in_charge) return ChatVerdict::NotAllowed;
        thread = {ThreadState::Pending, ""};
        return ChatVerdict::Ok;
    case ThreadAction::Resolve:
        if (thread.state != ThreadState::Owned) return ChatVerdict::InvalidState;
        if (!in_charge) return ChatVerdict::NotAllowed;
        thread.state = ThreadState::Resolved;
        return ChatVerdict::Ok;
    case ThreadAction::Reopen:
        if (thread.state != ThreadState::Resolved) return ChatVerdict::InvalidState;
        if (!in_charge) return ChatVerdict::NotAllowed;
        thread = {ThreadState::Owned, actor.user_id};
        return ChatVerdict::Ok;
    case ThreadAction::Close:
        if (thread.state != ThreadState::Resolved) return ChatVerdict::InvalidState;
        if (!in_charge) return ChatVerdict::NotAllowed;
        thread.state = ThreadState::Done;
        return ChatVerdict::Ok;
    }
    return ChatVerdict::InvalidState;
}

ChatVerdict may_reply_to(const ChatMessage *target) {
    if (target == nullptr) return ChatVerdict::NotFound;
    return target->deleted ? ChatVerdict::Deleted : ChatVerdict::Ok;
}

ChatVerdict delete_message(ChatMessage *target, const ChatActor &actor) {
    if (target == nullptr) return ChatVerdict::NotFound;
    if (target->deleted) return ChatVerdict::Deleted;
    const bool author = !actor.user_id.empty() && actor.user_id == target->author;
    if (!author && !leads(actor.role)) return ChatVerdict::NotAllowed;
    target->deleted = true;
    return ChatVerdict::Ok;
}

ChatVerdict like_message(ChatMessage *target, std::string_view user_id) {
    if (target == nullptr) return ChatVerdict::NotFound;
    if (target->deleted) return ChatVerdict::Deleted;
    if (user_id.empty()) return ChatVerdict::NotAllowed;
    return target->liked_by.emplace(user_id).second ? ChatVerdict::Ok : ChatVerdict::AlreadyLiked;
}

} // namespace roomrec::domain
