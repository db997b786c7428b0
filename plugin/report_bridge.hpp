// The plugin's side of reports: owns the report worker (analytics/reports/report_service, its
// own thread and Postgres connection) and routes each finished job to the callback given with
// it. submit() never blocks; callbacks run on the report worker's thread, so they only hand the
// answer on (to the signalling thread, or to a waiting Admin API call).
#pragma once

#include "analytics/reports/report_service.hpp"
#include "plugin/plugin_config.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace roomrec::plugin {

class ReportBridge final : private analytics::ReportService::Listener {
public:
    using Done = std::function<void(analytics::ReportResult)>;

    explicit ReportBridge(const PluginConfig &config);
    ~ReportBridge() override;

    void start();
    void stop(); // queued jobs are answered with 462
    // False when reports have no database configured.
    bool enabled() const { return service_ != nullptr; }
    // False when the queue is full or the worker stopped (the caller answers 462).
    bool submit(analytics::ReportRequest request, Done done);

    // How long reports took from submit() to their answer (queue wait included), per report
    // name, as cumulative counts under kLatencyBounds seconds (metrics).
    static constexpr double kLatencyBounds[] = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    struct Latency {
        std::vector<uint64_t> cumulative = std::vector<uint64_t>(std::size(kLatencyBounds), 0);
        double sum_s = 0;
        uint64_t count = 0, failed = 0;
    };
    std::map<std::string, Latency> latencies() const;

private:
    void on_report_done(uint64_t job, const analytics::ReportRequest &request, analytics::ReportResult result) override;

    struct Waiting {
        Done done;
        std::chrono::steady_clock::time_point submitted;
    };

    std::unique_ptr<analytics::ReportService> service_;
    mutable std::mutex mutex_;
    std::map<uint64_t, Waiting> waiting_;
    std::map<std::string, Latency> latencies_;
};

} // namespace roomrec::plugin
