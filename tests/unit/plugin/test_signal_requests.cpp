// Room signals through the real request path with a fake Janus: reactions relayed and rate
// limited, chat relayed, liked once and deleted only by its author or a lead, heartbeats
// refused when too frequent, polls opened only by leads.
#include "tests/unit/plugin/plugin_harness.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::test::code;
using roomrec::test::has;
using roomrec::test::PluginHarness;

namespace {

void reactions_are_relayed_until_the_rate_limit(void **) {
    PluginHarness h;
    const auto [host, viewer, host_id, viewer_id] = h.meet();

    int allowed = 0;
    std::string answer;
    for (int i = 0; i < 8; ++i) {
        answer = h.request(viewer, R"({"request":"react","reaction":"clap"})");
        if (code(answer) == 457) break;
        ++allowed;
        const std::string relayed = h.gateway.wait_push(host, {"\"roomrec\":\"reaction\"", "\"clap\""});
        assert_true(has(relayed, viewer_id.c_str()));
    }
    assert_int_equal(allowed, 5); // a burst of 5, then one every 2 s
    assert_true(has(answer, "too many reactions"));
    assert_false(h.gateway.has_push(host, {"\"roomrec\":\"reaction\""})); // the refused one was not relayed
    assert_int_equal(code(h.request(viewer, R"({"request":"react","reaction":"boo"})")), 443);
}

void chat_is_relayed_liked_once_and_deleted_by_author_or_lead(void **) {
    PluginHarness h;
    h.create_room("weekly");
    std::string id;
    auto *host = h.join("weekly", "host", "alice", &id);
    auto *viewer = h.join("weekly", "viewer", "bob", &id);
    auto *other = h.join("weekly", "viewer", "erin", &id);

    const std::string sent = h.request(viewer, R"({"request":"chat","action":"send","text":"hello room"})");
    const std::string message = PluginHarness::nested(sent, "message", "id");
    assert_false(message.empty());
    assert_true(has(h.gateway.wait_push(host, {"\"roomrec\":\"chat\"", "hello room"}), message.c_str()));

    const std::string like = R"({"request":"chat","action":"like","message":")" + message + "\"}";
    assert_int_equal(code(h.request(other, like)), 0);
    assert_int_equal(code(h.request(other, like)), 459); // once per user

    const std::string remove = R"({"request":"chat","action":"delete","message":")" + message + "\"}";
    assert_int_equal(code(h.request(other, remove)), 448);
    assert_int_equal(code(h.request(host, remove)), 0);
    assert_int_equal(code(h.request(viewer, remove)), 459); // already deleted
    assert_int_equal(code(h.request(viewer, R"({"request":"chat","action":"send","text":"   "})")), 442);
}

void heartbeats_faster_than_allowed_are_refused(void **) {
    PluginHarness h;
    h.create_room("weekly");
    std::string id;
    auto *viewer = h.join("weekly", "viewer", "bob", &id);
    const std::string beat = R"({"request":"heartbeat","focused":true,"sound":true})";
    assert_int_equal(code(h.request(viewer, beat)), 0);
    assert_int_equal(code(h.request(viewer, beat)), 457);
}

void only_leads_open_polls_and_everyone_answers_once(void **) {
    PluginHarness h;
    h.create_room("weekly");
    std::string id;
    auto *host = h.join("weekly", "host", "alice", &id);
    auto *viewer = h.join("weekly", "viewer", "bob", &id);
    const std::string open = R"({"request":"poll","action":"create","question":"Lunch?","options":["yes","no"]})";
    assert_int_equal(code(h.request(viewer, open)), 448);
    const std::string created = h.request(host, open);
    const std::string poll = PluginHarness::nested(created, "poll", "id");
    assert_false(poll.empty());
    const std::string answer = R"({"request":"poll","action":"answer","poll":")" + poll + R"(","choice":1})";
    assert_int_equal(code(h.request(viewer, answer)), 0);
    assert_int_equal(code(h.request(viewer, answer)), 459);
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reactions_are_relayed_until_the_rate_limit),
        cmocka_unit_test(chat_is_relayed_liked_once_and_deleted_by_author_or_lead),
        cmocka_unit_test(heartbeats_faster_than_allowed_are_refused),
        cmocka_unit_test(only_leads_open_polls_and_everyone_answers_once),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
