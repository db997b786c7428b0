// Heartbeat bits, their wire form and the engaged rule (E2).
#include "domain/engagement_rule.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static void wire_form_is_fixed(void **) {
    // These numbers are stored in Postgres and sent by clients: they must never change.
    assert_int_equal(kTabFocused, 1);
    assert_int_equal(kFullScreen, 2);
    assert_int_equal(kSoundOn, 4);
    assert_int_equal(kCameraOn, 8);
    assert_int_equal(kOnStage, 16);
    assert_string_equal(heartbeat_bit_name(0), "tab_focused");
    assert_string_equal(heartbeat_bit_name(4), "on_stage");
    assert_string_equal(heartbeat_bit_name(5), "unknown");
    assert_string_equal(heartbeat_bit_name(-1), "unknown");
}

static void parse_accepts_known_bits_only(void **) {
    for (int64_t wire = 0; wire <= 31; ++wire) assert_int_equal(*parse_heartbeat_bits(wire), wire);
    assert_false(parse_heartbeat_bits(32).has_value());
    assert_false(parse_heartbeat_bits(-1).has_value());
    assert_false(parse_heartbeat_bits(256 + 1).has_value()); // no silent truncation to 1
    assert_false(parse_heartbeat_bits(INT64_MIN).has_value());
}

static void room_rule_truth_table(void **) {
    const EngagementRule rule;
    for (HeartbeatBits bits = 0; bits <= kAllHeartbeatBits; ++bits) {
        const bool expected = (bits & kTabFocused) || (bits & kFullScreen) || (bits & kCameraOn) || (bits & kOnStage);
        if (rule.engaged(bits) != expected) fail_msg("bits %d", bits);
    }
    assert_false(rule.engaged(0));
    assert_false(rule.engaged(kSoundOn)); // sound alone is not attention
    assert_true(rule.engaged(kSoundOn | kTabFocused));
    assert_true(rule.engaged(kOnStage));
}

static void other_rules_from_the_same_bits(void **) {
    const EngagementRule strict{.any_of = kTabFocused};
    assert_false(strict.engaged(kCameraOn | kSoundOn));
    assert_true(strict.engaged(kTabFocused));
    const EngagementRule listening{.any_of = EngagementRule::kRoomRule | kSoundOn};
    assert_true(listening.engaged(kSoundOn));
}

static void describe(void **) {
    assert_string_equal(describe_heartbeat_bits(0).c_str(), "");
    assert_string_equal(describe_heartbeat_bits(kTabFocused | kSoundOn).c_str(), "tab_focused,sound_on");
    assert_string_equal(describe_heartbeat_bits(kAllHeartbeatBits).c_str(),
                        "tab_focused,full_screen,sound_on,camera_on,on_stage");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wire_form_is_fixed),
        cmocka_unit_test(parse_accepts_known_bits_only),
        cmocka_unit_test(room_rule_truth_table),
        cmocka_unit_test(other_rules_from_the_same_bits),
        cmocka_unit_test(describe),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
