#include "recorder/worker/memory_guard.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#if defined(__SANITIZE_ADDRESS__)
#define ROOMREC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ROOMREC_ASAN 1
#endif
#endif

namespace roomrec::recorder {

MemoryGuard::~MemoryGuard() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

bool MemoryGuard::address_space_limit_supported() {
#ifdef ROOMREC_ASAN
    return false;
#else
    return true;
#endif
}

uint64_t MemoryGuard::resident_bytes() {
    // statm: size resident shared text lib data dt, in pages.
    FILE *statm = std::fopen("/proc/self/statm", "re");
    if (statm == nullptr) return 0;
    unsigned long long size = 0;
    unsigned long long resident = 0;
    const int read = std::fscanf(statm, "%llu %llu", &size, &resident);
    std::fclose(statm);
    if (read != 2) return 0;
    return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

bool MemoryGuard::start(int limit_mib, std::function<void(const std::string &)> on_exceeded, std::string &error) {
    if (limit_mib <= 0) return true;
    limit_bytes_ = static_cast<uint64_t>(limit_mib) << 20;
    on_exceeded_ = std::move(on_exceeded);
    if (address_space_limit_supported()) {
        const rlim_t bytes = static_cast<rlim_t>(limit_mib + kAddressSpaceHeadroomMib) << 20;
        const rlimit limit{bytes, bytes};
        if (setrlimit(RLIMIT_AS, &limit) != 0) {
            error = std::string("cannot limit the address space: ") + std::strerror(errno);
            return false;
        }
    }
    thread_ = std::thread([this] { watch(); });
    return true;
}

void MemoryGuard::watch() {
    while (!stop_.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(kSampleMs));
        const uint64_t resident = resident_bytes();
        if (resident <= limit_bytes_) continue;
        char message[160];
        std::snprintf(message, sizeof message, "the recorder used %" PRIu64 " MiB, over its limit of %" PRIu64 " MiB",
                      resident >> 20, limit_bytes_ >> 20);
        on_exceeded_(message);
        // Not exit(): the media threads are still running and static destructors would race them.
        _exit(kExitStatus);
    }
}

} // namespace roomrec::recorder
