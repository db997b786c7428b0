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

// A chat flood from one viewer is refused after the burst (457, not relayed, counted) while the
// host and others still chat, and the host's message stays likeable and answerable.
void a_chat_flood_is_limited_per_user(void **) {
    PluginHarness h;
    h.create_room("weekly");
    std::string id;
    auto *host = h.join("weekly", "host", "alice", &id);
    auto *flooder = h.join("weekly", "viewer", "mallory", &id);
    auto *other = h.join("weekly", "viewer", "erin", &id);
    const std::string hosts = PluginHarness::nested(
        h.request(host, R"({"request":"chat","action":"send","text":"agenda"})"), "message", "id");
    assert_false(hosts.empty());

    int sent = 0;
    std::string refusal;
    for (int i = 0; i < 50; ++i) {
        const std::string answer = h.request(flooder, R"({"request":"chat","action":"send","text":"spam"})");
        if (code(answer) == 457) {
            refusal = answer;
            continue;
        }
        assert_int_equal(code(answer), 0);
        ++sent;
    }
    assert_int_equal(sent, 10); // the default burst; then one per 2 s
    assert_true(has(refusal, "too many chat messages: at most 10 at once, then 30 per minute; retry in"));
    assert_true(PluginHarness::integer(refusal, "retry_after_ms") > 0);
    assert_true(PluginHarness::integer(refusal, "retry_after_ms") <= 2000);
    int relayed = 0;
    while (h.gateway.has_push(host, {"\"roomrec\":\"chat\"", "spam"})) {
        assert_false(h.gateway.wait_push(host, {"\"roomrec\":\"chat\"", "spam"}).empty());
        ++relayed;
    }
    assert_int_equal(relayed, 10); // the refused 40 were never relayed

    assert_int_equal(code(h.request(other, R"({"request":"chat","action":"send","text":"still here"})")), 0);
    const std::string like = R"({"request":"chat","action":"like","message":")" + hosts + "\"}";
    assert_int_equal(code(h.request(other, like)), 0);
    assert_int_equal(code(h.request(flooder, like)), 0); // likes are a bucket of their own
    const std::string reply = R"({"request":"chat","action":"send","text":"+1","reply_to":")" + hosts + "\"}";
    assert_int_equal(code(h.request(other, reply)), 0);

    const std::string status = h.admin(R"({"request":"status"})");
    assert_true(has(status, "\"rate_limited\":{"));
    assert_true(has(status, "\"chat\":40"));
    assert_true(has(status, "\"likes\":0"));
}

