// One room session's interactive state: reactions limited per user, hands, chat with replies,
// likes, deletions and moderation threads, polls answered once, Q&A — and every cap.
#include "domain/room_activity.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static const ChatActor kHost{"hana", Role::Host};
static const ChatActor kModerator{"mo", Role::Moderator};
static const ChatActor kSpeaker{"sam", Role::Speaker};
static const ChatActor kViewer{"vic", Role::Viewer};
static const ChatActor kOther{"olga", Role::Viewer};

static void reactions_are_limited_per_user(void **) {
    RoomActivity activity;
    int allowed = 0;
    for (int i = 0; i < 20; ++i) allowed += activity.react("vic", 1'000'000) == ActivityVerdict::Ok;
    assert_int_equal(allowed, 5); // the default burst
    assert_int_equal(activity.react("vic", 1'000'000), ActivityVerdict::RateLimited);
    assert_int_equal(activity.react("olga", 1'000'000), ActivityVerdict::Ok);            // someone else is not affected
    assert_int_equal(activity.react("vic", 1'000'000 + 2'000'000), ActivityVerdict::Ok); // refilled one
}

static void hands_go_up_and_down_once(void **) {
    RoomActivity activity;
    assert_true(activity.set_hand("p1", true));
    assert_false(activity.set_hand("p1", true));
    assert_int_equal(activity.raised_hands().size(), 1);
    activity.forget_participant("p1");
    assert_false(activity.set_hand("p1", false));
}

static void chat_replies_likes_and_deletions(void **) {
    RoomActivity activity;
    std::string first, reply, id;
    assert_int_equal(activity.post(kViewer, "", first), ActivityVerdict::Ok);
    assert_string_equal(first.c_str(), "m1");
    assert_int_equal(activity.post(kOther, first, reply), ActivityVerdict::Ok);
    assert_int_equal(activity.post(kOther, "m99", id), ActivityVerdict::NotFound);
    size_t likes = 0;
    assert_int_equal(activity.like(kOther, first, likes), ActivityVerdict::Ok);
    assert_int_equal(likes, 1);
    assert_int_equal(activity.like(kOther, first, likes), ActivityVerdict::Duplicate);
    assert_int_equal(activity.like(kViewer, first, likes), ActivityVerdict::Ok); // authors may like their own
    assert_int_equal(likes, 2);
    // Only the author or a lead deletes; nobody replies to or likes a deleted message.
    assert_int_equal(activity.remove(kOther, first), ActivityVerdict::NotAllowed);
    assert_int_equal(activity.remove(kModerator, first), ActivityVerdict::Ok);
    assert_int_equal(activity.remove(kViewer, first), ActivityVerdict::Deleted);
    assert_int_equal(activity.post(kOther, first, id), ActivityVerdict::Deleted);
    assert_int_equal(activity.like(kHost, first, likes), ActivityVerdict::Deleted);
    assert_int_equal(activity.remove(kOther, reply), ActivityVerdict::Ok);
}

static void moderation_threads(void **) {
    RoomActivity activity;
    std::string message;
    activity.post(kViewer, "", message);
    const ModerationThread *thread = nullptr;
    assert_int_equal(activity.moderate(kModerator, message, ThreadAction::Claim, &thread), ActivityVerdict::NotFound);
    assert_int_equal(activity.flag(kOther, message), ActivityVerdict::Ok);
    assert_int_equal(activity.flag(kViewer, message), ActivityVerdict::Duplicate);
    assert_int_equal(activity.moderate(kViewer, message, ThreadAction::Claim, &thread), ActivityVerdict::NotAllowed);
    assert_int_equal(activity.moderate(kModerator, message, ThreadAction::Claim, &thread), ActivityVerdict::Ok);
    assert_int_equal(thread->state, ThreadState::Owned);
    assert_string_equal(thread->owner.c_str(), "mo");
    assert_int_equal(activity.moderate(kModerator, message, ThreadAction::Resolve, &thread), ActivityVerdict::Ok);
    assert_int_equal(activity.moderate(kModerator, message, ThreadAction::Close, &thread), ActivityVerdict::Ok);
    assert_int_equal(thread->state, ThreadState::Done);
    assert_int_equal(activity.moderate(kHost, message, ThreadAction::Reopen, &thread), ActivityVerdict::InvalidState);
    activity.remove(kViewer, message);
    std::string other;
    activity.post(kViewer, "", other);
    activity.remove(kViewer, other);
    assert_int_equal(activity.flag(kOther, other), ActivityVerdict::Deleted);
}

