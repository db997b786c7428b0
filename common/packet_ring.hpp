// The recorder tap's queue (M1): media threads copy packets in, one writer thread takes
// them out. A producer never waits: when the ring is full the packet is dropped and counted,
// so a stalled recorder cannot slow the relay. Each record is a small header and an RTP packet
// copied straight into its slot; the slots' pages are touched when the ring is made, not by
// the first packets on a media thread.
#pragma once

#include "common/mpsc_ring.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace roomrec::common {

class PacketRing {
public:
    static constexpr size_t kMaxRecord = 1600 + 16; // an RTP packet plus a small header

    // capacity is rounded up to a power of two.
    explicit PacketRing(size_t capacity) : ring_(capacity, RingPages::Touched) {}

    size_t capacity() const { return ring_.capacity(); }

    // Any thread. Copies head then body into one record; false (and counted) if the record is
    // too long or the ring is full.
    bool try_push(const uint8_t *head, size_t head_length, const uint8_t *body, size_t body_length) {
        if (head_length + body_length <= kMaxRecord && ring_.try_emplace(head, head_length, body, body_length))
            return true;
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }

    // The one consumer thread. Copies the oldest record into out (kMaxRecord bytes) and returns
    // its length, or 0 when the ring is empty.
    size_t pop(uint8_t *out) {
        size_t length = 0;
        ring_.consume([&](const Record &record) {
            length = record.length;
            std::memcpy(out, record.data, length);
        });
        return length;
    }

    uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

private:
    struct Record {
        Record(const uint8_t *head, size_t head_length, const uint8_t *body, size_t body_length) noexcept
            : length(static_cast<uint16_t>(head_length + body_length)) {
            std::memcpy(data, head, head_length);
            if (body_length) std::memcpy(data + head_length, body, body_length);
        }
        uint16_t length;
        uint8_t data[kMaxRecord]; // only the first `length` bytes are written
    };

    MpscRing<Record> ring_;
    alignas(64) std::atomic<uint64_t> dropped_{0};
};

} // namespace roomrec::common
