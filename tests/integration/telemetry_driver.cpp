// Drives the telemetry writer (analytics/telemetry) from the command line for
// test_telemetry_writer.py. The conninfo comes from the environment (ROOMREC_PG), never from
// arguments that `ps` shows. Events are synthetic and deterministic: event i is a function of
// i alone (see make_event), so the test can compute what the database must hold.
//
//   roomrec-telemetry-driver write --count N [--start I] [--rate R] [--threads K] [--node ID]
//       --spool DIR [--base-us T] [--bad-every M] [--batch-rows B] [--flush-ms F]
//       [--rollup-ms MS] [--retry-ms MS] [--hold-ms H] [--progress-ms P]
//       [--lose-commit-every E] [--crash-after-replayed K] [--queue Q] [--before-start 1]
//     enqueues events start..start+N-1 at R/s (0: as fast as possible) from K threads, waits
//     hold-ms, stops the writer and prints its counters as JSON. --count 0 only replays the spool.
//     --lose-commit-every pretends every E-th live COMMIT answer was lost (the batch is spooled
//     although written); --before-start enqueues everything before starting the writer (the
//     queue's refusals are then deterministic); --crash-after-replayed exits abruptly (status 9) right after the K-th
//     replayed batch committed, before the spool is cleaned up.
//   erase --user U        prints {"events": .., "minutes": ..}
//   retention --days D    prints {"partitions": .., "default_rows": .., ...}
//   partitions --behind B --ahead A   prints the number of partitions created
// Exit status: 0 done, 1 usage, 2 error (message on stderr).
#include "analytics/telemetry/telemetry_admin.hpp"
#include "analytics/telemetry/telemetry_writer.hpp"
#include "storage/db/migrations.hpp"
#include "tests/integration/driver_options.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

using namespace roomrec;
using namespace roomrec::analytics;
using Clock = std::chrono::steady_clock;

namespace {

using Options = DriverOptions;

const std::string kNastyRoom = "r\t\"nasty\"\\'; DROP TABLE telemetry_events;--\n\\N";
const std::string kNastyText = "tab\\there \\\"q\\\" back\\\\slash new\\nline caf\xc3\xa9 \xf0\x9f\x8e\xa5 \\\\N";

// Event i (mirrored by expected_row() in test_telemetry_writer.py).
TelemetryEvent make_event(int64_t i, int64_t base_us, int64_t bad_every) {
    TelemetryEvent event;
    event.room_id = i % 97 == 0 ? kNastyRoom : "room-" + std::to_string(i % 5);
    event.session_id = "sess-" + std::to_string(i % 3);
    event.participant_id = "p" + std::to_string(i % 40);
    event.user_id = i % 10 == 0 ? "" : "u" + std::to_string(i % 25);
    event.subject_id = "s" + std::to_string(i);
    event.kind = static_cast<TelemetryKind>(i % static_cast<int64_t>(kTelemetryKindCount));
    event.at_us = base_us + i * 1000;
    event.value = i * 7 - 500;
    if (i % 3 == 0) event.body_json = "{\"i\": " + std::to_string(i) + ", \"text\": \"" + kNastyText + "\"}";
    if (bad_every > 0 && i % bad_every == bad_every - 1) {
        switch ((i / bad_every) % 4) {
        case 0: event.room_id = std::string("nul\0room", 8); break;
        case 1:
            event.user_id = "bad\xff"
                            "utf8";
            break;
        case 2: event.body_json = "{\"a\":"; break;
        default: event.body_json = "{\"a\": \"\\u0000\"}"; break;
        }
    }
    return event;
}

std::string counters_json(const TelemetryWriter::Counters &c, uint64_t refused_here) {
    std::string text = "{";
    const auto add = [&](const char *name, uint64_t value) {
        if (text.size() > 1) text += ", ";
        text += "\"" + std::string(name) + "\": " + std::to_string(value);
    };
    add("enqueued", c.enqueued);
    add("written", c.written);
    add("spooled", c.spooled);
    add("replayed", c.replayed);
    add("dropped_full", c.dropped_full);
    add("rejected", c.rejected);
    add("replay_skipped", c.replay_skipped);
    add("refused", c.refused);
    add("spool_corrupt", c.spool_corrupt);
    add("spool_torn_bytes", c.spool_torn_bytes);
    add("lost", c.lost);
    add("dropped_stopped", c.dropped_stopped);
    add("enqueue_refused", refused_here);
    text += std::string(", \"db_up\": ") + (c.db_up ? "true" : "false") + ", \"dropped_by_kind\": {";
    for (size_t kind = 0; kind < kTelemetryKindCount; ++kind)
        text += (kind ? ", \"" : "\"") + std::string(kind_name(static_cast<TelemetryKind>(kind))) +
                "\": " + std::to_string(c.dropped_full_by_kind[kind]);
    text += "}}";
    return text;
}

int write(const std::string &conninfo, const Options &options) {
    const int64_t count = options.number("count", 0), start = options.number("start", 0);
    const int64_t rate = options.number("rate", 0), bad_every = options.number("bad-every", 0);
    const int threads = static_cast<int>(std::max<int64_t>(1, options.number("threads", 1)));
    const int64_t base_us = options.number("base-us", std::chrono::duration_cast<std::chrono::microseconds>(
                                                          std::chrono::system_clock::now().time_since_epoch())
                                                          .count());
    const int64_t lose_every = options.number("lose-commit-every", 0);
    const int64_t crash_after = options.number("crash-after-replayed", 0);

    TelemetrySettings settings;
    settings.conninfo = conninfo;
    settings.node_id = options.get("node", "node-a");
    settings.spool_folder = options.get("spool");
    settings.batch_rows = static_cast<size_t>(options.number("batch-rows", 5000));
    settings.flush_ms = static_cast<int>(options.number("flush-ms", 200));
    settings.rollup_ms = static_cast<int>(options.number("rollup-ms", 1000));
    settings.retry_ms = static_cast<int>(options.number("retry-ms", 500));
    settings.queue_capacity = static_cast<size_t>(options.number("queue", 1 << 20));
    std::atomic<int64_t> live_commits{0}, replayed_commits{0};
    settings.fault = [&](std::string_view point) {
        if (point == "live.after_commit" && lose_every > 0) return ++live_commits % lose_every == 0;
        if (point == "replay.after_commit" && crash_after > 0 && ++replayed_commits == crash_after) {
            std::fprintf(stderr, "crashing after %lld replayed batches\n", static_cast<long long>(crash_after));
            std::fflush(stderr);
            std::_Exit(9);
        }
        return false;
    };
    TelemetryWriter writer(settings); // its log lines go to stderr (the facade's default sink)
    std::string error;
    const bool before_start = options.number("before-start", 0) != 0; // fill the queue first
    if (!before_start && !writer.start(error)) return error_exit(error);

    std::atomic<bool> done{false};
    std::thread progress;
    const int64_t every = options.number("progress-ms", 0);
    if (every > 0) {
        progress = std::thread([&] {
            while (!done.load()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(every));
                const std::string line = "progress " + counters_json(writer.counters(), 0) + "\n";
                std::fputs(line.c_str(), stderr); // one call: not torn by the writer's log lines
                std::fflush(stderr);
            }
        });
    }
    std::atomic<uint64_t> refused{0};
    std::vector<std::thread> producers;
    const auto began = Clock::now();
    for (int t = 0; t < threads; ++t) {
        producers.emplace_back([&, t] {
            int64_t sent = 0;
            for (int64_t j = t; j < count; j += threads, ++sent) {
                if (rate > 0) { // event j is due j/rate seconds after the start
                    std::this_thread::sleep_until(began + std::chrono::microseconds(j * 1000000 / rate));
                }
                if (!writer.enqueue(make_event(start + j, base_us, bad_every))) refused.fetch_add(1);
            }
        });
    }
    for (auto &producer : producers) producer.join();
    if (before_start && !writer.start(error)) return error_exit(error);
    std::this_thread::sleep_for(std::chrono::milliseconds(options.number("hold-ms", 0)));
    writer.stop();
    done.store(true);
    if (progress.joinable()) progress.join();
    std::printf("%s\n", counters_json(writer.counters(), refused.load()).c_str());
    return 0;
}

