// Dashboard report latency on a realistic database: 10 M telemetry events over 30 days (500
// rooms, a session per room per day) plus one session of 1,000 attendees over 4 h with a
// heartbeat every 10 s each (1.43 M heartbeats), all generated in SQL (generate_series), then
// the rollups refreshed. Each report is run warm 25 times through ReportQueries (the report
// worker's code) and compared with a plain baseline: one naive query over the raw rows.
//
//   python3 tests/integration/postgres.py build/bench/report_bench [--runs 25] [--keep]
//
// Prints p50/p95 per report; docs/PERFORMANCE.md has the figures. Not part of the test run.
#include "analytics/reports/report_queries.hpp"
#include "bench/bench_postgres.hpp"
#include "storage/db/database.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace roomrec;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    const size_t index = std::min(values.size() - 1,
                                  static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5));
    return values[index];
}

void exec(storage::Database &database, const std::string &what, const std::string &sql) {
    std::string error;
    const auto start = Clock::now();
    const bool ok = database.run(what, error, [&](pqxx::connection &connection, std::string &) {
        pqxx::nontransaction statement(connection);
        statement.exec(sql);
        return true;
    });
    if (!ok) {
        std::fprintf(stderr, "%s\n", error.c_str());
        std::exit(1);
    }
    std::printf("  %-52s %8.1f s\n", what.c_str(), ms_since(start) / 1000);
    std::fflush(stdout);
}

// The 30 days end today (UTC); the big session starts 2 days ago at 10:00.
const char *kBase = "(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '30 days')";
const char *kStart =
    "(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '2 days' + interval '10 hours')";

