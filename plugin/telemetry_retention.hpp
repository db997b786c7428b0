// Telemetry retention (privacy, E7): once at start-up and then daily, a thread of
// its own drops the telemetry days older than the configured number (whole daily partitions,
// their rollups and ledger rows). Several nodes may run it: the schema's function is atomic and
// idempotent. It never touches the signalling or media threads.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace roomrec::plugin {

class TelemetryRetention {
public:
    TelemetryRetention(std::string conninfo, int days); // logs through the facade, tag "retention"
    ~TelemetryRetention();                              // stop()
    TelemetryRetention(const TelemetryRetention &) = delete;
    TelemetryRetention &operator=(const TelemetryRetention &) = delete;

    void start();
    void stop();

private:
    void run();
    bool apply(); // one pass; false if Postgres could not be reached (retried sooner)

    const std::string conninfo_;
    const int days_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace roomrec::plugin
