// Which migrations a node applies, and when it refuses a database.
#include "storage/core/migration_plan.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static void a_fresh_database_gets_every_migration_in_order(void **) {
    const auto plan = plan_migrations({1, 2, 3}, {});
    assert_true(plan.error.empty());
    assert_true(plan.to_apply == std::vector<int>({1, 2, 3}));
}

static void only_missing_versions_are_applied(void **) {
    assert_true(plan_migrations({1, 2, 3}, {2, 1}).to_apply == std::vector<int>({3}));
    const auto none = plan_migrations({1, 2}, {1, 2});
    assert_true(none.error.empty());
    assert_true(none.to_apply.empty()); // applying twice is a no-op
}

static void a_newer_database_is_refused(void **) {
    const auto plan = plan_migrations({1, 2}, {1, 2, 3});
    assert_true(plan.to_apply.empty());
    assert_non_null(strstr(plan.error.c_str(), "version 3, newer than this build knows (2)"));
}

static void an_unknown_older_version_is_refused(void **) {
    const auto plan = plan_migrations({1, 3}, {1, 2});
    assert_non_null(strstr(plan.error.c_str(), "migration 2 that this build does not know"));
    assert_true(plan.to_apply.empty());
}

static void a_badly_numbered_build_is_refused(void **) {
    assert_false(plan_migrations({}, {}).error.empty());
    assert_false(plan_migrations({2, 1}, {}).error.empty());
    assert_false(plan_migrations({1, 1}, {}).error.empty());
    assert_false(plan_migrations({0, 1}, {}).error.empty());
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_fresh_database_gets_every_migration_in_order),
        cmocka_unit_test(only_missing_versions_are_applied),
        cmocka_unit_test(a_newer_database_is_refused),
        cmocka_unit_test(an_unknown_older_version_is_refused),
        cmocka_unit_test(a_badly_numbered_build_is_refused),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
