// The report worker's queue and answers, with Postgres unreachable (port 1 refuses at once).
#include "analytics/reports/report_service.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;
using roomrec::domain::ErrorCode;

namespace {

struct Collector final : ReportService::Listener {
    std::mutex mutex;
    std::condition_variable done;
    std::vector<std::pair<uint64_t, ReportResult>> answers;
    std::thread::id thread;

    void on_report_done(uint64_t job, const ReportRequest &, ReportResult result) override {
        std::lock_guard<std::mutex> lock(mutex);
        answers.emplace_back(job, std::move(result));
        thread = std::this_thread::get_id();
        done.notify_all();
    }
    bool wait_for(size_t count) {
        std::unique_lock<std::mutex> lock(mutex);
        return done.wait_for(lock, std::chrono::seconds(20), [&] { return answers.size() >= count; });
    }
};

ReportRequest overview() {
    ReportRequest request;
    request.name = "overview";
    request.room = "r1";
    return request;
}

constexpr const char *kNowhere = "host=127.0.0.1 port=1 dbname=x connect_timeout=2";

} // namespace

static void a_full_queue_refuses_without_blocking(void **) {
    Collector collector;
    ReportService service(kNowhere, 2, collector);
    const uint64_t first = service.submit(overview());
    const uint64_t second = service.submit(overview());
    assert_true(first > 0 && second > first);
    assert_int_equal(service.submit(overview()), 0); // full: the worker is not started
    service.start();
    assert_true(collector.wait_for(2));
    assert_true(service.submit(overview()) > 0); // room again
    assert_true(collector.wait_for(3));
    service.stop();
    assert_int_equal(service.submit(overview()), 0); // stopped
}

static void postgres_away_is_a_retryable_error_on_the_worker_thread(void **) {
    Collector collector;
    ReportService service(kNowhere, 8, collector);
    service.start();
    const uint64_t job = service.submit(overview());
    assert_true(collector.wait_for(1));
    service.stop();
    assert_int_equal(collector.answers[0].first, job);
    assert_false(collector.answers[0].second.ok);
    assert_int_equal(collector.answers[0].second.code, ErrorCode::ReportUnavailable);
    assert_true(collector.thread != std::this_thread::get_id());
    // libpq's own text (host, port, "Connection refused") is for the log, not the client
    const std::string &message = collector.answers[0].second.message;
    assert_true(message.rfind("the report database is unreachable, retry (see the server log, ref ", 0) == 0);
    assert_int_equal(message.size(), std::string("the report database is unreachable, retry (see the server log, ref "
                                                 "01234567)")
                                         .size());
    assert_true(message.find("127.0.0.1") == std::string::npos);
    assert_true(collector.answers[0].second.detail.find("connect") != std::string::npos);
}

static void stop_answers_what_is_still_queued(void **) {
    Collector collector;
    ReportService service(kNowhere, 8, collector);
    service.submit(overview());
    service.submit(overview());
    service.stop(); // never started: both are answered, 462
    assert_int_equal(collector.answers.size(), 2);
    for (const auto &[job, result] : collector.answers) assert_int_equal(result.code, ErrorCode::ReportUnavailable);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_full_queue_refuses_without_blocking),
        cmocka_unit_test(postgres_away_is_a_retryable_error_on_the_worker_thread),
        cmocka_unit_test(stop_answers_what_is_still_queued),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
