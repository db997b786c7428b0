// The bounded MPSC ring under both its users' needs: values constructed in place and destroyed
// exactly once, move-only values left with the caller when refused, room kept ahead, and
// producers racing a consumer.
#include "common/mpsc_ring.hpp"

#include <thread>
#include <vector>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::common::MpscRing;
using roomrec::common::RingPages;

namespace {

// Counts live instances, so a value destroyed twice or never shows up as a wrong count.
struct Tracked {
    static inline int alive = 0;
    explicit Tracked(int v) noexcept : value(v) { ++alive; }
    Tracked(Tracked &&other) noexcept : value(other.value) { ++alive; }
    Tracked &operator=(Tracked &&other) noexcept {
        value = other.value;
        return *this;
    }
    ~Tracked() { --alive; }
    int value;
};

struct Stamp {
    Stamp(uint16_t p, uint32_t n) noexcept : producer(p), number(n) {}
    uint16_t producer;
    uint32_t number;
};

} // namespace

static void constructs_in_place_and_destroys_each_value_once(void **) {
    {
        MpscRing<Tracked> ring(4);
        for (int i = 0; i < 4; ++i) assert_true(ring.try_emplace(i));
        assert_false(ring.try_emplace(4)); // full: nothing constructed
        assert_int_equal(Tracked::alive, 4);
        int seen = -1;
        assert_true(ring.consume([&](Tracked &value) { seen = value.value; }));
        assert_int_equal(seen, 0);
        assert_int_equal(Tracked::alive, 3); // consumed values are destroyed in their slot
        Tracked out(-1);
        assert_true(ring.pop(out));
        assert_int_equal(out.value, 1);
        assert_int_equal(Tracked::alive, 3); // out, and two still queued
    }
    assert_int_equal(Tracked::alive, 0); // the ring destroyed what it still held
}

static void refused_move_only_value_stays_with_the_caller(void **) {
    MpscRing<std::unique_ptr<int>> ring(2);
    assert_true(ring.try_push(std::make_unique<int>(1)));
    assert_true(ring.try_push(std::make_unique<int>(2)));
    auto third = std::make_unique<int>(3);
    assert_false(ring.try_push(std::move(third)));
    assert_non_null(third.get());
    assert_int_equal(*third, 3);
    std::unique_ptr<int> out;
    assert_true(ring.pop(out));
    assert_int_equal(*out, 1);
    assert_true(ring.try_push(std::move(third)));
    assert_null(third.get());
    assert_int_equal(ring.pushed(), 3);
}

static void keeping_room_refuses_before_the_ring_is_full(void **) {
    MpscRing<int> ring(16);
    int accepted = 0;
    while (ring.try_emplace_keeping(4, accepted)) ++accepted;
    assert_int_equal(accepted, 12); // four slots stay free
    for (int i = 0; i < 4; ++i) assert_true(ring.try_emplace(100 + i));
    assert_false(ring.try_emplace(0));
    int out;
    for (int i = 0; i < 5; ++i) assert_true(ring.pop(out)); // five free again
    assert_true(ring.try_emplace_keeping(4, 7));
    assert_false(ring.try_emplace_keeping(4, 8));
    assert_int_equal(ring.pushed(), 17);
}

static void both_page_policies_behave_alike(void **) {
    for (const RingPages pages : {RingPages::OnDemand, RingPages::Touched}) {
        MpscRing<uint64_t> ring(3, pages);
        assert_int_equal(ring.capacity(), 4);
        for (uint64_t lap = 0; lap < 10; ++lap) {
            for (uint64_t i = 0; i < 4; ++i) assert_true(ring.try_emplace(lap * 4 + i));
            assert_false(ring.try_emplace(uint64_t{0}));
            uint64_t out;
            for (uint64_t i = 0; i < 4; ++i) {
                assert_true(ring.pop(out));
                assert_int_equal(out, lap * 4 + i);
            }
            assert_false(ring.pop(out));
        }
    }
}

// Three producers and a small ring: it is full most of the time, so producers keep losing CAS
// races and refusals; every value still arrives once, in its producer's order.
static void racing_producers_keep_their_order(void **) {
    MpscRing<Stamp> ring(16);
    constexpr uint16_t kProducers = 3;
    constexpr uint32_t kEach = 60000;
    std::vector<std::thread> producers;
    for (uint16_t p = 0; p < kProducers; ++p)
        producers.emplace_back([&ring, p] {
            for (uint32_t n = 0; n < kEach;)
                if (ring.try_emplace(p, n)) ++n;
        });
    uint32_t next[kProducers] = {};
    bool in_order = true;
    for (uint64_t received = 0; received < uint64_t(kProducers) * kEach;)
        received += ring.consume([&](const Stamp &stamp) {
            in_order = in_order && stamp.number == next[stamp.producer];
            ++next[stamp.producer];
        });
    for (auto &producer : producers) producer.join();
    assert_true(in_order);
    for (uint32_t count : next) assert_int_equal(count, kEach);
    assert_int_equal(ring.pushed(), uint64_t(kProducers) * kEach);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(constructs_in_place_and_destroys_each_value_once),
        cmocka_unit_test(refused_move_only_value_stays_with_the_caller),
        cmocka_unit_test(keeping_room_refuses_before_the_ring_is_full),
        cmocka_unit_test(both_page_policies_behave_alike),
        cmocka_unit_test(racing_producers_keep_their_order),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
