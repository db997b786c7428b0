// Breakout rooms (R8): child ids, inherited settings, the user a guest becomes, move tokens.
#include "domain/breakout.hpp"
#include "domain/signed_token.hpp"

#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static std::vector<std::string> ids_of(const std::string &parent, const std::vector<std::string> &taken, int count) {
    auto result = breakout_ids(parent, taken, count);
    assert_true(std::holds_alternative<std::vector<std::string>>(result));
    return std::get<std::vector<std::string>>(result);
}

static void ids_are_numbered_after_the_open_ones(void **) {
    auto ids = ids_of("weekly", {}, 3);
    assert_int_equal(ids.size(), 3);
    assert_string_equal(ids[0].c_str(), "weekly-b1");
    assert_string_equal(ids[2].c_str(), "weekly-b3");
    // After the highest open one, even with a gap; other children's names do not count.
    ids = ids_of("weekly", {"weekly-b1", "weekly-b4", "weekly-team", "weekly-bx"}, 2);
    assert_string_equal(ids[0].c_str(), "weekly-b5");
    assert_string_equal(ids[1].c_str(), "weekly-b6");
}

static void too_many_or_too_long_ids_are_refused(void **) {
    std::vector<std::string> taken;
    for (int i = 1; i <= kMaxBreakouts - 1; ++i) taken.push_back("r-b" + std::to_string(i));
    assert_int_equal(ids_of("r", taken, 1).size(), 1);
    auto refused = breakout_ids("r", taken, 2);
    assert_int_equal(std::get<ValidationError>(refused).code, ErrorCode::LimitReached);
    refused = breakout_ids("r", {}, kMaxBreakouts + 1);
    assert_int_equal(std::get<ValidationError>(refused).code, ErrorCode::LimitReached);
    refused = breakout_ids("r", {}, 0);
    assert_int_equal(std::get<ValidationError>(refused).code, ErrorCode::InvalidElement);
    // A 62-character room id has no room for "-b1".
    refused = breakout_ids(std::string(62, 'x'), {}, 1);
    assert_int_equal(std::get<ValidationError>(refused).code, ErrorCode::InvalidElement);
    assert_int_equal(ids_of(std::string(61, 'x'), {}, 1)[0].size(), 64);
}

static void a_breakout_inherits_its_parents_settings_but_not_its_secrets(void **) {
    RoomSettings parent;
    parent.id = "weekly";
    parent.title = "Weekly";
    parent.type = RoomType::Gallery;
    parent.gallery_owner = "alice";
    parent.max_participants = 7;
    parent.max_session_seconds = 3600;
    parent.reaction_burst = 3;
    parent.is_public = true;
    parent.is_static = true;
    parent.secrets[Role::Host] = "h";
    const RoomSettings child = breakout_settings(parent, "weekly-b1", "Group A");
    assert_string_equal(child.id.c_str(), "weekly-b1");
    assert_string_equal(child.title.c_str(), "Group A");
    assert_string_equal(child.parent_id.c_str(), "weekly");
    assert_int_equal(child.type, RoomType::Gallery);
    assert_string_equal(child.gallery_owner.c_str(), "alice");
    assert_int_equal(child.max_participants, 7);
    assert_int_equal(child.max_session_seconds, 3600);
    assert_int_equal(child.reaction_burst, 3);
    assert_false(child.is_public);
    assert_false(child.is_static);
    assert_true(child.secrets.empty());
}

static void a_guest_becomes_a_stable_anonymous_user(void **) {
    assert_string_equal(breakout_user("alice", "s").c_str(), "alice");
    const std::string anon = breakout_user("guest-abc", "s");
    assert_int_equal(anon.rfind("anon-", 0), 0);
    assert_int_equal(anon.size(), 5 + 24);
    assert_true(is_identifier(anon.c_str(), 128));
    assert_string_equal(breakout_user("guest-abc", "s").c_str(), anon.c_str()); // the same on every move
    assert_string_not_equal(breakout_user("guest-abd", "s").c_str(), anon.c_str());
    assert_string_not_equal(breakout_user("guest-abc", "t").c_str(), anon.c_str()); // not guessable
    assert_string_equal(breakout_user(anon, "s").c_str(), anon.c_str());            // and kept on return
}

static void a_move_token_verifies_and_expires(void **) {
    const int64_t now = 1'800'000'000;
    const std::string token = breakout_token("weekly-b1", "alice", "moderator", "s", "janus.plugin.roomrec", now);
    auto check = verify_token(token, "s", "janus.plugin.roomrec", now + kBreakoutTokenSeconds);
    assert_true(check.ok());
    assert_string_equal(check.claims.room.c_str(), "weekly-b1");
    assert_string_equal(check.claims.user.c_str(), "alice");
    assert_string_equal(check.claims.role.c_str(), "moderator");
    check = verify_token(token, "s", "janus.plugin.roomrec", now + kBreakoutTokenSeconds + 1);
    assert_int_equal(check.error, TokenError::Expired);
    assert_int_equal(verify_token(token, "other", "janus.plugin.roomrec", now).error, TokenError::BadSignature);
}

static void actions_parse(void **) {
    assert_true(parse_breakout_action("open") == BreakoutAction::Open);
    assert_true(parse_breakout_action("move") == BreakoutAction::Move);
    assert_true(parse_breakout_action("close") == BreakoutAction::Close);
    assert_true(parse_breakout_action("list") == BreakoutAction::List);
    assert_false(parse_breakout_action("Open").has_value());
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_are_numbered_after_the_open_ones),
        cmocka_unit_test(too_many_or_too_long_ids_are_refused),
        cmocka_unit_test(a_breakout_inherits_its_parents_settings_but_not_its_secrets),
        cmocka_unit_test(a_guest_becomes_a_stable_anonymous_user),
        cmocka_unit_test(a_move_token_verifies_and_expires),
        cmocka_unit_test(actions_parse),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
