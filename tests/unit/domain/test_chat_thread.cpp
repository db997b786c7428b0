// Chat moderation threads and message rules (E4).
#include "domain/chat_thread.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static const ChatActor kHost{"host-1", Role::Host};
static const ChatActor kMod{"mod-1", Role::Moderator};
static const ChatActor kOtherMod{"mod-2", Role::Moderator};
static const ChatActor kSpeaker{"speaker-1", Role::Speaker};
static const ChatActor kViewer{"viewer-1", Role::Viewer};

static void full_lifecycle(void **) {
    ModerationThread thread;
    assert_int_equal(thread.state, ThreadState::Pending);
    assert_int_equal(apply_thread_action(thread, ThreadAction::Claim, kMod), ChatVerdict::Ok);
    assert_int_equal(thread.state, ThreadState::Owned);
    assert_string_equal(thread.owner.c_str(), "mod-1");
    assert_int_equal(apply_thread_action(thread, ThreadAction::Resolve, kMod), ChatVerdict::Ok);
    assert_int_equal(apply_thread_action(thread, ThreadAction::Close, kMod), ChatVerdict::Ok);
    assert_int_equal(thread.state, ThreadState::Done);
    assert_string_equal(thread.owner.c_str(), "mod-1"); // who handled it is kept
    for (ThreadAction action :
         {ThreadAction::Claim, ThreadAction::Release, ThreadAction::Resolve, ThreadAction::Reopen, ThreadAction::Close})
        assert_int_equal(apply_thread_action(thread, action, kHost), ChatVerdict::InvalidState); // final
}

static void transition_table(void **) {
    // From each state, by the owner: which actions apply.
    const struct {
        ThreadState from;
        ThreadAction action;
        bool allowed;
        ThreadState to;
    } rows[] = {
        {ThreadState::Pending, ThreadAction::Claim, true, ThreadState::Owned},
        {ThreadState::Pending, ThreadAction::Release, false, ThreadState::Pending},
        {ThreadState::Pending, ThreadAction::Resolve, false, ThreadState::Pending},
        {ThreadState::Pending, ThreadAction::Reopen, false, ThreadState::Pending},
        {ThreadState::Pending, ThreadAction::Close, false, ThreadState::Pending},
        {ThreadState::Owned, ThreadAction::Claim, false, ThreadState::Owned},
        {ThreadState::Owned, ThreadAction::Release, true, ThreadState::Pending},
        {ThreadState::Owned, ThreadAction::Resolve, true, ThreadState::Resolved},
        {ThreadState::Owned, ThreadAction::Reopen, false, ThreadState::Owned},
        {ThreadState::Owned, ThreadAction::Close, false, ThreadState::Owned},
        {ThreadState::Resolved, ThreadAction::Claim, false, ThreadState::Resolved},
        {ThreadState::Resolved, ThreadAction::Release, false, ThreadState::Resolved},
        {ThreadState::Resolved, ThreadAction::Resolve, false, ThreadState::Resolved},
        {ThreadState::Resolved, ThreadAction::Reopen, true, ThreadState::Owned},
        {ThreadState::Resolved, ThreadAction::Close, true, ThreadState::Done},
    };
    for (const auto &row : rows) {
        ModerationThread thread{row.from, row.from == ThreadState::Pending ? "" : "mod-1"};
        const ChatVerdict verdict = apply_thread_action(thread, row.action, kMod);
        if ((verdict == ChatVerdict::Ok) != row.allowed || thread.state != row.to)
            fail_msg("%s from %s: %s, now %s", thread_action_name(row.action), thread_state_name(row.from),
                     chat_verdict_name(verdict), thread_state_name(thread.state));
        if (!row.allowed) assert_int_equal(verdict, ChatVerdict::InvalidState);
    }
}

