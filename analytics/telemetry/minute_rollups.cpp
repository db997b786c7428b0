#include "analytics/telemetry/minute_rollups.hpp"

#include "analytics/telemetry/telemetry_store.hpp"
#include "common/log.hpp"
#include "common/wall_clock.hpp"
#include "storage/db/database.hpp"

#include <chrono>

namespace roomrec::analytics {

namespace {

constexpr common::Logger kLog("telemetry");

} // namespace

MinuteRollups::MinuteRollups(std::string conninfo, int interval_ms, int grace_ms)
    : conninfo_(std::move(conninfo)), interval_ms_(interval_ms), grace_ms_(grace_ms) {}

MinuteRollups::~MinuteRollups() { stop(); }

void MinuteRollups::start() {
    thread_ = std::thread([this] { run(); });
}

void MinuteRollups::touched(const std::vector<int64_t> &minutes) {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.insert(minutes.begin(), minutes.end());
}

void MinuteRollups::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void MinuteRollups::run() {
    storage::Database database(conninfo_);
    TelemetryStore store(database);
    for (;;) {
        bool stop;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stopping_; });
            stop = stopping_;
        }
        // Take the due minutes out, in runs of consecutive minutes; failures go back.
        std::vector<std::pair<int64_t, int64_t>> runs;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            const int64_t closed_before = (common::unix_time_ms() - grace_ms_) / 60000; // minutes ending before now - grace
            auto it = pending_.begin();
            while (it != pending_.end() && (stop || *it < closed_before)) {
                const int64_t first = *it;
                int64_t last = first;
                it = pending_.erase(it);
                while (it != pending_.end() && *it == last + 1 && (stop || *it < closed_before)) {
                    last = *it;
                    it = pending_.erase(it);
                }
                runs.emplace_back(first, last);
            }
        }
        for (size_t i = 0; i < runs.size(); ++i) {
            std::string error;
            if (store.refresh_minutes(runs[i].first, runs[i].second, error)) {
                last_error_.clear();
                continue;
            }
            if (error != last_error_) kLog.warning(error + " (retried later)");
            last_error_ = error;
            std::lock_guard<std::mutex> lock(mutex_);
            for (size_t j = i; j < runs.size(); ++j)
                for (int64_t minute = runs[j].first; minute <= runs[j].second; ++minute) pending_.insert(minute);
            break;
        }
        if (stop) return;
    }
}

} // namespace roomrec::analytics
