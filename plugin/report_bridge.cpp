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
    waiting_.emplace(job, std::move(done));
    return true;
}

void ReportBridge::on_report_done(uint64_t job, const analytics::ReportRequest &, analytics::ReportResult result) {
    Done done;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto found = waiting_.find(job);
        if (found == waiting_.end()) return;
        done = std::move(found->second);
        waiting_.erase(found);
    }
    done(std::move(result));
}

} // namespace roomrec::plugin