int run(const Options &options) {
    const char *conninfo = std::getenv("ROOMREC_PG");
    if (conninfo == nullptr || *conninfo == '\0') return error_exit("set ROOMREC_PG to the conninfo");
    if (options.command == "write") return write(conninfo, options);
    storage::Database database(conninfo);
    std::string error;
    if (!storage::apply_migrations(database, error)) return error_exit(error);
    TelemetryAdmin admin(database);
    if (options.command == "migrate") return 0;
    if (options.command == "erase") {
        const auto erased = admin.erase_user(options.get("user"), error);
        if (!erased) return error_exit(error);
        std::printf("{\"events\": %lld, \"minutes\": %lld}\n", static_cast<long long>(erased->events),
                    static_cast<long long>(erased->minutes));
        return 0;
    }
    if (options.command == "retention") {
        const auto dropped = admin.drop_partitions_older_than(static_cast<int>(options.number("days", 0)), error);
        if (!dropped) return error_exit(error);
        std::printf("{\"partitions\": %lld, \"default_rows\": %lld, \"minute_rows\": %lld, \"ledger_rows\": %lld}\n",
                    static_cast<long long>(dropped->partitions), static_cast<long long>(dropped->default_rows),
                    static_cast<long long>(dropped->minute_rows), static_cast<long long>(dropped->ledger_rows));
        return 0;
    }
    if (options.command == "partitions") {
        const auto created = admin.ensure_partitions(static_cast<int>(options.number("behind", 1)),
                                                     static_cast<int>(options.number("ahead", 2)), error);
        if (!created) return error_exit(error);
        std::printf("%lld\n", static_cast<long long>(*created));
        return 0;
    }
    std::fprintf(stderr, "unknown command %s\n", options.command.c_str());
    return 1;
}

} // namespace

int main(int argc, char **argv) {
    const auto options = parse_driver_options(argc, argv);
    return options ? run(*options) : 1;
}
