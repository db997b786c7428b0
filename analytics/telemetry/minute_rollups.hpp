// Keeps telemetry_minute up to date off the writer's path: the writer thread reports the
// minutes it wrote rows for; this thread, on its own connection, recomputes each minute once it
// has closed (its end plus a grace period has passed), and a minute that gets late rows (a
// replayed spool) again. Recomputing the open minute every few seconds instead would cost a
// scan of that whole minute each time and, on the writer thread, stall writing (measured:
// 280k → 18k events/s). stop() refreshes everything still pending, the open minute included.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace roomrec::analytics {

class MinuteRollups {
public:
    MinuteRollups(std::string conninfo, int interval_ms, int grace_ms);
    ~MinuteRollups();
    MinuteRollups(const MinuteRollups &) = delete;
    MinuteRollups &operator=(const MinuteRollups &) = delete;

    void start();
    // Any thread; cheap (a small set under a mutex).
    void touched(const std::vector<int64_t> &minutes);
    // Refreshes every pending minute once more (if Postgres lets it), then joins.
    void stop();

private:
    void run();

    std::string conninfo_;
    int interval_ms_, grace_ms_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::set<int64_t> pending_; // minutes since the epoch
    bool stopping_ = false;
    std::thread thread_;
    std::string last_error_;
};

} // namespace roomrec::analytics
