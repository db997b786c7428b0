// Engagement rules cost: reaction rate-limit checks, user-agent classification. Prints its figures.
// Usage: engagement_bench [participants]
#include "domain/device_class.hpp"
#include "domain/rate_limiter.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace roomrec::domain;
using Clock = std::chrono::steady_clock;

static double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

int main(int argc, char **argv) {
    const int participants = argc > 1 ? std::atoi(argv[1]) : 2000;

    std::vector<std::string> users;
    for (int i = 0; i < participants; ++i) users.push_back("user-" + std::to_string(i));

    RateLimiter limiter;
    auto start = Clock::now();
    long allowed = 0;
    const long checks = 2000000;
    for (long n = 0; n < checks; ++n)
        allowed += limiter.try_acquire(users[size_t(n) % users.size()], n * 10) == RateVerdict::Allowed;
    const double limiter_s = seconds_since(start);
    std::printf("rate limiter: %ld checks over %zu users in %.3f s (%.0f ns/check), %ld allowed\n", checks,
                users.size(), limiter_s, limiter_s * 1e9 / double(checks), allowed);

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
        std::printf("user agent (%zu bytes): %.0f ns/classification (%d mobile)\n", ua->size(), ua_s * 1e9 / rounds,
                    mobile);
    }
    return 0;
}
