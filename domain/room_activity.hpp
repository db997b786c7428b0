// The interactive state of one room session (E3-E5): per-user signal rate limits, raised hands,
// chat messages with likes, deletions and moderation threads, polls and Q&A threads. Pure: the
// plugin's signalling thread owns one per live session, asks it whether a signal is allowed,
// then relays it and records it. Ids are unique across sessions and nodes by construction:
// "<kind><N>-<tag>", the tag being taken from the session's random id ("m12-3f9a0c1d2e4b"). Bounded: each kind has a cap, and no single
// user can fill one: a user's chat history share and open questions have their own caps.
#pragma once

#include "domain/chat_thread.hpp"
#include "domain/refusal_tally.hpp"
#include "domain/room_rate_limits.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace roomrec::domain {

struct ActivityLimits {
    size_t max_messages = 10000; // chat messages kept per session (older ones can no longer be liked or replied to)
    size_t max_polls = 200;
    size_t max_poll_options = 10;
    size_t max_questions = 2000;
    // A user's share of the chat history: their next message forgets their own oldest one, so a
    // flood never pushes anyone else's message out.
    size_t chat_history_per_user = 100;
    size_t open_questions_per_user = 20; // unanswered questions a user may have; more are refused
    SignalLimits signals;
};

enum class ActivityVerdict {
    Ok,
    NotAllowed,   // this role (or this user) may not
    NotFound,     // no such message, poll or question
    Deleted,      // the message was deleted
    Duplicate,    // liked or answered already; a thread exists already
    InvalidState, // a moderation thread cannot move that way
    InvalidValue, // a poll choice out of range, too few or too many options
    RateLimited,  // over the user's rate for this kind of signal
    Full,         // the session's cap for this kind is reached
    UserLimit,    // the user's own cap for this kind is reached (open questions)
    Closed,       // the poll is closed
};
const char *activity_verdict_name(ActivityVerdict verdict);

struct PollState {
    std::string question;
    std::vector<std::string> options;
    std::map<std::string, size_t> answers; // user → choice
    bool closed = false;
    std::vector<int> counts() const;
};

class RoomActivity {
public:
    static constexpr size_t kIdTagLength = 12;
    // id_tag makes the session's message, poll and question ids unique beyond the session: the
    // first 12 characters of [A-Za-z0-9_-] of it are used (taken from the session's random id).
    explicit RoomActivity(ActivityLimits limits = {}, std::string id_tag = {});

    // Takes one of the user's tokens for a signal of this kind: RateLimited when they have none
    // (retry_after_us says when they will), Full when the room tracks too many senders.
    ActivityVerdict admit(SignalKind kind, const std::string &user_id, int64_t now_us);
    int64_t retry_after_us(SignalKind kind, const std::string &user_id, int64_t now_us) const;
    const SignalLimit &signal_limit(SignalKind kind) const { return rates_.limit(kind); }
    ActivityVerdict react(const std::string &user_id, int64_t now_us) {
        return admit(SignalKind::Reaction, user_id, now_us);
    }

    // Refused reactions (over the limit): the value of a reaction.refused row to write now, if
    // any; leave_refusals when the user leaves, and every user's rest when the session ends.
    std::optional<int64_t> count_refusal(const std::string &user_id, int64_t now_us) {
        return refused_reactions_.refuse(user_id, now_us);
    }
    std::optional<int64_t> leave_refusals(const std::string &user_id) { return refused_reactions_.flush(user_id); }
    std::vector<std::pair<std::string, int64_t>> flush_refusals() { return refused_reactions_.flush_all(); }

    // Raised hands, by participant (a user may join twice). True when the state changed.
    bool set_hand(const std::string &participant_id, bool raised);
    void forget_participant(const std::string &participant_id); // they left: their hand goes down
    const std::set<std::string> &raised_hands() const { return hands_; }

    // Chat (E4). reply_to may be empty. On Ok, id is the new message's. The history keeps
    // max_messages; an author over chat_history_per_user loses their own oldest message first.
    ActivityVerdict post(const ChatActor &author, const std::string &reply_to, std::string &id);
    ActivityVerdict like(const ChatActor &actor, const std::string &message_id, size_t &likes);
    ActivityVerdict remove(const ChatActor &actor, const std::string &message_id);
    // Raising a message to the moderators (anyone but its deleter; once per message) opens a
    // pending thread; the thread then moves by chat_thread's rules.
    ActivityVerdict flag(const ChatActor &actor, const std::string &message_id);
    ActivityVerdict moderate(const ChatActor &actor, const std::string &message_id, ThreadAction action,
                             const ModerationThread **thread);
    const ChatMessage *message(const std::string &id) const;
    size_t messages_kept() const { return messages_.size(); }

    // Polls and Q&A (E5): hosts and moderators create polls; everyone answers once; everyone asks;
    // hosts, moderators and speakers answer questions.
    ActivityVerdict create_poll(const ChatActor &actor, std::string question, std::vector<std::string> options,
                                std::string &id);
    ActivityVerdict answer_poll(const ChatActor &actor, const std::string &poll_id,
                                size_t choice); // Closed once closed
    // Hosts and moderators close a poll once (Duplicate after); later answers are Closed.
    ActivityVerdict close_poll(const ChatActor &actor, const std::string &poll_id);
    const PollState *poll(const std::string &id) const;
    // UserLimit when the asker has open_questions_per_user unanswered questions.
    ActivityVerdict ask(const ChatActor &actor, std::string &id);
    ActivityVerdict answer_question(const ChatActor &actor, const std::string &question_id);

private:
    struct Question {
        std::string asker;
        bool answered = false;
    };
    void forget_message(uint64_t number); // the oldest of its author's messages
    std::string make_id(char kind, uint64_t number) const;

    ActivityLimits limits_;
    RoomRateLimits rates_;
    RefusalTally refused_reactions_;
    std::string id_tag_;
    std::set<std::string> hands_;
    std::map<std::string, ChatMessage> messages_;
    std::map<uint64_t, std::string> message_order_;         // number → id, oldest first
    std::map<std::string, std::deque<uint64_t>> by_author_; // author → their kept messages, oldest first
    std::map<std::string, ModerationThread> threads_;       // by message id
    std::map<std::string, PollState> polls_;
    std::map<std::string, Question> questions_;    // by id
    std::map<std::string, size_t> open_questions_; // asker → unanswered questions
    uint64_t next_message_ = 1, next_poll_ = 1, next_question_ = 1;
};

} // namespace roomrec::domain
