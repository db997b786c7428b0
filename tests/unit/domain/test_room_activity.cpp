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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reactions_are_limited_per_user),
        cmocka_unit_test(hands_go_up_and_down_once),
        cmocka_unit_test(chat_replies_likes_and_deletions),
        cmocka_unit_test(moderation_threads),
        cmocka_unit_test(polls_are_answered_once),
        cmocka_unit_test(questions_are_answered_by_presenters),
        cmocka_unit_test(caps_hold),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