void generate(storage::Database &database) {
    const std::string base = kBase, start = kStart;
    exec(database, "partitions",
         "SELECT telemetry_ensure_partition(d::date) FROM generate_series(" + base + ", " + base +
             " + interval '31 days', interval '1 day') d");
    // 8.5 M background events: 500 rooms, 40 people each, one session per room per day;
    // 70 % heartbeats, the rest joins, leaves, reactions, chat, polls, downloads, playback.
    exec(
        database, "8.5 M background events over 30 days",
        "INSERT INTO telemetry_events (room_id, node_id, at, session_id, kind, participant_id, user_id, subject_id, "
        "value, body) "
        "SELECT 'room-' || (g % 500), 'bench', " +
            base +
            " + (g / 8500000.0) * interval '30 days', "
            "'day' || (g * 30 / 8500000) || '-room-' || (g % 500), k.kind, "
            "'p' || (g % 500) || '-' || ((g / 500) % 40), "
            "CASE WHEN (g / 500) % 10 = 0 THEN NULL ELSE 'u' || ((g / 500) % 40) END, "
            "CASE k.kind WHEN 'reaction' THEN (ARRAY['clap','heart','think','wow','smile'])[1 + g % 5] "
            "            WHEN 'heartbeat' THEN NULL ELSE 'x' || (g % 50) END, "
            "CASE k.kind WHEN 'heartbeat' THEN g % 32 ELSE 0 END, "
            "CASE k.kind WHEN 'join' THEN jsonb_build_object('display', 'User ' || ((g / 500) % 40), 'role', 'viewer', "
            "  'country', (ARRAY['FR','DE','US','BR','IN'])[1 + g % 5], 'device', (ARRAY['desktop','mobile'])[1 + g % 2]) "
            "  WHEN 'chat.send' THEN jsonb_build_object('text', 'hello', 'context', 'main') END "
            "FROM generate_series(1, 8500000) g, LATERAL (SELECT (ARRAY['heartbeat','heartbeat','heartbeat','heartbeat',"
            "'heartbeat','heartbeat','heartbeat','heartbeat','heartbeat','heartbeat','heartbeat','heartbeat','heartbeat',"
            "'heartbeat','join','leave','reaction','chat.send','poll.answer','download'])[1 + g % 20] AS kind) k");
    // The big session: 1,000 attendees for 4 h.
    exec(
        database, "the big session: 1,000 joins and leaves",
        "INSERT INTO telemetry_events (room_id, node_id, at, session_id, kind, participant_id, user_id, value, body) "
        "SELECT 'big-room', 'bench', " +
            start +
            " + (i % 60) * interval '1 second', 'big', 'join', 'bp' || i, "
            "'bu' || i, 0, jsonb_build_object('display', 'Attendee ' || i, 'role', CASE WHEN i < 5 THEN 'host' ELSE "
            "'viewer' END, 'company', 'Company ' || (i % 37), 'country', (ARRAY['FR','DE','US','BR','IN','JP'])[1 + i % 6], "
            "'device', (ARRAY['desktop','mobile','tablet'])[1 + i % 3]) FROM generate_series(0, 999) i "
            "UNION ALL "
            "SELECT 'big-room', 'bench', " +
            start +
            " + interval '4 hours' - (i % 60) * interval '1 second', 'big', "
            "'leave', 'bp' || i, 'bu' || i, 0, '{\"reason\":\"left\"}'::jsonb FROM generate_series(0, 999) i "
            "WHERE i % 50 <> 0");
    exec(database, "the big session: 1.43 M heartbeats",
         "INSERT INTO telemetry_events (room_id, node_id, at, session_id, kind, participant_id, user_id, value) "
         "SELECT 'big-room', 'bench', " +
             start +
             " + (k * 10 + i % 10) * interval '1 second', 'big', 'heartbeat', "
             "'bp' || i, 'bu' || i, CASE WHEN (i * 7 + k / 30) % 5 = 0 THEN 4 ELSE 1 END "
             "FROM generate_series(0, 999) i, generate_series(6, 1434) k ORDER BY 3");
    exec(database, "the big session: reactions, chat, polls, Q&A, stage, playback",
         "INSERT INTO telemetry_events (room_id, node_id, at, session_id, kind, participant_id, user_id, subject_id, "
         "value, body) "
         "SELECT 'big-room', 'bench', " +
             start +
             " + (g * 0.7) * interval '1 second', 'big', k.kind, "
             "'bp' || (g % 1000), 'bu' || (g % 1000), "
             "CASE k.kind WHEN 'reaction' THEN (ARRAY['clap','heart','think','wow','smile'])[1 + g % 5] "
             "            ELSE 'y' || (g % 40) END, 0, "
             "CASE WHEN k.kind LIKE 'chat.%' THEN jsonb_build_object('text', 'message ' || g, 'context', 'main') END "
             "FROM generate_series(1, 20000) g, LATERAL (SELECT (ARRAY['reaction','reaction','reaction','reaction',"
             "'chat.send','chat.reply','poll.answer','qa.ask','download','hand'])[1 + g % 10] AS kind) k "
             "UNION ALL SELECT 'big-room', 'bench', " +
             start +
             " + (i * 1200 + 60) * interval '1 second', 'big', "
             "'stage.on', 'bp' || i, 'bu' || i, NULL, 0, NULL FROM generate_series(0, 9) i "
             "UNION ALL SELECT 'big-room', 'bench', " +
             start +
             " + (i * 1200 + 900) * interval '1 second', 'big', "
             "'stage.off', 'bp' || i, 'bu' || i, NULL, 0, NULL FROM generate_series(0, 9) i "
             "UNION ALL SELECT 'big-room', 'bench', " +
             start +
             " + (i * 1200 + 100) * interval '1 second', 'big', "
             "'present.start', 'bp' || i, 'bu' || i, 'stage', 0, '{\"mid\":\"1\"}' FROM generate_series(0, 9) i "
             "UNION ALL SELECT 'big-room', 'bench', " +
             start +
             " + (i * 1200 + 800) * interval '1 second', 'big', "
             "'present.stop', 'bp' || i, 'bu' || i, 'stage', 0, '{\"mid\":\"1\"}' FROM generate_series(0, 9) i");
    exec(
        database, "the big session: a recording, 300 plays",
        "INSERT INTO recordings (room_id, recording_id, node_id, title, started_at, duration_ms, storage, state) "
        "VALUES ('big-room', 'big-rec', 'bench', 'Big', " +
            start +
            " + interval '1 minute', 14000000, 'local', "
            "'available'); "
            "INSERT INTO telemetry_events (room_id, node_id, at, session_id, kind, participant_id, user_id, subject_id, "
            "value, body) "
            "SELECT 'big-room', 'bench', " +
            start +
            " + interval '5 hours' + (p * 60 + s * 10) * interval '1 second', '', "
            "CASE WHEN s = 0 THEN 'playback.play' ELSE 'playback.progress' END, 'v' || p, 'bu' || p, 'big-rec', s, "
            "jsonb_build_object('play', 'play' || p, 'watched_ms', s * 10000, 'position_ms', s * 10000, "
            "'duration_ms', 14000000) FROM generate_series(0, 299) p, generate_series(0, 30) s");
    exec(database, "ANALYZE", "ANALYZE");
    // A day at a time, as the rollup thread would have done minute by minute.
    exec(database, "rollups: telemetry_refresh_minutes, day by day",
         "SELECT telemetry_refresh_minutes(" + base + " + d * interval '1 day', " + base +
             " + (d + 1) * interval '1 day') FROM generate_series(0, 30) d");
    exec(database, "VACUUM ANALYZE (autovacuum would)", "VACUUM ANALYZE");
}

struct Case {
    const char *label;
    analytics::ReportRequest request;
    const char *baseline; // one naive query over the raw rows ($1 room, $2 session), or nullptr
};

void time_minute_refresh(storage::Database &database) {
    std::vector<double> samples;
    // 20 calls on one connection, as the minute-rollup thread makes them: PL/pgSQL would switch
    // to generic plans after the fifth (telemetry_refresh_minutes forces custom ones).
    for (int i = 0; i < 20; ++i) {
        const std::string minute = std::string(kStart) + " + interval '" + std::to_string(60 + i) + " minutes'";
        std::string error;
        const auto start = Clock::now();
        database.run("refresh", error, [&](pqxx::connection &connection, std::string &) {
            pqxx::nontransaction statement(connection);
            statement.exec("SELECT telemetry_refresh_minutes(" + minute + ", " + minute + " + interval '1 minute')");
            return true;
        });
        samples.push_back(ms_since(start));
    }
    std::printf("\nrollup refresh of one minute of the big session (6,000 heartbeats), 20 calls on one "
                "connection: p50 %.1f ms, p95 %.1f ms, max %.1f ms\n",
                percentile(samples, 0.5), percentile(samples, 0.95), percentile(samples, 1.0));
}

} // namespace