static void polls_are_answered_once(void **) {
    RoomActivity activity;
    std::string poll;
    assert_int_equal(activity.create_poll(kSpeaker, "Lunch?", {"yes", "no"}, poll), ActivityVerdict::NotAllowed);
    assert_int_equal(activity.create_poll(kHost, "Lunch?", {"yes"}, poll), ActivityVerdict::InvalidValue);
    assert_int_equal(activity.create_poll(kHost, "Lunch?", {"yes", "no", "later"}, poll), ActivityVerdict::Ok);
    assert_int_equal(activity.answer_poll(kViewer, poll, 3), ActivityVerdict::InvalidValue);
    assert_int_equal(activity.answer_poll(kViewer, poll, 2), ActivityVerdict::Ok);
    assert_int_equal(activity.answer_poll(kViewer, poll, 0), ActivityVerdict::Duplicate);
    assert_int_equal(activity.answer_poll(kOther, poll, 2), ActivityVerdict::Ok);
    assert_int_equal(activity.answer_poll(kOther, "p9", 0), ActivityVerdict::NotFound);
    const auto counts = activity.poll(poll)->counts();
    assert_int_equal(counts[0], 0);
    assert_int_equal(counts[2], 2);
}

static void closed_polls_take_no_answers(void **) {
    RoomActivity activity;
    std::string poll;
    assert_int_equal(activity.create_poll(kHost, "Lunch?", {"yes", "no"}, poll), ActivityVerdict::Ok);
    assert_int_equal(activity.answer_poll(kViewer, poll, 1), ActivityVerdict::Ok);
    assert_int_equal(activity.close_poll(kViewer, poll), ActivityVerdict::NotAllowed);
    assert_int_equal(activity.close_poll(kSpeaker, poll), ActivityVerdict::NotAllowed);
    assert_int_equal(activity.close_poll(kModerator, "p9"), ActivityVerdict::NotFound);
    assert_int_equal(activity.close_poll(kModerator, poll), ActivityVerdict::Ok);
    assert_true(activity.poll(poll)->closed);
    assert_int_equal(activity.close_poll(kHost, poll), ActivityVerdict::Duplicate);
    assert_int_equal(activity.answer_poll(kOther, poll, 0), ActivityVerdict::Closed);
    assert_int_equal(activity.answer_poll(kOther, poll, 7), ActivityVerdict::Closed); // closed first
    assert_int_equal(activity.poll(poll)->counts()[1], 1);
    assert_string_equal(activity_verdict_name(ActivityVerdict::Closed), "closed");
}

// Ids carry the session's tag: unique beyond the session, still request identifiers.
static void ids_carry_the_session_tag(void **) {
    RoomActivity tagged({}, "0123456789abcdef0123456789abcdef");
    std::string message, poll, question;
    assert_int_equal(tagged.post(kViewer, "", message), ActivityVerdict::Ok);
    assert_string_equal(message.c_str(), "m1-0123456789ab");
    assert_int_equal(tagged.create_poll(kHost, "Q?", {"a", "b"}, poll), ActivityVerdict::Ok);
    assert_string_equal(poll.c_str(), "p1-0123456789ab");
    assert_int_equal(tagged.ask(kViewer, question), ActivityVerdict::Ok);
    assert_string_equal(question.c_str(), "q1-0123456789ab");
    assert_int_equal(tagged.post(kViewer, message, message), ActivityVerdict::Ok);
    assert_string_equal(message.c_str(), "m2-0123456789ab");
    // Only identifier characters of the tag are used.
    RoomActivity odd({}, "a b/c\"d");
    assert_int_equal(odd.post(kViewer, "", message), ActivityVerdict::Ok);
    assert_string_equal(message.c_str(), "m1-abcd");
}

static void questions_are_answered_by_presenters(void **) {
    RoomActivity activity;
    std::string question;
    assert_int_equal(activity.ask(kViewer, question), ActivityVerdict::Ok);
    assert_string_equal(question.c_str(), "q1");
    assert_int_equal(activity.answer_question(kOther, question), ActivityVerdict::NotAllowed);
    assert_int_equal(activity.answer_question(kSpeaker, question), ActivityVerdict::Ok);
    assert_int_equal(activity.answer_question(kHost, "q2"), ActivityVerdict::NotFound);
}

static void caps_hold(void **) {
    ActivityLimits limits;
    limits.max_messages = 3;
    limits.max_polls = 1;
    limits.max_questions = 1;
    RoomActivity activity(limits);
    std::string ids[5];
    for (auto &id : ids) assert_int_equal(activity.post(kViewer, "", id), ActivityVerdict::Ok);
    assert_null(activity.message(ids[0])); // the oldest are forgotten (m1, m2), the newest kept
    assert_null(activity.message(ids[1]));
    assert_non_null(activity.message(ids[4]));
    std::string id;
    assert_int_equal(activity.post(kViewer, ids[0], id), ActivityVerdict::NotFound);
    assert_int_equal(activity.create_poll(kHost, "a", {"x", "y"}, id), ActivityVerdict::Ok);
    assert_int_equal(activity.create_poll(kHost, "b", {"x", "y"}, id), ActivityVerdict::Full);
    assert_int_equal(activity.ask(kViewer, id), ActivityVerdict::Ok);
    assert_int_equal(activity.ask(kViewer, id), ActivityVerdict::Full);
}

