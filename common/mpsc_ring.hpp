// A bounded lock-free queue for many producers and one consumer (Vyukov's bounded queue): a
// producer never waits and never allocates; when the ring is full it is refused and decides
// itself what that means (the recorder tap drops the packet, the telemetry writer counts the
// event). Values are constructed in their slot by the producer that claimed it and destroyed
// there by the consumer, so a push is one CAS plus the value's construction.
//
// Each slot has a sequence number that says whose turn it is: position p may be written when
// its slot's sequence is p, read when it is p + 1, and reading sets it to p + capacity (the
// same slot's position one lap later). The sequences live in their own array, so checking a
// slot ahead (try_emplace_keeping) touches 8 bytes, and a large ring's value pages stay
// untouched until a burst reaches them (RingPages::OnDemand), unless the owner asks for them
// up front so that no producer ever takes a page fault (RingPages::Touched).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace roomrec::common {

enum class RingPages { OnDemand, Touched };

template <typename T> class MpscRing {
public:
    // capacity is rounded up to a power of two (at least 2).
    explicit MpscRing(size_t capacity, RingPages pages = RingPages::OnDemand)
        : mask_(round_up(capacity) - 1), sequences_(new std::atomic<size_t>[mask_ + 1]), slots_(new Slot[mask_ + 1]) {
        for (size_t i = 0; i <= mask_; ++i) sequences_[i].store(i, std::memory_order_relaxed);
        if (pages == RingPages::Touched) std::memset(static_cast<void *>(slots_.get()), 0, sizeof(Slot) * (mask_ + 1));
    }
    ~MpscRing() { // what is still queued is destroyed; no producer may be running any more
        while (consume([](T &) {})) {
        }
    }
    MpscRing(const MpscRing &) = delete;
    MpscRing &operator=(const MpscRing &) = delete;

    size_t capacity() const { return mask_ + 1; }

    // Any thread. Constructs T(args...) in the next slot; false when the ring is full, and then
    // args are untouched (an rvalue passed in is not moved from).
    template <typename... Args> bool try_emplace(Args &&...args) {
        return try_emplace_keeping(0, std::forward<Args>(args)...);
    }
    // The same, but false also when fewer than keep_free further slots would stay free: room
    // kept for values that matter more (keep_free < capacity()).
    template <typename... Args> bool try_emplace_keeping(size_t keep_free, Args &&...args) {
        // A slot that has been claimed must be published, or the consumer would wait forever.
        static_assert(std::is_nothrow_constructible_v<T, Args &&...>, "T's construction must not throw");
        size_t position = tail_.load(std::memory_order_relaxed);
        for (;;) {
            if (keep_free > 0 && !writable(position + keep_free)) return false;
            std::atomic<size_t> &sequence = sequences_[position & mask_];
            const auto lag = static_cast<intptr_t>(sequence.load(std::memory_order_acquire)) -
                             static_cast<intptr_t>(position);
            if (lag == 0) {
                if (tail_.compare_exchange_weak(position, position + 1, std::memory_order_relaxed)) {
                    ::new (static_cast<void *>(slots_[position & mask_].bytes)) T(std::forward<Args>(args)...);
                    sequence.store(position + 1, std::memory_order_release);
                    return true;
                }
                // position now holds the tail another producer moved to: try there
            } else if (lag < 0) {
                return false; // the slot still holds the value of the previous lap: full
            } else {
                position = tail_.load(std::memory_order_relaxed); // another producer got here first
            }
        }
    }
    bool try_push(T &&value, size_t keep_free = 0) { return try_emplace_keeping(keep_free, std::move(value)); }

    // The one consumer thread. Hands the oldest value to take(T &), then destroys it; false
    // (take not called) when the ring is empty.
    template <typename Take> bool consume(Take &&take) {
        std::atomic<size_t> &sequence = sequences_[head_ & mask_];
        if (sequence.load(std::memory_order_acquire) != head_ + 1) return false;
        T *value = std::launder(reinterpret_cast<T *>(slots_[head_ & mask_].bytes));
        take(*value);
        value->~T();
        sequence.store(head_ + mask_ + 1, std::memory_order_release);
        ++head_;
        return true;
    }
    bool pop(T &out) {
        return consume([&out](T &value) { out = std::move(value); });
    }

    // Values ever accepted (the tail moves only on a successful push).
    uint64_t pushed() const { return tail_.load(std::memory_order_relaxed); }

private:
    struct Slot {
        alignas(T) unsigned char bytes[sizeof(T)]; // raw: new Slot[] leaves the pages untouched
    };

    static size_t round_up(size_t value) {
        size_t power = 2;
        while (power < value) power <<= 1;
        return power;
    }
    // The slot of this position has been read in the previous lap (or never written).
    bool writable(size_t position) const {
        return static_cast<intptr_t>(sequences_[position & mask_].load(std::memory_order_acquire)) -
                   static_cast<intptr_t>(position) >=
               0;
    }

    const size_t mask_;
    std::unique_ptr<std::atomic<size_t>[]> sequences_;
    std::unique_ptr<Slot[]> slots_;
    alignas(64) std::atomic<size_t> tail_{0};
    alignas(64) size_t head_ = 0; // consumer only
};

} // namespace roomrec::common
