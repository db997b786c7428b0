// The export quota: at most N per sliding window per key; refusals count nothing and say how
// long to wait; given-back exports free their place; idle keys are forgotten.
#include "plugin/core/export_quota.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::plugin::ExportQuota;

static constexpr int64_t kMinuteUs = 60LL * 1000 * 1000;

static void ten_an_hour_then_refused_until_the_oldest_leaves(void **) {
    ExportQuota quota;
    for (int i = 0; i < 10; ++i) assert_false(quota.take("user hana", i * kMinuteUs).has_value());
    const auto wait = quota.take("user hana", 10 * kMinuteUs);
    assert_true(wait.has_value());
    assert_int_equal(*wait, 50 * kMinuteUs); // the first (at 0) leaves at 60 min
    // The refusal counted nothing: at 60 min exactly one place is free.
    assert_false(quota.take("user hana", 60 * kMinuteUs).has_value());
    assert_true(quota.take("user hana", 60 * kMinuteUs).has_value());
}

static void keys_are_counted_apart(void **) {
    ExportQuota quota(2, kMinuteUs);
    assert_false(quota.take("a", 0).has_value());
    assert_false(quota.take("a", 1).has_value());
    assert_true(quota.take("a", 2).has_value());
    assert_false(quota.take("b", 2).has_value());
}

static void given_back_and_idle_keys(void **) {
    ExportQuota quota(1, kMinuteUs);
    assert_false(quota.take("a", 0).has_value());
    quota.give_back("a");
    assert_int_equal(quota.keys(), 0);
    assert_false(quota.take("a", 1).has_value());
    quota.give_back("nobody"); // nothing to give back: no effect
    assert_false(quota.take("b", 2).has_value());
    assert_int_equal(quota.keys(), 2);
    assert_false(quota.take("c", kMinuteUs + 3).has_value()); // a and b left the window
    assert_int_equal(quota.keys(), 1);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ten_an_hour_then_refused_until_the_oldest_leaves),
        cmocka_unit_test(keys_are_counted_apart),
        cmocka_unit_test(given_back_and_idle_keys),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
