// Polls closed by leads (later answers refused, everyone told the final counts, a poll.close
// row) and the Q&A rule: an attendee does not answer, even in their own thread.
#include "tests/unit/plugin/plugin_harness.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::test::code;
using roomrec::test::has;
using roomrec::test::PluginHarness;

namespace {

void leads_close_polls_and_later_answers_are_refused(void **) {
    PluginHarness h;
    h.create_room("weekly");
    std::string id;
    auto *host = h.join("weekly", "host", "alice", &id);
    auto *moderator = h.join("weekly", "moderator", "mona", &id);
    auto *viewer = h.join("weekly", "viewer", "bob", &id);
    auto *late = h.join("weekly", "viewer", "erin", &id);
    const std::string poll = PluginHarness::nested(
        h.request(host, R"({"request":"poll","action":"create","question":"Lunch?","options":["yes","no"]})"), "poll",
        "id");
    assert_int_equal(
        code(h.request(viewer, R"({"request":"poll","action":"answer","poll":")" + poll + R"(","choice":1})")), 0);
    const std::string close = R"({"request":"poll","action":"close","poll":")" + poll + "\"}";
    const std::string refused = h.request(viewer, close);
    assert_int_equal(code(refused), 448);
    assert_true(has(refused, "only hosts and moderators close polls"));
    assert_int_equal(code(h.request(host, R"({"request":"poll","action":"close"})")), 442);
    assert_int_equal(code(h.request(host, R"({"request":"poll","action":"close","poll":"p9-nope"})")), 458);

    const std::string closed = h.request(moderator, close);
    assert_int_equal(code(closed), 0);
    assert_true(has(closed, "\"action\":\"closed\""));
    assert_true(has(closed, "\"counts\":[0,1]"));
    // Everyone hears it, with the final counts.
    const std::string told = h.gateway.wait_push(late, {"\"roomrec\":\"poll\"", "\"action\":\"closed\""});
    assert_true(has(told, "\"counts\":[0,1]"));
    assert_true(has(told, poll.c_str()));
    assert_false(h.gateway.wait_push(host, {"\"action\":\"closed\""}).empty());

    const std::string after = h.request(late,
                                        R"({"request":"poll","action":"answer","poll":")" + poll + R"(","choice":0})");
    assert_int_equal(code(after), 459);
    assert_true(has(after, "poll closed"));
    assert_int_equal(code(h.request(host, close)), 459); // closed once

    const auto rows = h.rows("poll.close");
    assert_int_equal(rows.size(), 1);
    assert_string_equal(rows[0].subject_id.c_str(), poll.c_str());
    assert_int_equal(rows[0].value, 1); // answers
    assert_string_equal(rows[0].user_id.c_str(), "mona");
    assert_int_equal(h.rows("poll.answer").size(), 1);
}

void attendees_do_not_answer_in_their_own_thread(void **) {
    PluginHarness h;
    h.create_room("weekly");
    std::string id;
    auto *host = h.join("weekly", "host", "alice", &id);
    auto *speaker = h.join("weekly", "speaker", "sam", &id);
    auto *viewer = h.join("weekly", "viewer", "bob", &id);
    const std::string question = PluginHarness::field(
        h.request(viewer, R"({"request":"qa","action":"ask","text":"When?"})"), "question");
    assert_false(question.empty());
    const std::string follow_up = h.request(viewer, R"({"request":"qa","action":"answer","question":")" + question +
                                                        R"(","text":"also why?"})");
    assert_int_equal(code(follow_up), 448);
    assert_true(has(follow_up, "to follow up, ask a new question"));
    assert_int_equal(code(h.request(speaker, R"({"request":"qa","action":"answer","question":")" + question +
                                                 R"(","text":"At 11"})")),
                     0);
    assert_int_equal(code(h.request(host, R"({"request":"qa","action":"answer","question":")" + question +
                                              R"(","text":"Yes, 11"})")),
                     0);
    assert_int_equal(code(h.request(viewer, R"({"request":"qa","action":"ask","text":"And why?"})")), 0);
    assert_int_equal(h.rows("qa.answer").size(), 2);
    assert_int_equal(h.rows("qa.ask").size(), 2);
}

} // namespace

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(leads_close_polls_and_later_answers_are_refused),
        cmocka_unit_test(attendees_do_not_answer_in_their_own_thread),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
