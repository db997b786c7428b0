// Outbox throughput on a real Postgres (S4): jobs claimed and completed per second by 1
// and 3 workers, each with its own connection as separate nodes would have, and the latency
// of one claim (BEGIN, SELECT .. FOR UPDATE SKIP LOCKED, UPDATE, COMMIT) and one completion.
//
//   python3 tests/integration/postgres.py build/bench/outbox_bench [jobs] [workers...]
// (postgres.py starts a throwaway cluster and sets ROOMREC_PG; default: 3000 jobs, 1 and 3 workers)
#include "bench/bench_postgres.hpp"
#include "storage/db/migrations.hpp"
#include "storage/db/outbox_store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

using namespace roomrec;
using namespace roomrec::storage;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct WorkerResult {
    std::vector<double> claim_ms, complete_ms;
    std::string error;
};

void drain(const std::string &conninfo, const std::string &node, WorkerResult &result) {
    Database database(conninfo);
    OutboxStore store(database, node, storage::RetryPolicy{}, 60000);
    for (;;) {
        auto start = Clock::now();
        const auto job = store.claim(result.error);
        if (!result.error.empty() || !job) return;
        result.claim_ms.push_back(ms_since(start));
        start = Clock::now();
        if (!store.complete(job->id, {}, nullptr, result.error)) return;
        result.complete_ms.push_back(ms_since(start));
    }
}

double percentile(std::vector<double> values, double fraction) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, static_cast<size_t>(fraction * static_cast<double>(values.size())))];
}

double mean(const std::vector<double> &values) {
    double sum = 0;
    for (double value : values) sum += value;
    return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

} // namespace

int main(int argc, char **argv) {
    const char *conninfo = bench::postgres_or_exit();
    const int jobs = argc > 1 ? std::atoi(argv[1]) : 3000;
    std::vector<int> worker_counts;
    for (int i = 2; i < argc; ++i) worker_counts.push_back(std::atoi(argv[i]));
    if (worker_counts.empty()) worker_counts = {1, 3};

    Database database(conninfo);
    std::string error;
    if (!apply_migrations(database, error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    OutboxStore producer(database, "producer", storage::RetryPolicy{}, 60000);
    std::printf(
        "| workers | jobs | enqueue jobs/s | claimed+completed jobs/s | claim ms mean / p99 | complete ms mean / p99 |\n");
    std::printf("| --- | --- | --- | --- | --- | --- |\n");
    int round = 0;
    for (int workers : worker_counts) {
        ++round;
        auto start = Clock::now();
        for (int first = 0; first < jobs; first += 100) { // 100 jobs per transaction
            std::vector<NewJob> batch;
            for (int n = first; n < std::min(jobs, first + 100); ++n)
                batch.push_back({"bench" + std::to_string(round) + ":" + std::to_string(n), "room-1", "webhook", "",
                                 "{\"event\":\"recording.available\",\"n\":" + std::to_string(n) + "}"});
            if (!producer.enqueue(batch, error)) {
                std::fprintf(stderr, "%s\n", error.c_str());
                return 1;
            }
        }
        const double enqueue_s = ms_since(start) / 1000;
        std::vector<WorkerResult> results(static_cast<size_t>(workers));
        std::vector<std::thread> threads;
        start = Clock::now();
        for (int w = 0; w < workers; ++w)
            threads.emplace_back(drain, std::string(conninfo), "node-" + std::to_string(w),
                                 std::ref(results[static_cast<size_t>(w)]));
        for (auto &thread : threads) thread.join();
        const double drain_s = ms_since(start) / 1000;
        std::vector<double> claims, completes;
        for (const auto &result : results) {
            if (!result.error.empty()) {
                std::fprintf(stderr, "%s\n", result.error.c_str());
                return 1;
            }
            claims.insert(claims.end(), result.claim_ms.begin(), result.claim_ms.end());
            completes.insert(completes.end(), result.complete_ms.begin(), result.complete_ms.end());
        }
        if (static_cast<int>(completes.size()) != jobs) {
            std::fprintf(stderr, "completed %zu of %d jobs\n", completes.size(), jobs);
            return 1;
        }
        std::printf("| %d | %d | %.0f | %.0f | %.2f / %.2f | %.2f / %.2f |\n", workers, jobs, jobs / enqueue_s,
                    jobs / drain_s, mean(claims), percentile(claims, 0.99), mean(completes),
                    percentile(completes, 0.99));
    }
    return 0;
}
