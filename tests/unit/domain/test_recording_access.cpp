// The recordings library's access rule (S6).
#include "domain/recording_access.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::domain;

namespace {

RecordingParties weekly() { return RecordingParties{"weekly", "alice", {"bob"}}; }

LibraryCaller user(const char *id, const char *host_of = "") { return LibraryCaller{false, id, host_of}; }

} // namespace

static void the_owner_may_do_everything(void **) {
    for (const auto action : {LibraryAction::View, LibraryAction::Share, LibraryAction::Manage})
        assert_true(library_allows(user("alice"), weekly(), action));
}

static void a_user_it_is_shared_with_may_only_view(void **) {
    assert_true(library_allows(user("bob"), weekly(), LibraryAction::View));
    assert_false(library_allows(user("bob"), weekly(), LibraryAction::Share));
    assert_false(library_allows(user("bob"), weekly(), LibraryAction::Manage));
}

static void a_host_of_the_room_may_only_view(void **) {
    assert_true(library_allows(user("carol", "weekly"), weekly(), LibraryAction::View));
    assert_false(library_allows(user("carol", "weekly"), weekly(), LibraryAction::Share));
    assert_false(library_allows(user("carol", "weekly"), weekly(), LibraryAction::Manage));
    // A host of another room is nobody here.
    assert_false(library_allows(user("carol", "other"), weekly(), LibraryAction::View));
}

static void operators_may_do_everything(void **) {
    const LibraryCaller op{true, "", ""};
    for (const auto action : {LibraryAction::View, LibraryAction::Share, LibraryAction::Manage})
        assert_true(library_allows(op, weekly(), action));
    assert_true(library_lists_whole_room(op, "weekly"));
}

static void anybody_else_may_do_nothing(void **) {
    for (const auto action : {LibraryAction::View, LibraryAction::Share, LibraryAction::Manage}) {
        assert_false(library_allows(user("mallory"), weekly(), action));
        assert_false(library_allows(LibraryCaller{}, weekly(), action));
    }
    // An empty owner or share entry never matches an anonymous caller.
    RecordingParties unowned{"weekly", "", {""}};
    assert_false(library_allows(LibraryCaller{}, unowned, LibraryAction::View));
    assert_false(library_allows(user(""), unowned, LibraryAction::Manage));
}

static void only_hosts_and_operators_list_a_whole_room(void **) {
    assert_true(library_lists_whole_room(user("carol", "weekly"), "weekly"));
    assert_false(library_lists_whole_room(user("carol", "other"), "weekly"));
    assert_false(library_lists_whole_room(user("alice"), "weekly"));
    assert_false(library_lists_whole_room(LibraryCaller{}, ""));
    assert_string_equal(library_action_name(LibraryAction::Manage), "rename or delete");
}

static void the_reason_for_access_is_the_strongest_that_holds(void **) {
    assert_true(library_access(LibraryCaller{true, "alice", "weekly"}, weekly()) == LibraryAccess::Operator);
    assert_true(library_access(user("alice", "weekly"), weekly()) == LibraryAccess::Owner);
    assert_true(library_access(user("bob", "weekly"), weekly()) == LibraryAccess::Shared);
    assert_true(library_access(user("carol", "weekly"), weekly()) == LibraryAccess::Host);
    assert_true(library_access(user("carol", "other"), weekly()) == LibraryAccess::None);
    assert_string_equal(library_access_name(LibraryAccess::Shared), "shared");
    assert_string_equal(library_access_name(LibraryAccess::None), "none");
}

// The room page hands a host who joined with the room's password to the library as that.
static void a_host_secret_holder_views_its_room_and_owns_nothing(void **) {
    const LibraryCaller holder = host_secret_caller("weekly");
    assert_true(library_lists_whole_room(holder, "weekly"));
    assert_false(library_lists_whole_room(holder, "other"));
    assert_true(library_access(holder, weekly()) == LibraryAccess::Host);
    assert_false(library_allows(holder, weekly(), LibraryAction::Share));
    assert_false(library_allows(holder, weekly(), LibraryAction::Manage));
    // Not even a recording nobody owns (its owner is "", as the holder's user is).
    const RecordingParties unowned{"weekly", "", {}};
    assert_true(library_access(holder, unowned) == LibraryAccess::Host);
    assert_false(library_allows(holder, unowned, LibraryAction::Manage));
    assert_false(library_allows(holder, RecordingParties{"other", "", {}}, LibraryAction::View));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_owner_may_do_everything),
        cmocka_unit_test(a_user_it_is_shared_with_may_only_view),
        cmocka_unit_test(a_host_of_the_room_may_only_view),
        cmocka_unit_test(operators_may_do_everything),
        cmocka_unit_test(anybody_else_may_do_nothing),
        cmocka_unit_test(only_hosts_and_operators_list_a_whole_room),
        cmocka_unit_test(the_reason_for_access_is_the_strongest_that_holds),
        cmocka_unit_test(a_host_secret_holder_views_its_room_and_owns_nothing),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
