// Custom CSV report throughput: a 30-day Attendees CSV (analytics/reports/custom_report) beside
// a baseline, Postgres' own `COPY (SELECT * FROM custom_attendees_data(...)) TO STDOUT CSV` of
// the same rows, and their ratio. Synthetic data, made set-based in Postgres: SESSIONS room
// sessions spread over the 30 days, each with ATTENDEES users who join, send HEARTBEATS
// heartbeats (10 s apart, mixed bits), react, chat and leave; then the report rollups (003) are
// refreshed over the month, as the minute-rollup thread would have kept them.
//
//   /usr/bin/python3 tests/integration/postgres.py build/bench/custom_report_bench [SESSIONS] [ATTENDEES] [HEARTBEATS] [RUNS]
#include "analytics/reports/custom_report.hpp"
#include "bench/bench_postgres.hpp"
#include "storage/db/migrations.hpp"

#include <libpq-fe.h>
#include <pqxx/transaction>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

using namespace roomrec;
using Clock = std::chrono::steady_clock;

namespace {

struct CountingSink : analytics::CsvWriter::Sink {
    bool write(std::string_view bytes) override {
        total += bytes.size();
        return true;
    }
    size_t total = 0;
};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// COPY of the report function's rows to the client, counted and dropped: what Postgres alone
// costs for the same query. The arguments are integers of this program, not input.
bool copy_baseline(const char *conninfo, int64_t from_s, int64_t to_s, size_t &rows, size_t &bytes) {
    PGconn *connection = PQconnectdb(conninfo);
    if (PQstatus(connection) != CONNECTION_OK) {
        std::fprintf(stderr, "baseline: %s", PQerrorMessage(connection));
        PQfinish(connection);
        return false;
    }
    const std::string sql = "COPY (SELECT * FROM custom_attendees_data(to_timestamp(" + std::to_string(from_s) +
                            "), to_timestamp(" + std::to_string(to_s) +
                            "), '{}', '{}', '{}', '{}', '{}')) TO STDOUT WITH (FORMAT csv, HEADER)";
    PQclear(PQexec(connection, "SET work_mem = '64MB'")); // as the report's transaction does
    PQclear(PQexec(connection, "SET jit = off"));
    PGresult *result = PQexec(connection, sql.c_str());
    const bool started = PQresultStatus(result) == PGRES_COPY_OUT;
    PQclear(result);
    rows = bytes = 0;
    if (started) {
        char *line = nullptr;
        int length;
        while ((length = PQgetCopyData(connection, &line, 0)) > 0) {
            ++rows;
            bytes += static_cast<size_t>(length);
            PQfreemem(line);
        }
        while ((result = PQgetResult(connection)) != nullptr) PQclear(result);
        if (rows > 0) --rows; // the header
    } else {
        std::fprintf(stderr, "baseline: %s", PQerrorMessage(connection));
    }
    PQfinish(connection);
    return started;
}

} // namespace

