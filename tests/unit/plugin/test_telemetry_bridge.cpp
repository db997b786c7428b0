// The telemetry rows the plugin records, read through the test observer (no database): join
// rows with email, room title and parent; breakout.open with who opened it; stage.on/off with
// who moved the viewer; reaction.refused counts under the room's own reaction limit; ids unique
// across room sessions.
#include "tests/unit/plugin/plugin_harness.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::analytics::TelemetryEvent;
using roomrec::test::body_field;
using roomrec::test::code;
using roomrec::test::has;
using roomrec::test::PluginHarness;

namespace {

bool body_has(const TelemetryEvent &row, const char *key) {
    json_t *body = json_loads(row.body_json.c_str(), 0, nullptr);
    const bool found = json_object_get(body, key) != nullptr;
    json_decref(body);
    return found;
}

void join_rows_carry_email_title_and_parent(void **) {
    PluginHarness h;
    h.create_room("weekly");
    h.create_room("weekly-b", R"(,"parent":"weekly")");
    std::string id;
    h.join_with(R"({"request":"join","room":"weekly","token":")" + PluginHarness::token("weekly", "host", "alice") +
                    R"(","user":{"display":"Alice","email":"alice@example.com","company":"Acme"}})",
                "alice", &id);
    h.join("weekly", "viewer", "bob", &id);
    auto joins = h.rows("join");
    assert_int_equal(joins.size(), 2);
    assert_string_equal(joins[0].user_id.c_str(), "alice");
    assert_string_equal(body_field(joins[0], "email").c_str(), "alice@example.com");
    assert_string_equal(body_field(joins[0], "title").c_str(), "Weekly sync");
    assert_string_equal(body_field(joins[0], "company").c_str(), "Acme");
    assert_false(body_has(joins[0], "parent"));
    assert_false(body_has(joins[1], "email")); // bob gave none

    // The breakout's first join opens its session: breakout.open names who, the join its parent.
    h.join("weekly-b", "viewer", "carol", &id);
    h.join("weekly-b", "viewer", "dave", &id);
    const auto opened = h.rows("breakout.open");
    assert_int_equal(opened.size(), 1);
    assert_string_equal(opened[0].subject_id.c_str(), "weekly");
    assert_string_equal(body_field(opened[0], "opened_by").c_str(), "carol");
    assert_string_equal(body_field(opened[0], "title").c_str(), "Weekly sync");
    joins = h.rows("join");
    assert_int_equal(joins.size(), 4);
    assert_string_equal(body_field(joins[2], "parent").c_str(), "weekly");
    assert_string_equal(joins[2].room_id.c_str(), "weekly-b");
}

void stage_rows_name_who_moved_the_viewer(void **) {
    PluginHarness h;
    const auto [host, viewer, host_id, viewer_id] = h.meet();
    const std::string on = R"({"request":"stage","participant":")" + viewer_id + R"(","on_stage":true})";
    const std::string off = R"({"request":"stage","participant":")" + viewer_id + R"(","on_stage":false})";
    assert_int_equal(code(h.request(host, on)), 0);
    assert_int_equal(code(h.request(host, on)), 0); // already on: no second row
    assert_int_equal(code(h.request(host, off)), 0);
    auto rows = h.rows("stage.on");
    assert_int_equal(rows.size(), 1);
    assert_string_equal(rows[0].participant_id.c_str(), viewer_id.c_str());
    assert_string_equal(rows[0].user_id.c_str(), "bob");
    assert_string_equal(body_field(rows[0], "by").c_str(), "alice");
    rows = h.rows("stage.off");
    assert_int_equal(rows.size(), 1);
    assert_string_equal(body_field(rows[0], "by").c_str(), "alice");

    // On stage when leaving: the leave closes the stage first.
    assert_int_equal(code(h.request(host, on)), 0);
    assert_int_equal(code(h.request(viewer, R"({"request":"leave"})")), 0);
    rows = h.rows("stage.off");
    assert_int_equal(rows.size(), 2);
    assert_string_equal(body_field(rows[1], "reason").c_str(), "left");
    assert_int_equal(h.rows("leave").size(), 1);
}

