// Roles and the permission table (R2, R4, R7, C1).
#include "domain/role.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

static void parses_the_four_roles_and_nothing_else(void **) {
    assert_true(parse_role("host") == Role::Host);
    assert_true(parse_role("moderator") == Role::Moderator);
    assert_true(parse_role("speaker") == Role::Speaker);
    assert_true(parse_role("viewer") == Role::Viewer);
    assert_false(parse_role("Host").has_value());
    assert_false(parse_role("admin").has_value());
    assert_false(parse_role("").has_value());
    assert_string_equal(role_name(Role::Moderator), "moderator");
}

static void permission_matrix(void **) {
    struct Row {
        Role role;
        bool on_stage;
        bool publish, subscribe, kick, close, stage, record;
    };
    const Row rows[] = {
        {Role::Host, false, true, true, true, true, true, true},
        {Role::Moderator, false, true, true, true, true, true, true},
        {Role::Speaker, false, true, true, false, false, false, false},
        {Role::Viewer, false, false, true, false, false, false, false},
        {Role::Viewer, true, true, true, false, false, false, false},
    };
    for (const Row &row : rows) {
        assert_int_equal(is_allowed(row.role, Action::Publish, row.on_stage), row.publish);
        assert_int_equal(is_allowed(row.role, Action::Subscribe, row.on_stage), row.subscribe);
        assert_int_equal(is_allowed(row.role, Action::Kick, row.on_stage), row.kick);
        assert_int_equal(is_allowed(row.role, Action::CloseRoom, row.on_stage), row.close);
        assert_int_equal(is_allowed(row.role, Action::ManageStage, row.on_stage), row.stage);
        assert_int_equal(is_allowed(row.role, Action::ControlRecording, row.on_stage), row.record);
        assert_int_equal(is_allowed(row.role, Action::ManageBreakouts, row.on_stage), row.close); // leads only
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_the_four_roles_and_nothing_else),
        cmocka_unit_test(permission_matrix),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
