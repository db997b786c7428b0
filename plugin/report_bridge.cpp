#include "plugin/report_bridge.hpp"

namespace roomrec::plugin {

ReportBridge::ReportBridge(const PluginConfig &config) {
    const std::string &conninfo = config.reports_postgres();
    if (!conninfo.empty())
        service_ = std::make_unique<analytics::ReportService>(conninfo, static_cast<size_t>(config.reports.queue),
                                                              static_cast<analytics::ReportService::Listener &>(*this),
                                                              config.reports.statement_timeout_ms);
}

ReportBridge::~ReportBridge() { stop(); }

void ReportBridge::start() {
    if (service_) service_->start();
}

void ReportBridge::stop() {
    if (service_) service_->stop();
}

bool ReportBridge::submit(analytics::ReportRequest request, Done done) {
    if (!service_) return false;
    // The callback is registered under the lock before the worker can finish the job.
    std::lock_guard<std::mutex> lock(mutex_);
    const uint64_t job = service_->submit(std::move(request));
    if (job == 0) return false;
    waiting_.emplace(job, Waiting{std::move(done), std::chrono::steady_clock::now()});
    return true;
}

std::map<std::string, ReportBridge::Latency> ReportBridge::latencies() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return latencies_;
}

void ReportBridge::on_report_done(uint64_t job, const analytics::ReportRequest &request,
                                  analytics::ReportResult result) {
    Done done;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto found = waiting_.find(job);
        if (found == waiting_.end()) return;
        done = std::move(found->second.done);
        const double took_s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - found->second.submitted).count();
        waiting_.erase(found);
        // Labelled by catalog name only: a made-up name must not add a series.
        Latency &latency = latencies_[analytics::find_report(request.name) ? request.name : "unknown"];
        for (size_t i = 0; i < std::size(kLatencyBounds); ++i)
            if (took_s <= kLatencyBounds[i]) latency.cumulative[i]++;
        latency.sum_s += took_s;
        latency.count++;
        if (!result.ok) latency.failed++;
    }
    done(std::move(result));
}

} // namespace roomrec::plugin
