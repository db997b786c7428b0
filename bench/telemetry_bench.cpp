// The telemetry writer's two costs (E7): (a) what enqueue() costs the calling thread (a
// Janus thread), with 1 and 4 producers; (b) how many events per second the writer thread
// sustains into Postgres (batches of COPY + ledger row), fed by 2 producers as fast as the
// queue takes them. Run on a throwaway cluster:
//
//   python3 tests/integration/postgres.py build/bench/telemetry_bench [events for (b)] [rollup ms]
// (postgres.py starts the cluster and sets ROOMREC_PG; default 1,000,000 events, rollups off;
// rollups are refreshed by their own thread once a minute has closed)
#include "analytics/telemetry/telemetry_writer.hpp"
#include "bench/bench_events.hpp"
#include "bench/bench_postgres.hpp"
#include "storage/db/migrations.hpp"

#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

using namespace roomrec;
using namespace roomrec::analytics;
using Clock = std::chrono::steady_clock;

namespace {

int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

TelemetrySettings settings_for(const std::string &conninfo, const std::string &spool, int rollup_ms) {
    TelemetrySettings settings;
    settings.conninfo = conninfo;
    settings.node_id = "bench";
    settings.spool_folder = spool;
    settings.rollup_ms = rollup_ms;
    return settings;
}

double percentile(std::vector<double> &values, double fraction) {
    if (values.empty()) return 0;
    const size_t at = std::min(values.size() - 1, static_cast<size_t>(fraction * static_cast<double>(values.size())));
    std::nth_element(values.begin(), values.begin() + static_cast<long>(at), values.end());
    return values[at];
}

double thread_cpu_ns() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

void wait_until_drained(const TelemetryWriter &writer) {
    for (;;) {
        const auto counters = writer.counters();
        if (counters.written + counters.spooled + counters.rejected >= counters.enqueued) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

// (a): a ring of 2^18 events, first wrapped once (its pages faulted in: the steady state of a
// long-running node; the first pass through fresh pages costs a page fault per ~19 events),
// then each producer enqueues `per_thread` prebuilt events twice, the writer draining in
// between: once timed as a whole (wall clock and the thread's CPU time: on 2 cores shared
// with the writer and Postgres, 4 producers get preempted, which the wall clock counts), once
// timing every call (the tail; includes ~20 ns of clock reads).
void enqueue_cost(const std::string &conninfo, const std::string &spool, int producers, int64_t per_thread) {
    TelemetrySettings settings = settings_for(conninfo, spool, 0);
    settings.queue_capacity = 1 << 18;
    TelemetryWriter writer(settings);
    std::string error;
    if (!writer.start(error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        std::exit(1);
    }
    const int64_t base = now_us();
    int64_t next = 0;
    for (size_t i = 0; i < settings.queue_capacity; ++i) {
        while (!writer.enqueue(bench::make_bench_event(next, base)))
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        ++next;
    }
    std::vector<std::vector<TelemetryEvent>> events(static_cast<size_t>(2 * producers));
    for (auto &pass : events) {
        pass.reserve(static_cast<size_t>(per_thread));
        for (int64_t i = 0; i < per_thread; ++i) pass.push_back(bench::make_bench_event(next++, base));
    }
    wait_until_drained(writer);
    std::vector<double> wall_ns(static_cast<size_t>(producers)), cpu_ns(static_cast<size_t>(producers));
    std::vector<std::vector<double>> call_ns(static_cast<size_t>(producers));
    for (int pass = 0; pass < 2; ++pass) {
        std::atomic<int> ready{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < producers; ++t) {
            threads.emplace_back([&, t] {
                auto &mine = events[static_cast<size_t>(2 * t + pass)];
                ready.fetch_add(1);
                while (ready.load() < producers) {
                }
                if (pass == 0) {
                    const auto start = Clock::now();
                    const double cpu_start = thread_cpu_ns();
                    for (auto &event : mine) writer.enqueue(std::move(event));
                    cpu_ns[static_cast<size_t>(t)] = (thread_cpu_ns() - cpu_start) / static_cast<double>(per_thread);
                    wall_ns[static_cast<size_t>(t)] =
                        std::chrono::duration<double, std::nano>(Clock::now() - start).count() /
                        static_cast<double>(per_thread);
                    return;
                }
                auto &samples = call_ns[static_cast<size_t>(t)];
                samples.reserve(static_cast<size_t>(per_thread));
                for (auto &event : mine) {
                    const auto before = Clock::now();
                    writer.enqueue(std::move(event));
                    samples.push_back(std::chrono::duration<double, std::nano>(Clock::now() - before).count());
                }
            });
        }
        for (auto &thread : threads) thread.join();
        wait_until_drained(writer);
    }
    writer.stop();
    const auto counters = writer.counters();
    std::vector<double> all;
    double wall = 0, cpu = 0;
    for (int t = 0; t < producers; ++t) {
        wall += wall_ns[static_cast<size_t>(t)] / producers;
        cpu += cpu_ns[static_cast<size_t>(t)] / producers;
        all.insert(all.end(), call_ns[static_cast<size_t>(t)].begin(), call_ns[static_cast<size_t>(t)].end());
    }
    std::printf("| %d | %lld | %.0f | %.0f | %.0f | %.0f | %.0f | %llu | %llu |\n", producers,
                static_cast<long long>(2 * per_thread * producers), cpu, wall, percentile(all, 0.5),
                percentile(all, 0.99), percentile(all, 0.999), static_cast<unsigned long long>(counters.dropped_full),
                static_cast<unsigned long long>(counters.written + counters.spooled));
}

// (b): 2 producers make and enqueue `events` (time stamped now) as fast as the queue takes
// them, spinning when it is full; the rate counts until every row is committed. stop() then
// includes the rollup thread's final pass over the minutes not yet refreshed (reported apart).
void sustained(const std::string &conninfo, const std::string &spool, int64_t events, int rollup_ms) {
    TelemetryWriter writer(settings_for(conninfo, spool, rollup_ms));
    std::string error;
    if (!writer.start(error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        std::exit(1);
    }
    const int producers = 2;
    std::atomic<uint64_t> full_retries{0};
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < producers; ++t) {
        threads.emplace_back([&, t] {
            for (int64_t i = t; i < events; i += producers) {
                TelemetryEvent event = bench::make_bench_event(i, 0);
                event.at_us = now_us();
                while (!writer.enqueue(TelemetryEvent(event))) {
                    full_retries.fetch_add(1);
                    std::this_thread::yield();
                }
            }
        });
    }
    for (auto &thread : threads) thread.join();
    const double enqueued_s = std::chrono::duration<double>(Clock::now() - start).count();
    wait_until_drained(writer);
    const double committed_s = std::chrono::duration<double>(Clock::now() - start).count();
    writer.stop();
    const double stop_s = std::chrono::duration<double>(Clock::now() - start).count() - committed_s;
    const auto counters = writer.counters();
    std::printf("| %lld | %s | %.2f | %.2f | %.0f | %.2f | %llu | %llu | %llu |\n", static_cast<long long>(events),
                rollup_ms > 0 ? (std::to_string(rollup_ms) + " ms").c_str() : "off", enqueued_s, committed_s,
                static_cast<double>(counters.written) / committed_s, stop_s,
                static_cast<unsigned long long>(counters.written), static_cast<unsigned long long>(counters.spooled),
                static_cast<unsigned long long>(full_retries.load()));
}

} // namespace

int main(int argc, char **argv) {
    const char *conninfo = bench::postgres_or_exit();
    const int64_t events = argc > 1 ? std::atoll(argv[1]) : 1000000;
    const int rollup_ms = argc > 2 ? std::atoi(argv[2]) : 0;
    char pattern[] = "/tmp/roomrec-tbench-XXXXXX";
    const char *folder = mkdtemp(pattern);
    if (!folder) return 1;
    const std::string spool = std::string(folder) + "/spool";
    {
        storage::Database database(conninfo);
        std::string error;
        if (!storage::apply_migrations(database, error)) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return 1;
        }
    }
    std::printf("(a) enqueue() on the calling thread\n\n");
    std::printf(
        "| producers | timed events | CPU ns/event | wall ns/event | p50 ns | p99 ns | p99.9 ns | refused (warm-up, retried) | stored (warm-up + timed) |\n");
    std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (const int producers : {1, 4}) enqueue_cost(conninfo, spool, producers, 200000 / producers);
    std::printf("\n(b) sustained into Postgres (2 producers, batch 5000 rows, flush 200 ms)\n\n");
    std::printf(
        "| events | rollups | enqueue s | until committed s | events/s | stop() s | written | spooled | full retries |\n");
    std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    sustained(conninfo, spool, events, rollup_ms);
    return 0;
}
