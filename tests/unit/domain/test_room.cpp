// Room settings (R1), room secrets (R2) and the roster.
#include "domain/room.hpp"

#include <cstring>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static RoomSettings parse_ok(const char *text) {
    Json json = parse_json(text);
    auto parsed = parse_room_settings(json.get());
    if (auto *error = std::get_if<ValidationError>(&parsed)) fail_msg("unexpected error: %s", error->message.c_str());
    return std::get<RoomSettings>(parsed);
}

static void expect_error(const char *text, ErrorCode code, const char *fragment) {
    Json json = parse_json(text);
    auto parsed = parse_room_settings(json.get());
    auto *error = std::get_if<ValidationError>(&parsed);
    assert_non_null(error);
    assert_int_equal(static_cast<int>(error->code), static_cast<int>(code));
    if (strstr(error->message.c_str(), fragment) == nullptr)
        fail_msg("'%s' lacks '%s'", error->message.c_str(), fragment);
}

static void defaults(void **) {
    const RoomSettings room = parse_ok(R"({"room":"r1","title":"Weekly"})");
    assert_string_equal(room.id.c_str(), "r1");
    assert_int_equal(room.type, RoomType::Single);
    assert_int_equal(room.max_session_seconds, 24 * 3600);
    assert_int_equal(room.max_participants, 100);
    assert_int_equal(room.reaction_burst, 0); // 0: the jcfg limits
    assert_int_equal(room.reactions_per_minute, 0);
    assert_true(room.secrets.empty());
    assert_false(room.is_static);
}

static void full_settings(void **) {
    const RoomSettings room = parse_ok(R"({"room":"b1","title":"Breakout","type":"gallery","gallery_owner":"g1",
        "max_session_duration":259200,"parent":"r1","max_participants":5,"host_secret":"h","viewer_secret":"v"})");
    assert_int_equal(room.type, RoomType::Gallery);
    assert_string_equal(room.gallery_owner.c_str(), "g1");
    assert_int_equal(room.max_session_seconds, 72 * 3600);
    assert_string_equal(room.parent_id.c_str(), "r1");
    assert_int_equal(room.secrets.size(), 2);
    const RoomSettings limited = parse_ok(R"({"room":"r2","title":"Town hall","reaction_burst":1000,
        "reactions_per_minute":60000})");
    assert_int_equal(limited.reaction_burst, 1000);
    assert_int_equal(limited.reactions_per_minute, 60000);
}

static void invalid_settings(void **) {
    expect_error(R"({"title":"x"})", ErrorCode::MissingElement, "room is required");
    expect_error(R"({"room":"r1"})", ErrorCode::MissingElement, "title is required");
    expect_error(R"({"room":"r1","title":""})", ErrorCode::InvalidElement, "title must not be empty");
    expect_error(R"({"room":"r/1","title":"x"})", ErrorCode::InvalidElement, "identifier");
    expect_error(R"({"room":"r1","title":"x","type":"webinar"})", ErrorCode::InvalidElement, "single");
    expect_error(R"({"room":"r1","title":"x","max_session_duration":259201})", ErrorCode::ElementTooLong, "259200");
    expect_error(R"({"room":"r1","title":"x","max_session_duration":10})", ErrorCode::ElementTooLong, "between 60");
    expect_error(R"({"room":"r1","title":"x","parent":"r1"})", ErrorCode::InvalidElement, "another room");
    expect_error(R"({"room":"r1","title":"x","max_participants":0})", ErrorCode::ElementTooLong, "between 1");
    expect_error(R"({"room":"r1","title":"x","reaction_burst":0})", ErrorCode::ElementTooLong, "between 1");
    expect_error(R"({"room":"r1","title":"x","reaction_burst":1001})", ErrorCode::ElementTooLong, "1000");
    expect_error(R"({"room":"r1","title":"x","reactions_per_minute":60001})", ErrorCode::ElementTooLong, "60000");
    expect_error(R"({"room":"r1","title":"x","reactions_per_minute":"5"})", ErrorCode::InvalidElement, "integer");
}

static void invisible_titles_are_refused(void **) {
    for (const char *text : {R"({"room":"r1","title":"\u202egnp.exe"})", R"({"room":"r1","title":"a\u2066b\u2069"})",
                             R"({"room":"r1","title":"\u200b"})", R"({"room":"r1","title":"x\u200dy"})",
                             R"({"room":"r1","title":"\u200f\u200e\u061c"})", R"({"room":"r1","title":"\ufeffBOM"})",
                             R"({"room":"r1","title":"soft\u00adhyphen"})", R"({"room":"r1","title":"\u3164"})",
                             R"({"room":"r1","title":"\u115f\u1160\uffa0"})", R"({"room":"r1","title":"a\u180e"})",
                             R"({"room":"r1","title":"\u2060\u2064"})", R"({"room":"r1","title":"tag\udb40\udc41"})",
                             R"({"room":"r1","title":"\ufe0f"})", R"({"room":"r1","title":"a \ufe0e"})"})
        expect_error(text, ErrorCode::InvalidElement, "title must not contain");
    expect_error(R"({"room":"r1","title":"x\u202ey"})", ErrorCode::InvalidElement, "U+202E");
    expect_error(R"({"room":"r1","title":"\ufe0f"})", ErrorCode::InvalidElement, "variation selector");
    // Visible text keeps its Unicode, a variation selector after its character included.
    assert_string_equal(
        parse_ok(R"({"room":"r1","title":"\u2764\ufe0f \u05e9\u05dc\u05d5\u05dd caf\u00e9"})").title.c_str(),
        "\u2764\ufe0f \u05e9\u05dc\u05d5\u05dd caf\u00e9");
}

static void secrets_prove_only_their_role(void **) {
    const RoomSettings room = parse_ok(R"({"room":"r1","title":"x","host_secret":"hostpw","viewer_secret":"viewpw"})");
    assert_true(secret_proves_role(room, Role::Host, "hostpw"));
    assert_false(secret_proves_role(room, Role::Host, "viewpw"));
    assert_false(secret_proves_role(room, Role::Host, "hostpw "));
    assert_false(secret_proves_role(room, Role::Host, ""));
    assert_true(secret_proves_role(room, Role::Viewer, "viewpw"));
    assert_false(secret_proves_role(room, Role::Moderator, "hostpw")); // no moderator secret: token only
}

static void roster_membership(void **) {
    Roster roster;
    assert_true(roster.add({"p1", {}, Role::Host, false}));
    assert_true(roster.add({"p2", {}, Role::Viewer, false}));
    assert_true(roster.add({"p3", {}, Role::Viewer, true}));
    assert_false(roster.add({"p1", {}, Role::Viewer, false}));
    assert_int_equal(roster.size(), 3);
    assert_int_equal(roster.count(Role::Viewer), 2);
    assert_int_equal(roster.count(Role::Moderator), 0);
    assert_non_null(roster.find("p2"));
    assert_true(roster.remove("p2"));
    assert_false(roster.remove("p2"));
    assert_null(roster.find("p2"));
    assert_int_equal(roster.members().size(), 2);
    assert_int_equal(roster.find("p1")->role, Role::Host);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),          cmocka_unit_test(full_settings),
        cmocka_unit_test(invalid_settings),  cmocka_unit_test(secrets_prove_only_their_role),
        cmocka_unit_test(roster_membership), cmocka_unit_test(invisible_titles_are_refused),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
