#include "analytics/reports/report_service.hpp"

#include "common/log.hpp"
#include "storage/db/database.hpp"

namespace roomrec::analytics {
namespace {

constexpr common::Logger kLog("reports");

ReportResult stopped() {
    ReportResult result;
    result.code = domain::ErrorCode::ReportUnavailable;
    result.message = "the report worker is stopping, retry";
    return result;
}

} // namespace

ReportService::ReportService(std::string conninfo, size_t capacity, Listener &listener)
    : conninfo_(std::move(conninfo)), capacity_(capacity == 0 ? 1 : capacity), listener_(listener) {}

ReportService::~ReportService() { stop(); }

void ReportService::start() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (started_) return;
    started_ = true;
    thread_ = std::thread([this] { run(); });
}

void ReportService::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::deque<Job> left;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        left.swap(queue_);
    }
    for (auto &job : left) listener_.on_report_done(job.id, job.request, stopped());
}

uint64_t ReportService::submit(ReportRequest request) {
    uint64_t id;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_ || queue_.size() >= capacity_) return 0;
        id = next_id_++;
        queue_.push_back(Job{id, std::move(request)});
    }
    wake_.notify_one();
    return id;
}

void ReportService::run() {
    storage::Database database(conninfo_);
    ReportQueries queries(database);
    std::string last_error;
    for (;;) {
        Job job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        ReportResult result = queries.run(job.request);
        if (!result.ok && result.code == domain::ErrorCode::ReportUnavailable) {
            if (result.message != last_error) kLog.warning(result.message);
            last_error = result.message;
        } else {
            last_error.clear();
        }
        listener_.on_report_done(job.id, job.request, std::move(result));
    }
}

} // namespace roomrec::analytics
