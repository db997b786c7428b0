// The recorder tap's packet ring: order, bounds, drops, and many producers at once.
#include "common/packet_ring.hpp"

#include <thread>
#include <vector>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::common::PacketRing;

static void keeps_order_and_joins_head_and_body(void **) {
    PacketRing ring(8);
    const uint8_t head[3] = {4, 0, 7};
    for (uint8_t i = 0; i < 5; ++i) assert_true(ring.try_push(head, 3, &i, 1));
    uint8_t out[PacketRing::kMaxRecord];
    for (uint8_t i = 0; i < 5; ++i) {
        assert_int_equal(ring.pop(out), 4);
        assert_memory_equal(out, head, 3);
        assert_int_equal(out[3], i);
    }
    assert_int_equal(ring.pop(out), 0);
    assert_int_equal(ring.dropped(), 0);
}

static void full_ring_drops_and_counts_then_recovers(void **) {
    PacketRing ring(4);
    assert_int_equal(ring.capacity(), 4);
    const uint8_t byte = 1;
    for (int i = 0; i < 4; ++i) assert_true(ring.try_push(&byte, 1, nullptr, 0));
    assert_false(ring.try_push(&byte, 1, nullptr, 0));
    assert_false(ring.try_push(&byte, 1, nullptr, 0));
    assert_int_equal(ring.dropped(), 2);
    uint8_t out[PacketRing::kMaxRecord];
    assert_int_equal(ring.pop(out), 1);
    assert_true(ring.try_push(&byte, 1, nullptr, 0)); // room again after a pop
    for (int i = 0; i < 4; ++i) assert_int_equal(ring.pop(out), 1);
    assert_int_equal(ring.pop(out), 0);
}

static void oversized_record_is_dropped(void **) {
    PacketRing ring(4);
    std::vector<uint8_t> big(PacketRing::kMaxRecord, 0xAA);
    const uint8_t head[3] = {4, 0, 1};
    assert_false(ring.try_push(head, 3, big.data(), big.size() - 2));
    assert_true(ring.try_push(head, 3, big.data(), big.size() - 3)); // exactly the limit
    assert_int_equal(ring.dropped(), 1);
    uint8_t out[PacketRing::kMaxRecord];
    assert_int_equal(ring.pop(out), PacketRing::kMaxRecord);
}

static void capacity_rounds_up_to_a_power_of_two(void **) {
    assert_int_equal(PacketRing(1000).capacity(), 1024);
    assert_int_equal(PacketRing(1024).capacity(), 1024);
    assert_int_equal(PacketRing(0).capacity(), 2);
}

// Four producers race one consumer: every accepted record arrives exactly once, in each
// producer's order, and accepted + dropped equals what was offered.
static void many_producers_lose_nothing_they_were_told_was_queued(void **) {
    PacketRing ring(256);
    constexpr int kProducers = 4;
    constexpr uint32_t kEach = 50000;
    std::atomic<uint64_t> accepted[kProducers] = {};
    std::vector<std::thread> producers;
    for (int p = 0; p < kProducers; ++p)
        producers.emplace_back([&ring, &accepted, p] {
            for (uint32_t n = 0; n < kEach; ++n) {
                const uint8_t head = static_cast<uint8_t>(p);
                if (ring.try_push(&head, 1, reinterpret_cast<const uint8_t *>(&n), sizeof n)) accepted[p]++;
            }
        });
    std::atomic<bool> done{false};
    std::thread finisher([&] {
        for (auto &producer : producers) producer.join();
        done = true;
    });
    uint64_t received[kProducers] = {};
    int64_t last[kProducers] = {-1, -1, -1, -1};
    bool in_order = true;
    uint8_t out[PacketRing::kMaxRecord];
    for (;;) {
        const bool finished = done.load();
        size_t length;
        while ((length = ring.pop(out)) != 0) {
            assert_int_equal(length, 5);
            uint32_t n;
            std::memcpy(&n, out + 1, sizeof n);
            const int p = out[0];
            if (static_cast<int64_t>(n) <= last[p]) in_order = false;
            last[p] = n;
            received[p]++;
        }
        if (finished) break;
    }
    finisher.join();
    assert_true(in_order);
    uint64_t total_accepted = 0;
    for (int p = 0; p < kProducers; ++p) {
        assert_int_equal(received[p], accepted[p].load());
        total_accepted += accepted[p];
    }
    assert_int_equal(total_accepted + ring.dropped(), uint64_t(kProducers) * kEach);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keeps_order_and_joins_head_and_body),
        cmocka_unit_test(full_ring_drops_and_counts_then_recovers),
        cmocka_unit_test(oversized_record_is_dropped),
        cmocka_unit_test(capacity_rounds_up_to_a_power_of_two),
        cmocka_unit_test(many_producers_lose_nothing_they_were_told_was_queued),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
