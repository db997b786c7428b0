// The writer's queue is bounded in bytes as well as in events: a flood of 4 KB chat bodies
// while the writer is behind (or not even started) holds at most queue_max_bytes, refusals are
// counted, and what the producers add the consumer takes back exactly. Its lag gauge.
#include "analytics/telemetry/telemetry_writer.hpp"
#include "common/wall_clock.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;

constexpr int64_t kAt = 1767225600LL * 1000000; // 2026-01-01

static TelemetryEvent chat(size_t body_bytes, TelemetryKind kind = TelemetryKind::ChatSend) {
    TelemetryEvent event;
    event.room_id = "room-1";
    event.session_id = "session-1";
    event.participant_id = "participant-1";
    event.user_id = "user-1";
    event.kind = kind;
    event.at_us = kAt;
    event.body_json = "{\"text\":\"" + std::string(body_bytes, 'x') + "\"}";
    return event;
}

static void heap_bytes_count_every_string(void **) {
    TelemetryEvent event = chat(4000);
    event.subject_id = "subject";
    const size_t expected = 6 + 9 + 13 + 6 + 7 + 4000 + 11;
    assert_int_equal(event_heap_bytes(event), expected);
    // A move keeps the count: what a producer adds, the consumer subtracts.
    TelemetryEvent moved = std::move(event);
    assert_int_equal(event_heap_bytes(moved), expected);
    TelemetryEvent reused = chat(10000); // a popped-into event may have had a bigger buffer
    reused = std::move(moved);
    assert_int_equal(event_heap_bytes(reused), expected);
    assert_int_equal(event_heap_bytes(TelemetryEvent{}), 0);
}

static void a_flood_of_chat_bodies_stays_under_the_byte_bound(void **) {
    TelemetrySettings settings;
    settings.queue_max_bytes = 1 << 20; // 1 MiB
    TelemetryWriter writer(settings);   // not started: nothing drains the queue
    const size_t one = event_heap_bytes(chat(4000));
    size_t accepted = 0;
    for (int i = 0; i < 100000; ++i) // ≈ 400 MB offered
        accepted += writer.enqueue(chat(4000)) ? 1 : 0;
    const auto counters = writer.counters();
    assert_int_equal(accepted, (size_t(1) << 20) / one);
    assert_int_equal(counters.enqueued, accepted);
    assert_true(counters.queued_bytes <= settings.queue_max_bytes);
    assert_int_equal(counters.queued_bytes, accepted * one);
    assert_int_equal(counters.dropped_bytes, 100000 - accepted);
    assert_int_equal(counters.dropped_full, 100000 - accepted); // the per-kind totals include them
    assert_int_equal(counters.dropped_full_by_kind[static_cast<size_t>(TelemetryKind::ChatSend)], 100000 - accepted);
}

static void periodic_events_leave_the_last_eighth_of_the_bytes(void **) {
    TelemetrySettings settings;
    settings.queue_max_bytes = 1 << 20;
    TelemetryWriter writer(settings);
    size_t periodic = 0;
    while (writer.enqueue(chat(4000, TelemetryKind::Heartbeat))) ++periodic;
    const size_t one = event_heap_bytes(chat(4000));
    assert_int_equal(periodic, ((size_t(1) << 20) - (size_t(1) << 17)) / one);
    size_t others = 0;
    while (writer.enqueue(chat(4000))) ++others;
    assert_true(others >= (size_t(1) << 17) / one - 1);
    assert_true(writer.counters().queued_bytes <= settings.queue_max_bytes);
}

// Producers on four threads against the writer thread (Postgres unreachable: it spools). The
// byte count never passes the bound, and once stopped every added byte was taken back.
static std::string make_folder() {
    char pattern[] = "/tmp/telemetry-writer-XXXXXX";
    return mkdtemp(pattern);
}

// A writer whose Postgres never answers: everything it takes goes to the spool in `folder`.
static TelemetrySettings without_postgres(const std::string &folder) {
    TelemetrySettings settings;
    settings.conninfo = "host=/nonexistent-roomrec-socket-dir port=1 connect_timeout=1";
    settings.node_id = "node-t";
    settings.spool_folder = folder + "/spool";
    settings.rollup_ms = 0;
    return settings;
}

static void concurrent_producers_and_the_consumer_agree(void **) {
    const std::string folder = make_folder();
    TelemetrySettings settings = without_postgres(folder);
    settings.queue_max_bytes = 256 << 10;
    TelemetryWriter writer(settings);
    std::string error;
    assert_true(writer.start(error));
    std::atomic<bool> done{false};
    std::atomic<size_t> peak{0};
    std::thread watcher([&] {
        while (!done.load()) {
            const size_t now = writer.counters().queued_bytes;
            size_t seen = peak.load();
            while (now > seen && !peak.compare_exchange_weak(seen, now)) {
            }
        }
    });
    std::vector<std::thread> producers;
    for (int t = 0; t < 4; ++t)
        producers.emplace_back([&] {
            for (int i = 0; i < 2000; ++i) writer.enqueue(chat(4000));
        });
    for (auto &producer : producers) producer.join();
    writer.stop();
    done = true;
    watcher.join();
    const auto counters = writer.counters();
    assert_true(peak.load() <= settings.queue_max_bytes);
    assert_int_equal(counters.queued_bytes, 0);
    assert_int_equal(counters.enqueued + counters.dropped_full, 8000);
    assert_int_equal(counters.enqueued, counters.spooled + counters.written + counters.dropped_stopped);
    assert_int_equal(std::system(("rm -rf '" + folder + "'").c_str()), 0);
}

// The lag gauge: events Postgres has not taken yet are as late as the oldest of them.
static void lag_is_the_age_of_the_oldest_event_postgres_has_not_taken(void **) {
    const std::string folder = make_folder();
    TelemetrySettings settings = without_postgres(folder);
    settings.flush_ms = 50;
    TelemetryWriter writer(settings);
    assert_int_equal(writer.counters().lag_us, 0); // nothing waits
    std::string error;
    assert_true(writer.start(error));
    const int64_t now_us = roomrec::common::unix_time_us();
    TelemetryEvent older = chat(10), newer = chat(10);
    older.at_us = now_us - 30'000'000;
    newer.at_us = now_us - 5'000'000;
    assert_true(writer.enqueue(std::move(older)));
    assert_true(writer.enqueue(std::move(newer)));
    for (int i = 0; i < 100 && writer.counters().spooled < 2; ++i) usleep(50'000);
    const auto counters = writer.counters();
    assert_int_equal(counters.spooled, 2); // Postgres is away: they wait in the spool
    assert_true(counters.lag_us >= 30'000'000);
    assert_true(counters.lag_us < 60'000'000);
    writer.stop();
    assert_int_equal(std::system(("rm -rf '" + folder + "'").c_str()), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(heap_bytes_count_every_string),
        cmocka_unit_test(a_flood_of_chat_bodies_stays_under_the_byte_bound),
        cmocka_unit_test(periodic_events_leave_the_last_eighth_of_the_bytes),
        cmocka_unit_test(concurrent_producers_and_the_consumer_agree),
        cmocka_unit_test(lag_is_the_age_of_the_oldest_event_postgres_has_not_taken),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
