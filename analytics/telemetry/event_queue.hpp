// The writer's inbox: bounded, many producers (any plugin thread), one consumer (the writer
// thread). Lock-free (Vyukov's bounded queue, like recorder/core/packet_ring.hpp): a producer
// never waits; a full queue refuses. Slots hold pointers, so the ring itself is small (16 bytes
// a slot) and events move in without copying their strings; at most `capacity` events are
// alive in it, so memory stays bounded.
#pragma once

#include "core/telemetry_event.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace roomrec::analytics {

class EventQueue {
public:
    explicit EventQueue(size_t capacity) : mask_(round_up(capacity) - 1), slots_(new Slot[mask_ + 1]) {
        for (size_t i = 0; i <= mask_; ++i) slots_[i].sequence.store(i, std::memory_order_relaxed);
    }
    ~EventQueue() {
        while (pop()) {
        }
    }
    EventQueue(const EventQueue &) = delete;
    EventQueue &operator=(const EventQueue &) = delete;

    size_t capacity() const { return mask_ + 1; }

    // Any thread. Takes the event on success; false (event left with the caller) when full.
    bool try_push(std::unique_ptr<TelemetryEvent> &event) {
        size_t position = tail_.load(std::memory_order_relaxed);
        for (;;) {
            Slot &slot = slots_[position & mask_];
            const size_t sequence = slot.sequence.load(std::memory_order_acquire);
            const auto lag = static_cast<intptr_t>(sequence) - static_cast<intptr_t>(position);
            if (lag == 0) {
                if (tail_.compare_exchange_weak(position, position + 1, std::memory_order_relaxed)) {
                    slot.event = event.release();
                    slot.sequence.store(position + 1, std::memory_order_release);
                    return true;
                }
            } else if (lag < 0) {
                return false;
            } else {
                position = tail_.load(std::memory_order_relaxed);
            }
        }
    }

    // The consumer thread only. The oldest event, or null when empty.
    std::unique_ptr<TelemetryEvent> pop() {
        Slot &slot = slots_[head_ & mask_];
        if (slot.sequence.load(std::memory_order_acquire) != head_ + 1) return nullptr;
        std::unique_ptr<TelemetryEvent> event(slot.event);
        slot.event = nullptr;
        slot.sequence.store(head_ + mask_ + 1, std::memory_order_release);
        ++head_;
        return event;
    }

    // Events ever accepted (the tail only moves on a successful push).
    uint64_t pushed() const { return tail_.load(std::memory_order_relaxed); }

private:
    struct Slot {
        std::atomic<size_t> sequence{0};
        TelemetryEvent *event = nullptr;
    };

    static size_t round_up(size_t value) {
        size_t power = 2;
        while (power < value) power <<= 1;
        return power;
    }

    const size_t mask_;
    std::unique_ptr<Slot[]> slots_;
    alignas(64) std::atomic<size_t> tail_{0};
    alignas(64) size_t head_ = 0; // consumer only
};

} // namespace roomrec::analytics