int main(int argc, char **argv) {
    int runs = 25;
    bool reuse = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        if (std::strcmp(argv[i], "--reuse") == 0) reuse = true; // the data is there already
    }
    storage::Database database(bench::postgres_or_exit());
    analytics::ReportQueries queries(database);
    std::string error;
    if (!queries.prepare(error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    if (!reuse) {
        std::printf("generating (set-based SQL):\n");
        generate(database);
    }
    std::string count;
    database.run("count", error, [&](pqxx::connection &connection, std::string &) {
        pqxx::nontransaction statement(connection);
        count = statement.exec("SELECT count(*) FROM telemetry_events")[0][0].c_str();
        return true;
    });
    std::printf("\n%s events in telemetry_events\n", count.c_str());
    time_minute_refresh(database);

    auto request = [](const char *name) {
        analytics::ReportRequest r;
        r.name = name;
        r.room = "big-room";
        r.session = "big";
        return r;
    };
    analytics::ReportRequest search = request("attendees");
    search.search = "ndee 12";
    std::vector<Case> cases = {
        {"overview", request("overview"),
         "SELECT count(DISTINCT coalesce(user_id, participant_id)), "
         "count(*) FILTER (WHERE kind = 'heartbeat' AND value & 27 <> 0)::float / "
         "nullif(count(*) FILTER (WHERE kind = 'heartbeat'), 0), count(*) FILTER (WHERE kind = 'reaction') "
         "FROM telemetry_events WHERE room_id = $1 AND session_id = $2"},
        {"timeline", request("timeline"),
         "SELECT date_trunc('minute', at), count(DISTINCT coalesce(user_id, participant_id)), "
         "count(*) FILTER (WHERE value & 27 <> 0) FROM telemetry_events WHERE room_id = $1 AND session_id = $2 "
         "AND kind = 'heartbeat' GROUP BY 1"},
        {"attendees (page of 50)", request("attendees"),
         "SELECT coalesce(user_id, participant_id), count(*) FILTER (WHERE kind = 'reaction'), "
         "count(*) FILTER (WHERE kind = 'heartbeat' AND value & 27 <> 0), count(*) FILTER (WHERE kind = 'heartbeat') "
         "FROM telemetry_events WHERE room_id = $1 AND session_id = $2 GROUP BY 1"},
        {"attendees (search)", search, nullptr},
        {"heatmap (page of 50)", request("heatmap"),
         "SELECT coalesce(user_id, participant_id), date_trunc('minute', at), bool_or(value & 27 <> 0) "
         "FROM telemetry_events WHERE room_id = $1 AND session_id = $2 AND kind = 'heartbeat' GROUP BY 1, 2"},
        {"stage", request("stage"), nullptr},
        {"recordings", request("recordings"), nullptr},
        {"geography", request("geography"), nullptr},
        {"sessions (room-14)", analytics::ReportRequest{}, nullptr},
    };
    cases.back().request.name = "sessions";
    cases.back().request.room = "room-14"; // rooms 14-19 (mod 20) carry the joins

    std::printf("\n%-24s %10s %10s %14s %14s %8s\n", "report (warm)", "p50 ms", "p95 ms", "baseline p50",
                "baseline p95", "ratio");
    for (const auto &c : cases) {
        for (int i = 0; i < 3; ++i) queries.run(c.request); // warm
        std::vector<double> samples;
        for (int i = 0; i < runs; ++i) {
            const auto start = Clock::now();
            const auto result = queries.run(c.request);
            samples.push_back(ms_since(start));
            if (!result.ok) {
                std::fprintf(stderr, "%s: %s\n", c.label, result.message.c_str());
                return 1;
            }
        }
        std::vector<double> baseline;
        if (c.baseline) {
            for (int i = 0; i < 1 + std::max(3, runs / 5); ++i) {
                const auto start = Clock::now();
                database.run("baseline", error, [&](pqxx::connection &connection, std::string &) {
                    pqxx::nontransaction statement(connection);
                    statement.exec_params(c.baseline, c.request.room, c.request.session);
                    return true;
                });
                if (i > 0) baseline.push_back(ms_since(start)); // the first warms the cache
            }
        }
        const double p50 = percentile(samples, 0.5), p95 = percentile(samples, 0.95);
        if (baseline.empty()) {
            std::printf("%-24s %10.1f %10.1f %14s %14s %8s\n", c.label, p50, p95, "-", "-", "-");
        } else {
            const double b50 = percentile(baseline, 0.5), b95 = percentile(baseline, 0.95);
            std::printf("%-24s %10.1f %10.1f %14.1f %14.1f %7.1fx\n", c.label, p50, p95, b50, b95, b50 / p50);
        }
        std::fflush(stdout);
    }
    return 0;
}