int main(int argc, char **argv) {
    const char *conninfo = bench::postgres_or_exit();
    const int sessions = argc > 1 ? std::atoi(argv[1]) : 60;
    const int attendees = argc > 2 ? std::atoi(argv[2]) : 1000;
    const int heartbeats = argc > 3 ? std::atoi(argv[3]) : 20;
    const int runs = argc > 4 ? std::max(1, std::atoi(argv[4])) : 3;
    storage::Database database(conninfo);
    std::string error;
    if (!storage::apply_migrations(database, error)) {
        std::fprintf(stderr, "migrations: %s\n", error.c_str());
        return 1;
    }
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    const auto made = Clock::now();
    size_t events = 0;
    const bool loaded = database.run("loading", error, [&](pqxx::connection &connection, std::string &) {
        pqxx::work work(connection);
        work.exec_params(
            "SELECT telemetry_ensure_partition(d::date) FROM generate_series("
            "(to_timestamp($1) AT TIME ZONE 'UTC')::date - 31, (to_timestamp($1) AT TIME ZONE 'UTC')::date, "
            "interval '1 day') d",
            now);
        // Session s starts 29.5 days ago + s * (29 days / sessions); attendee a joins a seconds
        // after it. Every kind the report reads appears.
        const std::string session_rows =
            "FROM generate_series(0, $2 - 1) s, generate_series(0, $3 - 1) a, "
            "LATERAL (SELECT to_timestamp($1 - 29.5 * 86400 + s * (29 * 86400.0 / $2)) + a * interval '10 ms' AS t0) x";
        work.exec_params("INSERT INTO telemetry_events SELECT 'room-' || (s % 7), 'n', t0, 'sess-' || s, 'join', "
                         "'p' || s || '-' || a, CASE WHEN a % 10 = 0 THEN NULL ELSE 'u' || a END, NULL, 0, "
                         "jsonb_build_object('role', CASE WHEN a = 0 THEN 'host' ELSE 'viewer' END, 'display', "
                         "'User ' || a || ', \"quoted\"', 'device', 'desktop', 'country', 'DE', 'company', '=ACME', "
                         "'title', 'Room ' || (s % 7)) " +
                             session_rows,
                         now, sessions, attendees);
        work.exec_params(
            "INSERT INTO telemetry_events SELECT 'room-' || (s % 7), 'n', t0 + h * interval '10 s', "
            "'sess-' || s, 'heartbeat', 'p' || s || '-' || a, CASE WHEN a % 10 = 0 THEN NULL ELSE 'u' || a "
            "END, NULL, (a + h) % 32, NULL " +
                session_rows + ", generate_series(1, $4) h",
            now, sessions, attendees, heartbeats);
        work.exec_params("INSERT INTO telemetry_events SELECT 'room-' || (s % 7), 'n', t0 + k * interval '7 s', "
                         "'sess-' || s, (ARRAY['reaction', 'chat.send', 'hand', 'poll.answer'])[k], 'p' || s || '-' || "
                         "a, CASE WHEN a % 10 = 0 THEN NULL ELSE 'u' || a END, 'x' || s || '-' || a || '-' || k, 1, "
                         "NULL " +
                             session_rows + ", generate_series(1, 4) k WHERE (a + k) % 3 = 0",
                         now, sessions, attendees);
        work.exec_params(
            "INSERT INTO telemetry_events SELECT 'room-' || (s % 7), 'n', t0 + ($4 + 1) * interval '10 s', "
            "'sess-' || s, 'leave', 'p' || s || '-' || a, CASE WHEN a % 10 = 0 THEN NULL ELSE 'u' || a "
            "END, NULL, 0, '{\"role\":\"viewer\",\"reason\":\"left\"}' " +
                session_rows + " WHERE a % 50 <> 7",
            now, sessions, attendees, heartbeats);
        work.exec("ANALYZE telemetry_events");
        events = work.exec("SELECT count(*) FROM telemetry_events")[0][0].as<size_t>();
        work.commit();
        return true;
    });
    if (!loaded) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    std::printf("data: %zu events, %d sessions x %d attendees x %d heartbeats over 30 days (made in %.1f s)\n", events,
                sessions, attendees, heartbeats, seconds_since(made));
    // The reports read the rollups that the minute-rollup thread keeps as telemetry arrives;
    // here they are made once for the whole month (not part of the report's time).
    const auto rolled = Clock::now();
    const bool refreshed = database.run("rollups", error, [&](pqxx::connection &connection, std::string &) {
        pqxx::work work(connection);
        work.exec("SELECT telemetry_refresh_minutes(min(at), max(at) + interval '1 minute') FROM telemetry_events");
        work.exec("SELECT report_attendees_settle()"); // the report would, on its first run
        work.exec("ANALYZE report_events");
        work.exec("ANALYZE report_heartbeat_total");
        work.commit();
        return true;
    });
    if (!refreshed) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    std::printf("rollups (telemetry_refresh_minutes over the month, then report_attendees_settle): %.1f s\n",
                seconds_since(rolled));

    analytics::CustomReportRequest request;
    if (!analytics::parse_report_request_args({"attendees_data", "--range", "30d"}, now, request, error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    std::vector<double> ours, baseline;
    uint64_t rows = 0;
    size_t bytes = 0, copy_rows = 0, copy_bytes = 0;
    for (int run = 0; run <= runs; ++run) { // run 0 warms the cache and is not counted
        analytics::CustomReportRunner runner(database);
        CountingSink sink;
        auto start = Clock::now();
        const auto written = runner.run(request, sink, error);
        const double ours_s = seconds_since(start);
        if (!written) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return 1;
        }
        rows = *written;
        bytes = sink.total;
        start = Clock::now();
        if (!copy_baseline(conninfo, request.from_s, request.to_s, copy_rows, copy_bytes)) return 1;
        const double copy_s = seconds_since(start);
        if (run > 0) {
            ours.push_back(ours_s);
            baseline.push_back(copy_s);
        }
    }
    std::sort(ours.begin(), ours.end());
    std::sort(baseline.begin(), baseline.end());
    const double ours_median = ours[ours.size() / 2], copy_median = baseline[baseline.size() / 2];
    std::printf("attendees_data, last 30 days: %llu rows, %.1f MiB of CSV\n", static_cast<unsigned long long>(rows),
                static_cast<double>(bytes) / (1 << 20));
    std::printf("  roomrec (cursor + CsvWriter): median %.3f s = %.0f rows/s (%d runs)\n", ours_median,
                static_cast<double>(rows) / ours_median, runs);
    std::printf("  baseline COPY ... TO STDOUT CSV: median %.3f s = %.0f rows/s (%zu rows, %.1f MiB)\n", copy_median,
                static_cast<double>(copy_rows) / copy_median, copy_rows, static_cast<double>(copy_bytes) / (1 << 20));
    std::printf("  ratio roomrec / COPY (rows/s): %.2f\n", copy_median / ours_median);
    return 0;
}
