// The plugin's side of reports: owns the report worker (analytics/reports/report_service, its
// own thread and Postgres connection) and routes each finished job to the callback given with
// it. submit() never blocks; callbacks run on the report worker's thread, so they only hand the
// answer on (to the signalling thread, or to a waiting Admin API call).
#pragma once

#include "analytics/reports/report_service.hpp"
#include "plugin/plugin_config.hpp"

#include <functional>
#include <map>
#include <memory>
#include <mutex>

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

private:
    void on_report_done(uint64_t job, const analytics::ReportRequest &request, analytics::ReportResult result) override;

    std::unique_ptr<analytics::ReportService> service_;
    std::mutex mutex_;
    std::map<uint64_t, Done> waiting_;
};

} // namespace roomrec::plugin
