// The writer's inbox: bounded, many producers (any plugin thread), one consumer (the writer
// thread). Lock-free (Vyukov's bounded queue, like recorder/core/packet_ring.hpp): a producer
// never waits; a full queue refuses. Events are moved into the ring itself (their strings'
// buffers change hands, nothing is copied): a push is a move and a CAS, no allocation. The
// slots are raw memory constructed on push, so the pages of a large ring are touched only once
// a burst needs them (the first pass through a page costs the producer a page fault).
#pragma once

#include "analytics/core/telemetry_event.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>

namespace roomrec::analytics {

class EventQueue {
public:
    explicit EventQueue(size_t capacity)
        : mask_(round_up(capacity) - 1), sequences_(new std::atomic<size_t>[mask_ + 1]), slots_(new Slot[mask_ + 1]) {
        for (size_t i = 0; i <= mask_; ++i) sequences_[i].store(i, std::memory_order_relaxed);
    }
    ~EventQueue() {
        TelemetryEvent event;
        while (pop(event)) {
        }
    }
    EventQueue(const EventQueue &) = delete;
    EventQueue &operator=(const EventQueue &) = delete;

    size_t capacity() const { return mask_ + 1; }

    // Any thread. Moves the event in; false (event untouched) when full, or when fewer than
    // `keep_free` further slots would stay free (room kept for other events).
    bool try_push(TelemetryEvent &&event, size_t keep_free = 0) {
        size_t position = tail_.load(std::memory_order_relaxed);
        for (;;) {
            const size_t index = position & mask_;
            if (keep_free > 0) { // the slot keep_free places ahead is free only if the queue has room
                const size_t ahead = position + keep_free;
                if (static_cast<intptr_t>(sequences_[ahead & mask_].load(std::memory_order_acquire)) -
                        static_cast<intptr_t>(ahead) < 0)
                    return false;
            }
            const size_t sequence = sequences_[index].load(std::memory_order_acquire);
            const auto lag = static_cast<intptr_t>(sequence) - static_cast<intptr_t>(position);
            if (lag == 0) {
                if (tail_.compare_exchange_weak(position, position + 1, std::memory_order_relaxed)) {
                    new (slots_[index].bytes) TelemetryEvent(std::move(event));
                    sequences_[index].store(position + 1, std::memory_order_release);
                    return true;
                }
            } else if (lag < 0) {
                return false;
            } else {
                position = tail_.load(std::memory_order_relaxed);
            }
        }
    }

    // The consumer thread only. Moves the oldest event out; false when empty.
    bool pop(TelemetryEvent &out) {
        const size_t index = head_ & mask_;
        if (sequences_[index].load(std::memory_order_acquire) != head_ + 1) return false;
        auto *event = std::launder(reinterpret_cast<TelemetryEvent *>(slots_[index].bytes));
        out = std::move(*event);
        event->~TelemetryEvent();
        sequences_[index].store(head_ + mask_ + 1, std::memory_order_release);
        ++head_;
        return true;
    }

    // Events ever accepted (the tail only moves on a successful push).
    uint64_t pushed() const { return tail_.load(std::memory_order_relaxed); }

private:
    struct Slot {
        alignas(TelemetryEvent) unsigned char bytes[sizeof(TelemetryEvent)];
    };

    static size_t round_up(size_t value) {
        size_t power = 2;
        while (power < value) power <<= 1;
        return power;
    }

    const size_t mask_;
    std::unique_ptr<std::atomic<size_t>[]> sequences_;
    std::unique_ptr<Slot[]> slots_; // default-initialized: untouched until used
    alignas(64) std::atomic<size_t> tail_{0};
    alignas(64) size_t head_ = 0; // consumer only
};

} // namespace roomrec::analytics
