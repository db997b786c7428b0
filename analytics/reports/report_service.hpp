// The report worker: its own thread and its own Postgres connection answer report requests
// from a bounded queue, so report queries never run on Janus's signalling or media threads.
// submit() never blocks; each job's answer goes to the Listener, on the worker thread.
#pragma once

#include "analytics/reports/query_canceller.hpp"
#include "analytics/reports/report_catalog.hpp"
#include "analytics/reports/report_queries.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace roomrec::analytics {

class ReportService {
public:
    class Listener {
    public:
        virtual ~Listener() = default;
        // On the worker thread; result.ok or an error code (462 when Postgres is away or the
        // report took too long). A 462 or 499 that Postgres caused says only "see the server
        // log, ref <id>"; the log line with that id says what happened.
        virtual void on_report_done(uint64_t job, const ReportRequest &request, ReportResult result) = 0;
    };

    // statement_timeout_ms: the longest one report may run (0: no limit).
    ReportService(std::string conninfo, size_t capacity, Listener &listener, int64_t statement_timeout_ms = 0);
    ~ReportService();
    ReportService(const ReportService &) = delete;
    ReportService &operator=(const ReportService &) = delete;

    void start();
    // Jobs still queued are answered with 462; the report running is cancelled (462 too).
    void stop();
    // Any thread, never blocks: the job's id (> 0), or 0 when the queue is full or stopped.
    uint64_t submit(ReportRequest request);

private:
    struct Job {
        uint64_t id;
        ReportRequest request;
    };
    void run();
    // Logs what went wrong (at most kLoggedFailures lines a minute) under a new reference and
    // points the client's message at it.
    void log_failure(const ReportRequest &request, ReportResult &result);

    const std::string conninfo_;
    const size_t capacity_;
    Listener &listener_;
    const int64_t statement_timeout_ms_;
    QueryCanceller canceller_;
    // log_failure's budget, worker thread only.
    std::chrono::steady_clock::time_point log_window_{};
    int logged_in_window_ = 0;
    int64_t not_logged_ = 0;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    uint64_t next_id_ = 1;
    bool stopping_ = false;
    bool started_ = false;
    std::thread thread_;
};

} // namespace roomrec::analytics