// A flood from one user evicts only that user's own messages: the host's message stays likeable
// and answerable however much someone else posts.
static void one_author_cannot_fill_the_chat_history(void **) {
    ActivityLimits limits;
    limits.max_messages = 10;
    limits.chat_history_per_user = 3;
    RoomActivity activity(limits);
    std::string hosts, id;
    assert_int_equal(activity.post(kHost, "", hosts), ActivityVerdict::Ok);
    std::string flood[50];
    for (auto &message : flood) assert_int_equal(activity.post(kViewer, "", message), ActivityVerdict::Ok);
    assert_non_null(activity.message(hosts));
    assert_int_equal(activity.messages_kept(), 4); // the host's and the flooder's newest three
    assert_null(activity.message(flood[46]));
    for (int i = 47; i < 50; ++i) assert_non_null(activity.message(flood[i]));
    size_t likes = 0;
    assert_int_equal(activity.like(kOther, hosts, likes), ActivityVerdict::Ok);
    assert_int_equal(activity.post(kOther, hosts, id), ActivityVerdict::Ok);
    // Several authors together still fill the history up to its cap, oldest first.
    const ChatActor others[] = {{"u1", Role::Viewer}, {"u2", Role::Viewer}, {"u3", Role::Viewer}};
    for (const auto &author : others)
        for (int i = 0; i < 3; ++i) assert_int_equal(activity.post(author, "", id), ActivityVerdict::Ok);
    assert_int_equal(activity.messages_kept(), 10);
    assert_null(activity.message(hosts)); // now the oldest of the room: 14 posted, 10 kept
    assert_null(activity.message(flood[49]));
    assert_int_equal(activity.flag(kHost, flood[49]), ActivityVerdict::NotFound);
    assert_int_equal(activity.flag(kHost, id), ActivityVerdict::Ok);
}

static void open_questions_are_capped_per_user(void **) {
    ActivityLimits limits;
    limits.open_questions_per_user = 2;
    RoomActivity activity(limits);
    std::string first, second, id;
    assert_int_equal(activity.ask(kViewer, first), ActivityVerdict::Ok);
    assert_int_equal(activity.ask(kViewer, second), ActivityVerdict::Ok);
    assert_int_equal(activity.ask(kViewer, id), ActivityVerdict::UserLimit);
    assert_string_equal(activity_verdict_name(ActivityVerdict::UserLimit), "user_limit");
    assert_int_equal(activity.ask(kOther, id), ActivityVerdict::Ok); // others are not affected
    // An answered question no longer counts; answering it twice frees one slot only.
    assert_int_equal(activity.answer_question(kHost, first), ActivityVerdict::Ok);
    assert_int_equal(activity.answer_question(kSpeaker, first), ActivityVerdict::Ok);
    assert_int_equal(activity.ask(kViewer, id), ActivityVerdict::Ok);
    assert_int_equal(activity.ask(kViewer, id), ActivityVerdict::UserLimit);
}

// Every kind of signal has its own bucket per user: a spent chat bucket leaves likes and hands.
static void signals_are_limited_per_kind_and_user(void **) {
    ActivityLimits limits;
    limits.signals[SignalKind::Chat] = {2, 60};
    RoomActivity activity(limits);
    const int64_t now = 5'000'000;
    assert_int_equal(activity.admit(SignalKind::Chat, "vic", now), ActivityVerdict::Ok);
    assert_int_equal(activity.admit(SignalKind::Chat, "vic", now), ActivityVerdict::Ok);
    assert_int_equal(activity.admit(SignalKind::Chat, "vic", now), ActivityVerdict::RateLimited);
    assert_int_equal(activity.retry_after_us(SignalKind::Chat, "vic", now), 1'000'000);
    assert_int_equal(activity.admit(SignalKind::Like, "vic", now), ActivityVerdict::Ok);
    assert_int_equal(activity.admit(SignalKind::Chat, "olga", now), ActivityVerdict::Ok);
    assert_int_equal(activity.admit(SignalKind::Chat, "vic", now + 1'000'000), ActivityVerdict::Ok);
    assert_int_equal(activity.signal_limit(SignalKind::Question).burst, 3); // the defaults elsewhere
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reactions_are_limited_per_user),
        cmocka_unit_test(hands_go_up_and_down_once),
        cmocka_unit_test(chat_replies_likes_and_deletions),
        cmocka_unit_test(moderation_threads),
        cmocka_unit_test(polls_are_answered_once),
        cmocka_unit_test(questions_are_answered_by_presenters),
        cmocka_unit_test(caps_hold),
        cmocka_unit_test(one_author_cannot_fill_the_chat_history),
        cmocka_unit_test(open_questions_are_capped_per_user),
        cmocka_unit_test(signals_are_limited_per_kind_and_user),
        cmocka_unit_test(closed_polls_take_no_answers),
        cmocka_unit_test(ids_carry_the_session_tag),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
