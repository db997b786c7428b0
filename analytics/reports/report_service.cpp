#include "analytics/reports/report_service.hpp"

#include "common/log.hpp"
#include "storage/db/database.hpp"

#include <cstdio>
#include <random>

namespace roomrec::analytics {
namespace {

constexpr common::Logger kLog("reports");
constexpr int kLoggedFailures = 10; // a minute: a broken database must not flood Janus's log

// Eight hex digits a client quotes and an operator greps for.
std::string new_reference() {
    static thread_local std::mt19937 random{std::random_device{}()};
    char text[9];
    std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(random()));
    return text;
}

ReportResult stopped() {
    ReportResult result;
    result.code = domain::ErrorCode::ReportUnavailable;
    result.message = "the report worker is stopping, retry";
    return result;
}

} // namespace

ReportService::ReportService(std::string conninfo, size_t capacity, Listener &listener, int64_t statement_timeout_ms)
    : conninfo_(std::move(conninfo)), capacity_(capacity == 0 ? 1 : capacity), listener_(listener),
      statement_timeout_ms_(statement_timeout_ms) {}

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
    canceller_.cancel(); // Janus's shutdown must not wait for a long report
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
    ReportQueries queries(database, statement_timeout_ms_, &canceller_);
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
        if (!result.ok && !result.detail.empty()) log_failure(job.request, result);
        listener_.on_report_done(job.id, job.request, std::move(result));
    }
}

void ReportService::log_failure(const ReportRequest &request, ReportResult &result) {
    const std::string reference = new_reference();
    result.message += " (see the server log, ref " + reference + ")";
    const auto now = std::chrono::steady_clock::now();
    if (now - log_window_ >= std::chrono::minutes(1)) {
        if (not_logged_ > 0)
            kLog.warning(std::to_string(not_logged_) + " more report failures in the last minute were not logged");
        log_window_ = now;
        logged_in_window_ = 0;
        not_logged_ = 0;
    }
    if (logged_in_window_ >= kLoggedFailures) {
        ++not_logged_;
        return;
    }
    ++logged_in_window_;
    std::string detail = result.detail; // one log line: libpq's messages span several
    for (char &c : detail)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    kLog.warning("report " + request.name + " of room " + request.room + " failed (ref " + reference + ", " +
                 std::to_string(domain::code_value(result.code)) + "): " + detail);
}

} // namespace roomrec::analytics
