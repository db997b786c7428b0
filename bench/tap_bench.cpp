// The recorder tap's cost on a media thread (M1): one RTP packet copied into the
// lock-free ring while a writer thread drains it, as during a live recording.
//   tap_bench [producers] [seconds]
// Prints ns per enqueue on the producing threads, packets/s through the ring, and drops.
#include "common/packet_ring.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

using roomrec::common::PacketRing;
using Clock = std::chrono::steady_clock;

int main(int argc, char **argv) {
    const int producers = argc > 1 ? std::atoi(argv[1]) : 4;
    const double seconds = argc > 2 ? std::atof(argv[2]) : 2.0;
    roomrec::common::PacketRing ring(4096); // the plugin's default tap capacity
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> pushed{0};
    std::atomic<uint64_t> push_ns{0};
    uint64_t popped = 0;

    std::thread writer([&] {
        uint8_t record[roomrec::common::PacketRing::kMaxRecord];
        while (!stop.load(std::memory_order_relaxed))
            while (ring.pop(record) != 0) ++popped;
        while (ring.pop(record) != 0) ++popped;
    });
    std::vector<std::thread> media;
    for (int p = 0; p < producers; ++p)
        media.emplace_back([&, p] {
            uint8_t packet[1200] = {0x80, 96};
            const uint8_t header[3] = {4, 0, static_cast<uint8_t>(p)};
            // Bursts of 50 packets every millisecond (50,000 packets/s per thread, 25x a
            // 1080p webcam): only the pushes are timed, not the pauses.
            uint64_t count = 0;
            Clock::duration busy{};
            const auto until = Clock::now() + std::chrono::duration<double>(seconds);
            while (Clock::now() < until) {
                const auto burst = Clock::now();
                for (int i = 0; i < 50; ++i) ring.try_push(header, sizeof header, packet, sizeof packet);
                busy += Clock::now() - burst;
                count += 50;
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            push_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(busy).count();
            pushed += count;
        });
    for (auto &thread : media) thread.join();
    stop = true;
    writer.join();
    std::printf("producers=%d packets=%llu enqueue_ns=%.1f delivered_per_s=%.0f dropped=%llu\n", producers,
                static_cast<unsigned long long>(pushed.load()),
                static_cast<double>(push_ns.load()) / static_cast<double>(pushed.load()), popped / seconds,
                static_cast<unsigned long long>(ring.dropped()));
    return 0;
}