// Tight limits from the configuration: likes, hands, votes and questions each stop at their
// burst; the per-user cap on open questions answers 459 "question limit reached".
void every_signal_kind_has_a_configured_limit(void **) {
    PluginHarness h([](roomrec::plugin::PluginConfig &config) {
        config.activity.signals[roomrec::domain::SignalKind::Like] = {2, 1};
        config.activity.signals[roomrec::domain::SignalKind::Hand] = {2, 1};
        config.activity.signals[roomrec::domain::SignalKind::Vote] = {1, 1};
        config.activity.signals[roomrec::domain::SignalKind::Question] = {5, 1};
        config.activity.open_questions_per_user = 3;
    });
    h.create_room("weekly");
    std::string id;
    auto *host = h.join("weekly", "host", "alice", &id);
    auto *viewer = h.join("weekly", "viewer", "bob", &id);
    std::string messages[3];
    for (auto &message : messages)
        message = PluginHarness::nested(h.request(host, R"({"request":"chat","action":"send","text":"hi"})"), "message",
                                        "id");
    auto like = [&](const std::string &message) {
        return h.request(viewer, R"({"request":"chat","action":"like","message":")" + message + "\"}");
    };
    assert_int_equal(code(like(messages[0])), 0);
    assert_int_equal(code(like(messages[1])), 0);
    const std::string refused_like = like(messages[2]);
    assert_int_equal(code(refused_like), 457);
    assert_true(has(refused_like, "too many likes: at most 2 at once, then 1 per minute; retry in"));
    assert_false(h.gateway.has_push(host, {"\"action\":\"like\"", messages[2].c_str()}));

    assert_int_equal(code(h.request(viewer, R"({"request":"hand","raised":true})")), 0);
    assert_int_equal(code(h.request(viewer, R"({"request":"hand","raised":false})")), 0);
    assert_int_equal(code(h.request(viewer, R"({"request":"hand","raised":true})")), 0);
    assert_int_equal(code(h.request(viewer, R"({"request":"hand","raised":false})")), 0);
    assert_int_equal(code(h.request(viewer, R"({"request":"hand","raised":true})")), 457);
    assert_true(h.gateway.has_push(host, {"\"roomrec\":\"hand\"", "\"raised\":false"}));
    // Lowering is never refused, even with no raise left.
    assert_int_equal(code(h.request(viewer, R"({"request":"hand","raised":false})")), 0);

    const std::string poll = PluginHarness::nested(
        h.request(host, R"({"request":"poll","action":"create","question":"Lunch?","options":["yes","no"]})"), "poll",
        "id");
    assert_false(poll.empty());
    assert_int_equal(
        code(h.request(host, R"({"request":"poll","action":"create","question":"Again?","options":["a","b"]})")),
        457); // creating and voting share the votes bucket
    const std::string vote = R"({"request":"poll","action":"answer","poll":")" + poll + R"(","choice":0})";
    assert_int_equal(code(h.request(viewer, vote)), 0);

    std::string first;
    for (int i = 0; i < 3; ++i) {
        const std::string asked = h.request(viewer, R"({"request":"qa","action":"ask","text":"why?"})");
        assert_int_equal(code(asked), 0);
        if (i == 0) first = PluginHarness::field(asked, "question");
    }
    const std::string capped = h.request(viewer, R"({"request":"qa","action":"ask","text":"why?"})");
    assert_int_equal(code(capped), 459);
    assert_true(has(capped, "question limit reached"));
    assert_false(h.gateway.has_push(host, {"\"roomrec\":\"qa\"", "q4"}));
    // An answer frees a slot; then the question rate (5 at once) refuses the next.
    assert_int_equal(
        code(h.request(host, R"({"request":"qa","action":"answer","question":")" + first + R"(","text":"because"})")),
        0);
    assert_int_equal(code(h.request(viewer, R"({"request":"qa","action":"ask","text":"and?"})")), 0);
    assert_int_equal(code(h.request(viewer, R"({"request":"qa","action":"ask","text":"and?"})")), 457);

    const std::string status = h.admin(R"({"request":"status"})");
    assert_true(has(status, "\"likes\":1"));
    assert_true(has(status, "\"hands\":1"));
    assert_true(has(status, "\"votes\":1"));
    assert_true(has(status, "\"questions\":1"));
}

