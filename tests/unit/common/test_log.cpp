// The logging facade: levels filter before the sink, each Logger's tag, the request context of
// nested scopes (per thread), swapping sinks, and the default sink's line on stderr.
#include "common/log.hpp"

#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::common;

namespace {

struct Captured {
    LogLevel level;
    std::string tag;
    LogContext context;
    std::string message;
    std::string line;
};

std::mutex g_mutex;
std::vector<Captured> g_lines;

void capture(const LogRecord &record) {
    std::lock_guard lock(g_mutex);
    g_lines.push_back(
        {record.level, std::string(record.tag), record.context, std::string(record.message), format_log_line(record)});
}

// Each test starts with the capturing sink at the most verbose level, and restores the default.
int install(void **) {
    g_lines.clear();
    set_log_sink(capture);
    set_log_level(LogLevel::Debug);
    return 0;
}
int restore(void **) {
    set_log_sink({});
    set_log_level(LogLevel::Info);
    return 0;
}

constexpr Logger kTelemetry("telemetry");
constexpr Logger kDelivery("delivery");

} // namespace

static void levels_filter_before_the_sink(void **) {
    set_log_level(LogLevel::Warning);
    assert_true(kTelemetry.enabled(LogLevel::Error));
    assert_true(kTelemetry.enabled(LogLevel::Warning));
    assert_false(kTelemetry.enabled(LogLevel::Info));
    kTelemetry.error("e");
    kTelemetry.warning("w");
    kTelemetry.info("i");
    kTelemetry.verbose("v");
    kTelemetry.debug("d");
    assert_int_equal(g_lines.size(), 2);
    assert_int_equal(g_lines[0].level, LogLevel::Error);
    assert_int_equal(g_lines[1].level, LogLevel::Warning);
    set_log_level(LogLevel::Debug);
    kTelemetry.verbose("v");
    kTelemetry.log(LogLevel::Debug, "d");
    assert_int_equal(g_lines.size(), 4);
    assert_int_equal(g_lines[2].level, LogLevel::Verbose);
    assert_int_equal(g_lines[3].level, LogLevel::Debug);
    assert_string_equal(log_level_name(LogLevel::Verbose), "verbose");
}

static void each_logger_carries_its_tag_once(void **) {
    kTelemetry.info("Postgres unavailable");
    kDelivery.warning("job 7 will be retried");
    Logger("").info("untagged");
    assert_int_equal(g_lines.size(), 3);
    assert_string_equal(g_lines[0].tag.c_str(), "telemetry");
    assert_string_equal(g_lines[0].line.c_str(), "[roomrec] [telemetry] Postgres unavailable");
    assert_string_equal(g_lines[1].line.c_str(), "[roomrec] [delivery] job 7 will be retried");
    assert_string_equal(g_lines[2].line.c_str(), "[roomrec] untagged");
}

static void scopes_add_the_request_and_nest(void **) {
    kDelivery.info("before");
    {
        LogScope request({.room = "r1", .transaction = "tx9"});
        kDelivery.info("in the request");
        {
            LogScope joined({.participant = "p7"}); // room and transaction stay
            kDelivery.info("joined");
            LogScope moved({.room = "r2"});
            kDelivery.info("moved");
        }
        kDelivery.info("after the inner scopes");
        std::thread([] { kDelivery.info("another thread"); }).join();
    }
    kDelivery.info("after");
    assert_int_equal(g_lines.size(), 7);
    assert_string_equal(g_lines[0].line.c_str(), "[roomrec] [delivery] before");
    assert_string_equal(g_lines[1].line.c_str(), "[roomrec] [delivery] [room=r1 tx=tx9] in the request");
    assert_string_equal(g_lines[2].line.c_str(), "[roomrec] [delivery] [room=r1 participant=p7 tx=tx9] joined");
    assert_string_equal(g_lines[3].line.c_str(), "[roomrec] [delivery] [room=r2 participant=p7 tx=tx9] moved");
    assert_string_equal(g_lines[3].context.room.c_str(), "r2");
    assert_string_equal(g_lines[4].line.c_str(), "[roomrec] [delivery] [room=r1 tx=tx9] after the inner scopes");
    assert_string_equal(g_lines[5].line.c_str(), "[roomrec] [delivery] another thread"); // scopes are per thread
    assert_string_equal(g_lines[6].line.c_str(), "[roomrec] [delivery] after");
    assert_true(LogScope::current().empty());
}

static void sinks_swap_and_hand_back_the_previous_one(void **) {
    std::vector<std::string> other;
    LogSink previous = set_log_sink([&other](const LogRecord &record) { other.emplace_back(record.message); });
    assert_non_null(previous.target<void (*)(const LogRecord &)>()); // the capturing sink
    kTelemetry.info("to the other sink");
    LogSink mine = set_log_sink(std::move(previous));
    kTelemetry.info("back to capture");
    assert_int_equal(other.size(), 1);
    assert_string_equal(other[0].c_str(), "to the other sink");
    assert_int_equal(g_lines.size(), 1);
    assert_string_equal(g_lines[0].message.c_str(), "back to capture");
    assert_true(static_cast<bool>(mine));
    set_log_sink({});
    assert_false(static_cast<bool>(set_log_sink(capture))); // the default is handed back as empty
}

// The default sink: one line per call on stderr, errors and warnings marked as Janus does.
static void default_sink_writes_lines_to_stderr(void **) {
    set_log_sink({});
    std::FILE *file = std::tmpfile();
    assert_non_null(file);
    std::fflush(stderr);
    const int saved = dup(2);
    assert_true(dup2(fileno(file), 2) >= 0);
    {
        LogScope scope({.participant = "p1"});
        kTelemetry.error("lost");
    }
    kDelivery.info("resumed");
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char text[256] = {};
    std::rewind(file);
    const size_t read = std::fread(text, 1, sizeof text - 1, file);
    std::fclose(file);
    assert_string_equal(std::string(text, read).c_str(),
                        "[ERR] [roomrec] [telemetry] [participant=p1] lost\n[roomrec] [delivery] resumed\n");
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(levels_filter_before_the_sink, install, restore),
        cmocka_unit_test_setup_teardown(each_logger_carries_its_tag_once, install, restore),
        cmocka_unit_test_setup_teardown(scopes_add_the_request_and_nest, install, restore),
        cmocka_unit_test_setup_teardown(sinks_swap_and_hand_back_the_previous_one, install, restore),
        cmocka_unit_test_setup_teardown(default_sink_writes_lines_to_stderr, install, restore),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
