// Keeps one recording's worker from taking the host's memory (issue 11): a hostile or broken
// stream may fail its recording (the plugin restarts the worker, a new segment), never Janus
// or the machine. Two layers: an address-space limit (RLIMIT_AS) that makes allocations past
// it fail at once, and a watchdog that samples the resident size every half second and ends
// the process past the limit. The watchdog is what holds under AddressSanitizer, whose shadow
// memory reserves terabytes of address space (RLIMIT_AS is not set there).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace roomrec::recorder {

class MemoryGuard {
public:
    static constexpr int kSampleMs = 500;
    // Address space beyond the resident limit: thread stacks, malloc arenas and libraries are
    // mapped but mostly not resident (measured: a 1080p stage + 4 webcams recording maps
    // 1.7 GiB and keeps 156 MiB resident; more streams map more thread stacks and arenas).
    static constexpr uint64_t kAddressSpaceHeadroomMib = 4096;

    MemoryGuard() = default;
    ~MemoryGuard();
    MemoryGuard(const MemoryGuard &) = delete;
    MemoryGuard &operator=(const MemoryGuard &) = delete;

    // Applies the limits (limit_mib 0: none). on_exceeded runs on the watchdog thread with a
    // sentence for logs; the process then exits with kExitStatus, without finishing the file
    // (its fragments stay playable). False with error if the address-space limit cannot be set.
    bool start(int limit_mib, std::function<void(const std::string &)> on_exceeded, std::string &error);

    static constexpr int kExitStatus = 3;
    // The resident size now, in bytes; 0 if /proc cannot tell.
    static uint64_t resident_bytes();
    static bool address_space_limit_supported();

private:
    void watch();

    uint64_t limit_bytes_ = 0;
    std::function<void(const std::string &)> on_exceeded_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

} // namespace roomrec::recorder