static void who_may_move_threads(void **) {
    ModerationThread thread;
    assert_int_equal(apply_thread_action(thread, ThreadAction::Claim, kViewer), ChatVerdict::NotAllowed);
    assert_int_equal(apply_thread_action(thread, ThreadAction::Claim, kSpeaker), ChatVerdict::NotAllowed);
    assert_int_equal(apply_thread_action(thread, ThreadAction::Claim, ChatActor{"", Role::Moderator}),
                     ChatVerdict::NotAllowed);
    assert_int_equal(thread.state, ThreadState::Pending);
    apply_thread_action(thread, ThreadAction::Claim, kMod);
    // Another moderator may not take it over or resolve it; a host may.
    assert_int_equal(apply_thread_action(thread, ThreadAction::Resolve, kOtherMod), ChatVerdict::NotAllowed);
    assert_int_equal(apply_thread_action(thread, ThreadAction::Release, kOtherMod), ChatVerdict::NotAllowed);
    assert_int_equal(apply_thread_action(thread, ThreadAction::Claim, kOtherMod), ChatVerdict::InvalidState);
    assert_string_equal(thread.owner.c_str(), "mod-1");
    assert_int_equal(apply_thread_action(thread, ThreadAction::Release, kHost), ChatVerdict::Ok);
    assert_true(thread.owner.empty());
    assert_int_equal(apply_thread_action(thread, ThreadAction::Claim, kOtherMod), ChatVerdict::Ok);
    assert_int_equal(apply_thread_action(thread, ThreadAction::Resolve, kOtherMod), ChatVerdict::Ok);
    // Reopening hands the thread to whoever reopens it.
    assert_int_equal(apply_thread_action(thread, ThreadAction::Reopen, kMod), ChatVerdict::NotAllowed);
    assert_int_equal(apply_thread_action(thread, ThreadAction::Reopen, kHost), ChatVerdict::Ok);
    assert_string_equal(thread.owner.c_str(), "host-1");
    assert_int_equal(thread.state, ThreadState::Owned);
}

static void replies(void **) {
    ChatMessage message{"m1", "viewer-1", false, {}};
    assert_int_equal(may_reply_to(&message), ChatVerdict::Ok);
    assert_int_equal(may_reply_to(nullptr), ChatVerdict::NotFound);
    message.deleted = true;
    assert_int_equal(may_reply_to(&message), ChatVerdict::Deleted);
}

static void deletion(void **) {
    ChatMessage message{"m1", "viewer-1", false, {}};
    assert_int_equal(delete_message(&message, ChatActor{"viewer-2", Role::Viewer}), ChatVerdict::NotAllowed);
    assert_int_equal(delete_message(&message, kSpeaker), ChatVerdict::NotAllowed);
    assert_false(message.deleted);
    assert_int_equal(delete_message(&message, kViewer), ChatVerdict::Ok); // the author
    assert_true(message.deleted);
    assert_int_equal(delete_message(&message, kViewer), ChatVerdict::Deleted);
    for (const ChatActor &actor : {kHost, kMod}) {
        ChatMessage other{"m2", "viewer-2", false, {}};
        assert_int_equal(delete_message(&other, actor), ChatVerdict::Ok);
    }
    assert_int_equal(delete_message(nullptr, kHost), ChatVerdict::NotFound);
    ChatMessage anonymous{"m3", "", false, {}}; // an empty author is nobody's message
    assert_int_equal(delete_message(&anonymous, ChatActor{"", Role::Viewer}), ChatVerdict::NotAllowed);
}

static void likes(void **) {
    ChatMessage message{"m1", "viewer-1", false, {}};
    assert_int_equal(like_message(&message, "viewer-2"), ChatVerdict::Ok);
    assert_int_equal(like_message(&message, "viewer-2"), ChatVerdict::AlreadyLiked);
    assert_int_equal(like_message(&message, "viewer-1"), ChatVerdict::Ok); // own message
    assert_int_equal(like_message(&message, ""), ChatVerdict::NotAllowed);
    assert_int_equal(message.liked_by.size(), 2);
    assert_int_equal(like_message(nullptr, "viewer-2"), ChatVerdict::NotFound);
    message.deleted = true;
    assert_int_equal(like_message(&message, "viewer-3"), ChatVerdict::Deleted);
    assert_string_equal(chat_verdict_name(ChatVerdict::AlreadyLiked), "already_liked");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_lifecycle), cmocka_unit_test(transition_table), cmocka_unit_test(who_may_move_threads),
        cmocka_unit_test(replies),        cmocka_unit_test(deletion),         cmocka_unit_test(likes),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
