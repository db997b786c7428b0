// Session lifetime: a destroyed handle's session is found no more, stays alive while anyone
// still holds it, and is freed (releasing its Janus handle reference) when the last holder lets
// go; the media threads' lock-free read refuses stopped handles and destroyed sessions.
#include "plugin/session_table.hpp"

#include <vector>


#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::plugin::Session;
using roomrec::plugin::SessionTable;

namespace {

int freed_handles = 0;

void count_free(const janus_refcount *ref) {
    ++freed_handles;
    g_free(janus_refcount_containerof(ref, janus_plugin_session, ref));
}

janus_plugin_session *new_handle() {
    auto *handle = static_cast<janus_plugin_session *>(g_malloc0(sizeof(janus_plugin_session)));
    janus_refcount_init(&handle->ref, count_free); // the reference the plugin's Session adopts
    return handle;
}

void a_removed_session_lives_until_its_last_holder_lets_go(void **) {
    freed_handles = 0;
    SessionTable table;
    janus_plugin_session *handle = new_handle();
    table.add(handle, std::make_shared<Session>(handle));
    assert_ptr_equal(handle->plugin_handle, table.find(handle).get());

    std::shared_ptr<Session> held = table.find(handle); // e.g. a room still lists it
    std::weak_ptr<Session> watch = held;
    std::shared_ptr<Session> removed = table.remove(handle);
    assert_ptr_equal(removed.get(), held.get());
    assert_true(removed->destroyed.load());
    assert_true(removed->gate->closed.load());
    assert_null(table.find(handle).get());
    assert_null(table.remove(handle).get()); // a second destroy is refused, not crashed on
    assert_int_equal(table.size(), 0);

    removed.reset();
    assert_false(watch.expired());
    assert_int_equal(freed_handles, 0); // the handle is still referenced by the session
    held.reset();
    assert_true(watch.expired());
    assert_int_equal(freed_handles, 1);
}

void media_reads_refuse_stopped_handles_and_destroyed_sessions(void **) {
    freed_handles = 0;
    SessionTable table;
    janus_plugin_session *handle = new_handle();
    table.add(handle, std::make_shared<Session>(handle));
    assert_non_null(SessionTable::media_session(handle));
    g_atomic_int_set(&handle->stopped, 1);
    assert_null(SessionTable::media_session(handle));
    g_atomic_int_set(&handle->stopped, 0);
    std::shared_ptr<Session> removed = table.remove(handle);
    assert_null(SessionTable::media_session(handle));
    assert_null(SessionTable::media_session(nullptr));
    removed.reset();
    assert_int_equal(freed_handles, 1);
}

void snapshot_and_clear_cover_every_live_session(void **) {
    freed_handles = 0;
    SessionTable table;
    std::vector<janus_plugin_session *> handles;
    for (int i = 0; i < 3; ++i) {
        handles.push_back(new_handle());
        table.add(handles.back(), std::make_shared<Session>(handles.back()));
    }
    table.remove(handles[1]);
    assert_int_equal(table.snapshot().size(), 2);
    assert_int_equal(freed_handles, 1);
    table.clear();
    assert_int_equal(table.size(), 0);
    assert_int_equal(freed_handles, 3);
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_removed_session_lives_until_its_last_holder_lets_go),
        cmocka_unit_test(media_reads_refuse_stopped_handles_and_destroyed_sessions),
        cmocka_unit_test(snapshot_and_clear_cover_every_live_session),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