// The room's own limit (create: reaction_burst 2, reactions_per_minute 1) overrides the jcfg's;
// refusals are counted per user: the first at once, then one row per 10 s, the rest on leave.
void room_reaction_limit_and_refused_counts(void **) {
    PluginHarness h;
    h.create_room("weekly", R"(,"reaction_burst":2,"reactions_per_minute":1)");
    std::string id;
    auto *host = h.join("weekly", "host", "alice", &id);
    auto *viewer = h.join("weekly", "viewer", "bob", &id);
    int allowed = 0;
    for (int i = 0; i < 7; ++i)
        if (code(h.request(viewer, R"({"request":"react","reaction":"wow"})")) == 0) ++allowed;
    assert_int_equal(allowed, 2);
    auto refused = h.rows("reaction.refused");
    assert_int_equal(refused.size(), 1); // the first refusal at once; the other 4 wait
    assert_int_equal(refused[0].value, 1);
    assert_string_equal(refused[0].user_id.c_str(), "bob");
    assert_int_equal(h.rows("reaction").size(), 2);
    assert_int_equal(code(h.request(viewer, R"({"request":"leave"})")), 0);
    refused = h.rows("reaction.refused");
    assert_int_equal(refused.size(), 2);
    assert_int_equal(refused[1].value, 4); // flushed on leave, before the leave row
    const auto all = h.rows();
    assert_true(roomrec::analytics::kind_name(all.back().kind) == "leave");

    // The operator's list shows the room's limit.
    const std::string list = h.request(host, R"({"request":"list","admin_secret":"admin-secret"})");
    assert_true(has(list, "\"reaction_burst\":2"));
    assert_true(has(list, "\"reactions_per_minute\":1"));
    // Out of range is refused at create.
    const std::string bad = h.request(h.attach(), R"({"request":"create","admin_secret":"admin-secret","room":"x",)"
                                                  R"("title":"X","reaction_burst":0})");
    assert_int_equal(code(bad), 444);
    const std::string big = h.request(h.attach(), R"({"request":"create","admin_secret":"admin-secret","room":"y",)"
                                                  R"("title":"Y","reactions_per_minute":60001})");
    assert_int_equal(code(big), 444);
}

// Refusals still pending when the session ends are written with it.
void session_end_flushes_refusals(void **) {
    PluginHarness h([](roomrec::plugin::PluginConfig &config) {
        config.activity.signals[roomrec::domain::SignalKind::Reaction] = {1, 1};
    });
    const auto [host, viewer, host_id, viewer_id] = h.meet();
    for (int i = 0; i < 4; ++i) h.request(viewer, R"({"request":"react","reaction":"clap"})");
    assert_int_equal(h.rows("reaction.refused").size(), 1);
    assert_int_equal(code(h.request(host, R"({"request":"close"})")), 0);
    const auto refused = h.rows("reaction.refused");
    assert_int_equal(refused.size(), 2);
    assert_int_equal(refused[0].value + refused[1].value, 3);
}

// Message, poll and question ids never repeat across room sessions: each carries a piece of
// its session's random id.
void ids_are_unique_across_sessions(void **) {
    PluginHarness h;
    h.create_room("weekly");
    h.create_room("weekly-b", R"(,"parent":"weekly")");
    std::string id;
    auto *host = h.join("weekly", "host", "alice", &id);
    auto *breakout = h.join("weekly-b", "host", "carol", &id);
    const std::string send = R"({"request":"chat","action":"send","text":"hi"})";
    const std::string main_id = PluginHarness::nested(h.request(host, send), "message", "id");
    const std::string breakout_id = PluginHarness::nested(h.request(breakout, send), "message", "id");
    assert_true(main_id.rfind("m1-", 0) == 0);
    assert_true(breakout_id.rfind("m1-", 0) == 0);
    assert_true(main_id != breakout_id);
    assert_int_equal(main_id.size(), 3 + 12);
    const std::string poll = PluginHarness::nested(
        h.request(host, R"({"request":"poll","action":"create","question":"Q?","options":["a","b"]})"), "poll", "id");
    assert_true(poll.rfind("p1-", 0) == 0);
    assert_true(poll.substr(3) == main_id.substr(3)); // the same session's tag
    // The next session of the same room gets another tag.
    assert_int_equal(code(h.request(host, R"({"request":"close"})")), 0);
    auto *again = h.join("weekly", "host", "alice", &id);
    const std::string next_id = PluginHarness::nested(h.request(again, send), "message", "id");
    assert_true(next_id.rfind("m1-", 0) == 0);
    assert_true(next_id != main_id);
    // The ids go back in as request identifiers.
    assert_int_equal(code(h.request(again, R"({"request":"chat","action":"like","message":")" + next_id + "\"}")), 0);
    const auto sends = h.rows("chat.send");
    assert_int_equal(sends.size(), 3);
    assert_string_equal(sends[2].subject_id.c_str(), next_id.c_str());
}

} // namespace

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(join_rows_carry_email_title_and_parent),
        cmocka_unit_test(stage_rows_name_who_moved_the_viewer),
        cmocka_unit_test(room_reaction_limit_and_refused_counts),
        cmocka_unit_test(session_end_flushes_refusals),
        cmocka_unit_test(ids_are_unique_across_sessions),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
