// The delivery spool on a real temporary folder: entries are durable files in time order,
// torn writes and foreign files are ignored, and names never leave the folder.
#include "storage/delivery/delivery_spool.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::storage::DeliverySpool;
using namespace roomrec::storage;
namespace fs = std::filesystem;

static std::string make_folder() {
    char pattern[] = "/tmp/roomrec-spool-XXXXXX";
    const char *made = mkdtemp(pattern);
    assert_non_null(made);
    return std::string(made) + "/spool";
}

static DeliveryEvent ended(const char *id, int64_t created_ms) {
    DeliveryEvent event;
    event.id = id;
    event.type = DeliveryEventType::SessionEnded;
    event.room_id = "weekly";
    event.node_id = "node-a";
    event.created_ms = created_ms;
    event.reason = "closed";
    return event;
}

static void entries_come_back_oldest_first(void **) {
    const std::string folder = make_folder();
    DeliverySpool spool(folder);
    std::string error;
    assert_true(spool.open(error));
    struct stat info {};
    assert_int_equal(stat(folder.c_str(), &info), 0);
    assert_int_equal(info.st_mode & 0777, 0700);
    assert_true(spool.put(ended("b", 2000), error));
    assert_true(spool.put(ended("a", 1000), error));
    assert_true(spool.put(ended("c", 99999999999), error));
    const auto names = spool.pending();
    assert_int_equal(names.size(), 3);
    assert_string_equal(names[0].c_str(), "000000000001000-a.json");
    assert_string_equal(names[2].c_str(), "000099999999999-c.json");
    const auto text = spool.read(names[0]);
    assert_true(text.has_value());
    const auto event = delivery_event_from_json(*text, error);
    assert_true(event.has_value());
    assert_string_equal(event->id.c_str(), "a");
    spool.remove(names[0]);
    assert_int_equal(spool.pending().size(), 2);
    spool.reject(names[1]);
    assert_int_equal(spool.pending().size(), 1);
    assert_true(fs::exists(folder + "/rejected/" + names[1]));
    fs::remove_all(fs::path(folder).parent_path());
}

static void ignores_torn_and_foreign_files(void **) {
    const std::string folder = make_folder();
    DeliverySpool spool(folder);
    std::string error;
    assert_true(spool.open(error));
    std::ofstream(folder + "/000000000001000-a.json.tmp") << "{\"torn"; // a crash mid-write
    std::ofstream(folder + "/notes.txt") << "hello";
    std::ofstream(folder + "/.000000000001000-x.json") << "{}";
    assert_int_equal(spool.pending().size(), 0);
    // Names that would leave the folder are refused, not followed.
    assert_false(spool.read("../../etc/passwd").has_value());
    assert_false(spool.read("000000000001000-a/../../x.json").has_value());
    spool.remove("../spool");
    assert_true(fs::exists(folder));
    fs::remove_all(fs::path(folder).parent_path());
}

static void refuses_events_it_cannot_name(void **) {
    const std::string folder = make_folder();
    DeliverySpool spool(folder);
    std::string error;
    assert_true(spool.open(error));
    assert_false(spool.put(ended("../escape", 1000), error));
    assert_false(error.empty());
    assert_int_equal(spool.pending().size(), 0);
    fs::remove_all(fs::path(folder).parent_path());
}

static void reports_an_unwritable_folder(void **) {
    DeliverySpool spool("/proc/roomrec-cannot-exist/spool");
    std::string error;
    assert_false(spool.open(error));
    assert_non_null(strstr(error.c_str(), "cannot create"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(entries_come_back_oldest_first),
        cmocka_unit_test(ignores_torn_and_foreign_files),
        cmocka_unit_test(refuses_events_it_cannot_name),
        cmocka_unit_test(reports_an_unwritable_folder),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