// A host or moderator lowers someone else's hand (everyone hears who did it, the row is the
// owner's with lowered_by); nobody raises another's hand, and viewers lower only their own.
void leads_lower_someone_elses_hand(void **) {
    PluginHarness h;
    h.create_room("weekly");
    std::string viewer_id, other_id, id;
    auto *host = h.join("weekly", "host", "alice", &id);
    auto *viewer = h.join("weekly", "viewer", "bob", &viewer_id);
    auto *other = h.join("weekly", "viewer", "erin", &other_id);
    assert_int_equal(code(h.request(viewer, R"({"request":"hand","raised":true})")), 0);
    const std::string lower = R"({"request":"hand","raised":false,"participant":")" + viewer_id + "\"}";
    const std::string by_viewer = h.request(other, lower);
    assert_int_equal(code(by_viewer), 448);
    assert_true(has(by_viewer, "only hosts and moderators lower someone else's hand"));
    assert_int_equal(code(h.request(host, R"({"request":"hand","raised":true,"participant":")" + other_id + "\"}")),
                     448);
    assert_int_equal(code(h.request(host, R"({"request":"hand","raised":false,"participant":"nobody"})")), 451);
    const std::string done = h.request(host, lower);
    assert_int_equal(code(done), 0);
    const std::string told = h.gateway.wait_push(viewer, {"\"roomrec\":\"hand\"", "\"raised\":false", "\"by\""});
    assert_true(has(told, viewer_id.c_str()));
    assert_true(has(told, "alice"));
    const auto hands = h.rows("hand");
    assert_int_equal(hands.size(), 2);
    assert_string_equal(hands[1].user_id.c_str(), "bob");
    assert_int_equal(hands[1].value, 0);
    assert_true(has(hands[1].body_json, "\"lowered_by\":\"alice\""));
    // Lowering a hand that is down changes nothing and records nothing.
    assert_int_equal(code(h.request(host, lower)), 0);
    assert_int_equal(h.rows("hand").size(), 2);
    // Naming oneself is the ordinary path.
    assert_int_equal(code(h.request(viewer, R"({"request":"hand","raised":true,"participant":")" + viewer_id + "\"}")),
                     0);
    assert_int_equal(h.rows("hand").size(), 3);
}

// Hosts, moderators and speakers share attachments; everyone hears of it; viewers may not.
void presenters_share_attachments(void **) {
    PluginHarness h;
    h.create_room("weekly");
    std::string id;
    auto *host = h.join("weekly", "host", "alice", &id);
    auto *speaker = h.join("weekly", "speaker", "sam", &id);
    auto *viewer = h.join("weekly", "viewer", "bob", &id);
    const std::string share = R"({"request":"attachment","action":"share","attachment":"slides-1","title":"Slides"})";
    assert_int_equal(code(h.request(viewer, share)), 448);
    assert_int_equal(code(h.request(speaker, share)), 0);
    const std::string told = h.gateway.wait_push(viewer, {"\"roomrec\":\"attachment\"", "\"action\":\"shared\""});
    assert_true(has(told, "slides-1"));
    assert_true(has(told, "\"title\":\"Slides\""));
    assert_true(has(told, "sam"));
    assert_false(h.gateway.wait_push(host, {"\"roomrec\":\"attachment\""}).empty());
    assert_int_equal(
        code(h.request(host, R"({"request":"attachment","action":"unshare","attachment":"a","title":"T"})")), 443);
    assert_int_equal(
        code(h.request(host, R"({"request":"attachment","action":"share","attachment":"a b","title":"T"})")), 443);
    assert_int_equal(code(h.request(host, R"({"request":"attachment","action":"share","attachment":"a","title":" "})")),
                     442);
    assert_int_equal(
        code(h.request(host, R"({"request":"attachment","action":"share","attachment":"a","title":"x\u202ey"})")), 443);
    assert_int_equal(code(h.request(host, R"({"request":"attachment","action":"share","attachment":"a"})")), 442);
    const auto rows = h.rows("attachment.share");
    assert_int_equal(rows.size(), 1);
    assert_string_equal(rows[0].subject_id.c_str(), "slides-1");
    assert_string_equal(rows[0].user_id.c_str(), "sam");
    assert_true(has(rows[0].body_json, "\"title\":\"Slides\""));
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reactions_are_relayed_until_the_rate_limit),
        cmocka_unit_test(leads_lower_someone_elses_hand),
        cmocka_unit_test(presenters_share_attachments),
        cmocka_unit_test(chat_is_relayed_liked_once_and_deleted_by_author_or_lead),
        cmocka_unit_test(heartbeats_faster_than_allowed_are_refused),
        cmocka_unit_test(only_leads_open_polls_and_everyone_answers_once),
        cmocka_unit_test(a_chat_flood_is_limited_per_user),
        cmocka_unit_test(every_signal_kind_has_a_configured_limit),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
