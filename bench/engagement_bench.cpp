// Engagement rules cost (issue 5): attendance ledger ingest and reports for a large session,
// reaction rate-limit checks, user-agent classification. Prints its figures.
// Usage: engagement_bench [participants] [minutes]
#include "core/attendance_ledger.hpp"
#include "core/device_class.hpp"
#include "core/rate_limiter.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace roomrec::core;
using Clock = std::chrono::steady_clock;

static double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

int main(int argc, char **argv) {
    const int participants = argc > 1 ? std::atoi(argv[1]) : 2000;
    const int minutes = argc > 2 ? std::atoi(argv[2]) : 60;
    constexpr int64_t kSecond = 1000000;
    const int64_t end = int64_t(minutes) * 60 * kSecond;

    std::vector<std::string> users;
    for (int i = 0; i < participants; ++i) users.push_back("user-" + std::to_string(i));

    // Heartbeats every 10 s, the bits changing every few minutes so engaged spans split.
    AttendanceLedger ledger(0);
    auto start = Clock::now();
    long events = 0;
    for (int64_t at = 0; at < end; at += 10 * kSecond)
        for (int i = 0; i < participants; ++i) {
            if (at == 0) {
                ledger.join(users[i], 0);
                ++events;
            }
            const bool away = ((at / (180 * kSecond)) + i) % 3 == 0;
            ledger.heartbeat(users[i], at, away ? kSoundOn : kTabFocused);
            ++events;
        }
    const double ingest_s = seconds_since(start);
    start = Clock::now();
    const auto timeline = ledger.timeline(end);
    const double timeline_s = seconds_since(start);
    start = Clock::now();
    size_t cells = 0;
    for (const auto &user : users) cells += ledger.heatmap(user, end).size();
    const double heatmap_s = seconds_since(start);
    const SessionFigures totals = ledger.totals(end);
    std::printf("attendance: %d participants x %d min: %ld events in %.3f s (%.0f ns/event)\n", participants, minutes,
                events, ingest_s, ingest_s * 1e9 / double(events));
    std::printf("  timeline (%zu minutes): %.3f s; all heatmaps (%zu cells): %.3f s; rate %.3f, %d viewers\n",
                timeline.size(), timeline_s, cells, heatmap_s, totals.engagement_rate(), totals.unique_viewers);

    RateLimiter limiter;
    start = Clock::now();
    long allowed = 0;
    const long checks = 2000000;
    for (long n = 0; n < checks; ++n)
        allowed += limiter.try_acquire(users[size_t(n) % users.size()], n * 10) == RateVerdict::Allowed;
    const double limiter_s = seconds_since(start);
    std::printf("rate limiter: %ld checks over %zu users in %.3f s (%.0f ns/check), %ld allowed\n", checks, users.size(),
                limiter_s, limiter_s * 1e9 / double(checks), allowed);

    std::string typical = "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
                                "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36";
    std::string garbage;
    for (int i = 0; i < 10 * 1024; ++i) garbage.push_back(char((i * 131 + 7) % 256));
    for (const auto *ua : {&typical, &garbage}) {
        const int rounds = 200000;
        int mobile = 0;
        start = Clock::now();
        for (int n = 0; n < rounds; ++n) mobile += classify_user_agent(*ua).device == DeviceClass::Mobile;
        const double ua_s = seconds_since(start);
        std::printf("user agent (%zu bytes): %.0f ns/classification (%d mobile)\n", ua->size(), ua_s * 1e9 / rounds, mobile);
    }
    return 0;
}
