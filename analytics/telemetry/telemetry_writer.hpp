// The telemetry writer (E7): the path from "the plugin has an event" to "the row is in
// Postgres". enqueue() is for any thread and never blocks (a lock-free bounded queue; full =
// refused and counted). One thread batches events (batch_rows or flush_ms, whichever first)
// and writes each batch with COPY plus a ledger row in one transaction. While Postgres is away
// or refuses, batches go to a durable spool folder, in order, and are replayed in order when it
// is back (the ledger skips a batch written already), before live writing resumes; a spool left
// by an earlier run is replayed first. analytics/README.md has the details and the policy.
#pragma once

#include "analytics/core/telemetry_event.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace roomrec::analytics {

struct TelemetrySettings {
    std::string conninfo; // never logged (may hold a password)
    std::string node_id;
    std::string spool_folder;
    size_t queue_capacity = 1 << 20; // events
    // And bytes: the strings queued events hold (event_heap_bytes), so a flood of large chat
    // bodies cannot take gigabytes while the writer is behind. Periodic events are refused at
    // 7/8 of it, like at 7/8 of the event bound.
    size_t queue_max_bytes = size_t(64) << 20;
    size_t batch_rows = 5000;
    int flush_ms = 200;
    // How often to retry Postgres while spooling; how often a second thread refreshes
    // the minute rollups of closed minutes written to (0: no rollups, leave them to
    // telemetry_refresh_minutes()); how many days of partitions to keep ready ahead (UTC).
    int retry_ms = 1000;
    int rollup_ms = 5000;
    int partition_days_ahead = 2;
    // Tests only: called at named points ("live.after_commit", "replay.after_commit"); true
    // pretends the COMMIT's answer was lost (the batch is then spooled although written).
    std::function<bool(std::string_view point)> fault;
};

class TelemetryWriter {
public:
    // Logs through the facade (common/log.hpp), tag "telemetry", from its two threads.
    explicit TelemetryWriter(TelemetrySettings settings);
    ~TelemetryWriter(); // stop()
    TelemetryWriter(const TelemetryWriter &) = delete;
    TelemetryWriter &operator=(const TelemetryWriter &) = delete;

    // Opens the spool folder and starts the thread; Postgres may be away. False (and why) for
    // bad settings or a spool folder that cannot be made.
    bool start(std::string &error);
    // Any thread, never blocks. Events may be enqueued before start(). False = refused: the
    // queue is full (counted in dropped_full, and per kind; periodic events, see is_periodic(),
    // are refused once the queue is 7/8 full), the queued events would hold more than
    // queue_max_bytes (counted in dropped_bytes, and per kind in dropped_full_by_kind) or the
    // writer has stopped.
    bool enqueue(TelemetryEvent &&event);
    // Refuses new events, writes what is queued (to Postgres, else to the spool), joins.
    void stop();

    struct Counters {
        uint64_t enqueued = 0;         // accepted by enqueue()
        uint64_t written = 0;          // rows committed directly
        uint64_t spooled = 0;          // rows written to the spool
        uint64_t replayed = 0;         // spooled rows committed later (this run or a previous one)
        uint64_t dropped_full = 0;     // refused by enqueue(): queue full
        uint64_t rejected = 0;         // events check_event() refused (never stored)
        bool db_up = false;            // the last attempt to write reached Postgres
        uint64_t replay_skipped = 0;   // spooled rows whose batch the ledger had already
        uint64_t refused = 0;          // rows Postgres refused as data, kept in spool/rejected/
        uint64_t spool_corrupt = 0;    // damaged spool regions or batches skipped (reported)
        uint64_t spool_torn_bytes = 0; // bytes of torn spool tails (a crash mid-write) skipped
        uint64_t lost = 0;             // rows neither Postgres nor the spool could take (disk full)
        uint64_t dropped_stopped = 0;  // refused by enqueue() after stop()
        uint64_t dropped_bytes = 0;    // refused by enqueue(): queue_max_bytes reached
        uint64_t queued_bytes = 0;     // bytes the queued events hold now (at most queue_max_bytes)
        int64_t lag_us = 0;            // age of the oldest event not yet in Postgres (0: none waits)
        std::array<uint64_t, kTelemetryKindCount> dropped_full_by_kind{};
    };
    Counters counters() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace roomrec::analytics
