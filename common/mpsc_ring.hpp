// The recorder tap's queue (M1): media threads copy packets in, one writer thread takes
// them out. Bounded and lock-free (Vyukov's bounded queue): a producer never waits; when the
// ring is full the packet is dropped and counted, so a stalled recorder cannot slow the relay.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace roomrec::common {

class PacketRing {
public:
    static constexpr size_t kMaxRecord = 1600 + 8; // an RTP packet plus a small header

    // capacity is rounded up to a power of two.
    explicit PacketRing(size_t capacity) : mask_(round_up(capacity) - 1), slots_(new Slot[mask_ + 1]) {
        for (size_t i = 0; i <= mask_; ++i) slots_[i].sequence.store(i, std::memory_order_relaxed);
    }

    size_t capacity() const { return mask_ + 1; }

    // Any thread. Copies head then body into one record; false (and counted) if the record is
    // too long or the ring is full.
    bool try_push(const uint8_t *head, size_t head_length, const uint8_t *body, size_t body_length) {
        if (head_length + body_length > kMaxRecord) return count_drop();
        size_t position = tail_.load(std::memory_order_relaxed);
        for (;;) {
            Slot &slot = slots_[position & mask_];
            const size_t sequence = slot.sequence.load(std::memory_order_acquire);
            const auto lag = static_cast<intptr_t>(sequence) - static_cast<intptr_t>(position);
            if (lag == 0) {
                if (tail_.compare_exchange_weak(position, position + 1, std::memory_order_relaxed)) {
                    std::memcpy(slot.data, head, head_length);
                    if (body_length) std::memcpy(slot.data + head_length, body, body_length);
                    slot.length = static_cast<uint16_t>(head_length + body_length);
                    slot.sequence.store(position + 1, std::memory_order_release);
                    return true;
                }
            } else if (lag < 0) {
                return count_drop(); // full
            } else {
                position = tail_.load(std::memory_order_relaxed);
            }
        }
    }

    // The one consumer thread. Copies the oldest record into out (kMaxRecord bytes) and returns
    // its length, or 0 when the ring is empty.
    size_t pop(uint8_t *out) {
        Slot &slot = slots_[head_ & mask_];
        if (slot.sequence.load(std::memory_order_acquire) != head_ + 1) return 0;
        const size_t length = slot.length;
        std::memcpy(out, slot.data, length);
        slot.sequence.store(head_ + mask_ + 1, std::memory_order_release);
        ++head_;
        return length;
    }

    uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

private:
    struct Slot {
        std::atomic<size_t> sequence{0};
        uint16_t length = 0;
        uint8_t data[kMaxRecord];
    };

    static size_t round_up(size_t value) {
        size_t power = 2;
        while (power < value) power <<= 1;
        return power;
    }
    bool count_drop() {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }

    const size_t mask_;
    std::unique_ptr<Slot[]> slots_;
    alignas(64) std::atomic<size_t> tail_{0};
    alignas(64) size_t head_ = 0; // consumer only
    alignas(64) std::atomic<uint64_t> dropped_{0};
};

} // namespace roomrec::common
