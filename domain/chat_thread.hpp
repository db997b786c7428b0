// Chat rules (E4): moderation thread states and who may move them, and the message rules
// for replies, likes and deletion. Pure checks; the plugin keeps the messages and threads.
//
// Moderation threads (a question or report raised to the moderators):
//   Pending --claim--> Owned --resolve--> Resolved --close--> Done
//   Owned --release--> Pending          Resolved --reopen--> Owned (by whoever reopens it)
// - claim: any host or moderator; the claimer becomes the owner.
// - release, resolve, close, reopen: the owner, or any host (a host may step in for an absent
//   moderator). Speakers and viewers never move threads. Done is final.
#pragma once

#include "domain/role.hpp"

#include <set>
#include <string>
#include <string_view>

namespace roomrec::domain {

enum class ThreadState { Pending, Owned, Resolved, Done };
enum class ThreadAction { Claim, Release, Resolve, Reopen, Close };
const char *thread_state_name(ThreadState state);
const char *thread_action_name(ThreadAction action);

struct ChatActor {
    std::string user_id;
    Role role = Role::Viewer;
};

struct ModerationThread {
    ThreadState state = ThreadState::Pending;
    std::string owner; // set while Owned, kept through Resolved and Done (who handled it)
};

enum class ChatVerdict {
    Ok,
    NotAllowed,   // the actor's role or identity may not do this
    InvalidState, // the thread is not in a state this action applies to
    NotFound,     // no such message
    Deleted,      // the message was deleted
    AlreadyLiked, // this user liked it already
};
const char *chat_verdict_name(ChatVerdict verdict);

// Applies `action` to `thread` when allowed; the thread is unchanged otherwise.
ChatVerdict apply_thread_action(ModerationThread &thread, ThreadAction action, const ChatActor &actor);

struct ChatMessage {
    std::string id;
    std::string author;
    bool deleted = false;
    std::set<std::string> liked_by;
};

// A reply must name an existing message that is not deleted (target: nullptr when not found).
ChatVerdict may_reply_to(const ChatMessage *target);
// Deleting: by the author, or by a host or moderator. Deleting twice is Deleted.
ChatVerdict delete_message(ChatMessage *target, const ChatActor &actor);
// Liking: once per user, not on a deleted message. Authors may like their own messages.
ChatVerdict like_message(ChatMessage *target, std::string_view user_id);

} // namespace roomrec::domain
