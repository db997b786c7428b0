// What writing one telemetry batch (ledger row + COPY of its rows + COMMIT, TelemetryStore::
// write) costs the writer thread itself, apart from the Postgres backend and the producers
// that share the cores in telemetry_bench: CPU time of the calling thread per row, and the
// wall time. The batches (5,000 rows like telemetry_bench's events) are built before timing.
//
//   python3 tests/integration/postgres.py build/bench/telemetry_copy_bench [batches, default 200]
#include "analytics/core/telemetry_batch.hpp"
#include "analytics/telemetry/telemetry_store.hpp"
#include "bench/bench_events.hpp"
#include "storage/db/migrations.hpp"

#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace roomrec;
using namespace roomrec::analytics;

namespace {

double thread_cpu_s() {
    timespec now;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

int fail(const std::string &error) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
}

} // namespace

int main(int argc, char **argv) {
    const char *conninfo = std::getenv("ROOMREC_PG");
    if (conninfo == nullptr) return fail("set ROOMREC_PG (tests/integration/postgres.py does)");
    const int batches = argc > 1 ? std::atoi(argv[1]) : 200;
    constexpr int kRows = 5000;
    storage::Database database(conninfo);
    std::string error;
    if (!storage::apply_migrations(database, error)) return fail(error);
    TelemetryStore store(database);
    if (!store.prepare(error)) return fail(error);
    const int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    std::vector<TelemetryBatch> all(static_cast<size_t>(batches));
    for (int b = 0; b < batches; ++b) {
        TelemetryBatch &batch = all[static_cast<size_t>(b)];
        for (int r = 0; r < kRows; ++r) {
            const int64_t i = int64_t(b) * kRows + r;
            const TelemetryEvent event = bench::make_bench_event(i, now_us);
            if (!add_event(batch, "bench", event, error)) return fail(error);
        }
        batch.id = make_batch_id("bench", "copy", static_cast<uint64_t>(b) + 1);
        for (const int32_t day : batch.days)
            if (!store.ensure_partition(day, error)) return fail(error);
    }
    const double cpu_start = thread_cpu_s();
    const auto wall_start = std::chrono::steady_clock::now();
    for (const auto &batch : all)
        if (store.write(batch, "bench", error) != WriteOutcome::Written) return fail(error);
    const double cpu = thread_cpu_s() - cpu_start;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    const double rows = static_cast<double>(batches) * kRows;
    std::printf("| rows | writer-thread CPU ns/row | wall s | rows/s |\n| --- | --- | --- | --- |\n");
    std::printf("| %.0f | %.0f | %.2f | %.0f |\n", rows, cpu / rows * 1e9, wall, rows / wall);
    return 0;
}
