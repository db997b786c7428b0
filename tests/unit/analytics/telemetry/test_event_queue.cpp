// The writer's inbox: FIFO, bounded (a full queue refuses and leaves the event with the
// caller), room kept for non-periodic events, and no event lost or doubled with 4 producers.
#include "analytics/telemetry/event_queue.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;

static TelemetryEvent numbered(int64_t value, TelemetryKind kind = TelemetryKind::Join) {
    TelemetryEvent event;
    event.room_id = "a room id long enough to live on the heap";
    event.kind = kind;
    event.value = value;
    return event;
}

static void first_in_first_out_and_bounded(void **) {
    EventQueue queue(6); // rounded up to 8
    assert_int_equal(queue.capacity(), 8);
    for (int64_t i = 0; i < 8; ++i) assert_true(queue.try_push(numbered(i)));
    TelemetryEvent refused = numbered(99);
    assert_false(queue.try_push(std::move(refused)));
    assert_int_equal(refused.value, 99); // left with the caller
    assert_string_equal(refused.room_id.c_str(), "a room id long enough to live on the heap");
    TelemetryEvent out;
    for (int64_t i = 0; i < 8; ++i) {
        assert_true(queue.pop(out));
        assert_int_equal(out.value, i);
    }
    assert_false(queue.pop(out));
    assert_int_equal(queue.pushed(), 8);
    for (int64_t i = 0; i < 20; ++i) { // wraps around
        assert_true(queue.try_push(numbered(i)));
        assert_true(queue.pop(out));
        assert_int_equal(out.value, i);
    }
}

static void room_is_kept_for_other_events(void **) {
    EventQueue queue(8);
    int periodic = 0;
    while (queue.try_push(numbered(periodic, TelemetryKind::Heartbeat), 2)) ++periodic;
    assert_int_equal(periodic, 6); // two slots stay free
    assert_true(queue.try_push(numbered(100)));
    assert_true(queue.try_push(numbered(101)));
    assert_false(queue.try_push(numbered(102)));
    TelemetryEvent out;
    assert_true(queue.pop(out));
    assert_false(queue.try_push(numbered(7, TelemetryKind::Heartbeat), 2)); // still only 1 free
    assert_true(queue.pop(out));
    assert_true(queue.pop(out));
    assert_true(queue.try_push(numbered(7, TelemetryKind::Heartbeat), 2));
}

static void four_producers_lose_nothing(void **) {
    EventQueue queue(1024);
    constexpr int kProducers = 4;
    constexpr int64_t kEach = 50000;
    std::vector<std::thread> producers;
    std::atomic<int64_t> refused{0};
    for (int p = 0; p < kProducers; ++p) {
        producers.emplace_back([&, p] {
            for (int64_t i = 0; i < kEach; ++i) {
                TelemetryEvent event = numbered(p * kEach + i);
                while (!queue.try_push(std::move(event))) {
                    refused.fetch_add(1);
                    std::this_thread::yield();
                }
            }
        });
    }
    std::vector<int> seen(kProducers * kEach, 0);
    std::vector<int64_t> last(kProducers, -1);
    TelemetryEvent out;
    for (int64_t got = 0; got < kProducers * kEach;) {
        if (!queue.pop(out)) continue;
        ++got;
        ++seen[static_cast<size_t>(out.value)];
        const int64_t producer = out.value / kEach;
        assert_true(out.value > last[static_cast<size_t>(producer)]); // each producer's order kept
        last[static_cast<size_t>(producer)] = out.value;
    }
    for (auto &producer : producers) producer.join();
    for (int count : seen) assert_int_equal(count, 1);
    assert_false(queue.pop(out));
    assert_int_equal(queue.pushed(), kProducers * kEach);
}

static void leftovers_are_freed(void **) {
    EventQueue queue(4); // the destructor destroys what is still queued (ASan checks)
    assert_true(queue.try_push(numbered(1)));
    assert_true(queue.try_push(numbered(2)));
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_in_first_out_and_bounded),
        cmocka_unit_test(room_is_kept_for_other_events),
        cmocka_unit_test(four_producers_lose_nothing),
        cmocka_unit_test(leftovers_are_freed),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
