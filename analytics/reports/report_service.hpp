// The report worker: its own thread and its own Postgres connection answer report requests
// from a bounded queue, so report queries never run on Janus's signalling or media threads.
// submit() never blocks; each job's answer goes to the Listener, on the worker thread.
#pragma once

#include "analytics/reports/report_catalog.hpp"
#include "analytics/reports/report_queries.hpp"

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
        // On the worker thread; result.ok or an error code (462 when Postgres is away).
        virtual void on_report_done(uint64_t job, const ReportRequest &request, ReportResult result) = 0;
    };

    ReportService(std::string conninfo, size_t capacity, Listener &listener);
    ~ReportService();
    ReportService(const ReportService &) = delete;
    ReportService &operator=(const ReportService &) = delete;

    void start();
    // Jobs still queued are answered with 462; the job running finishes first.
    void stop();
    // Any thread, never blocks: the job's id (> 0), or 0 when the queue is full or stopped.
    uint64_t submit(ReportRequest request);

private:
    struct Job {
        uint64_t id;
        ReportRequest request;
    };
    void run();

    const std::string conninfo_;
    const size_t capacity_;
    Listener &listener_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    uint64_t next_id_ = 1;
    bool stopping_ = false;
    bool started_ = false;
    std::thread thread_;
};

} // namespace roomrec::analytics
