#include "analytics/telemetry/telemetry_writer.hpp"

#include "analytics/core/telemetry_batch.hpp"
#include "analytics/telemetry/event_queue.hpp"
#include "analytics/telemetry/minute_rollups.hpp"
#include "analytics/telemetry/telemetry_spool.hpp"
#include "analytics/telemetry/telemetry_store.hpp"
#include "common/log.hpp"
#include "common/wall_clock.hpp"
#include "storage/db/database.hpp"

#include <sys/random.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>

namespace roomrec::analytics {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr common::Logger kLog("telemetry");

constexpr auto kIdleWait = milliseconds(10); // the thread polls the queue at least this often
constexpr auto kMaintenance = milliseconds(1000);
constexpr int kRollupGraceMs = 5000; // a minute is refreshed once it ended this long ago

std::string random_nonce() {
    unsigned char bytes[8] = {};
    if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
        // No entropy: the clock still tells runs apart (the ledger would refuse a repeat).
        const auto now = Clock::now().time_since_epoch().count();
        for (size_t i = 0; i < sizeof bytes; ++i) bytes[i] = static_cast<unsigned char>(now >> (8 * i));
    }
    char hex[17];
    for (size_t i = 0; i < sizeof bytes; ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
    return hex;
}

int32_t utc_day_now() {
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return static_cast<int32_t>(seconds / 86400);
}

bool valid_node_id(const std::string &node_id) {
    return !node_id.empty() && node_id.size() <= 128 && std::none_of(node_id.begin(), node_id.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '/';
    });
}

} // namespace

struct TelemetryWriter::State {
    TelemetrySettings settings;
    EventQueue queue;

    std::atomic<bool> accepting{true};
    std::atomic<bool> stopping{false};
    std::atomic<bool> db_up{false};
    std::atomic<uint64_t> written{0}, spooled{0}, replayed{0}, rejected{0}, replay_skipped{0}, refused{0},
        spool_corrupt{0}, spool_torn_bytes{0}, lost{0}, dropped_stopped{0};
    std::array<std::atomic<uint64_t>, kTelemetryKindCount + 1> dropped_by_kind{}; // last: unknown kinds
    // Reserved by a producer before its push (given back if the push fails), subtracted by the
    // consumer after its pop: never above settings.queue_max_bytes.
    std::atomic<size_t> queued_bytes{0};
    std::atomic<uint64_t> dropped_bytes{0};
    // When the oldest event not yet committed to Postgres happened (wall µs; 0: none): in the
    // batch being built, or spooled while Postgres was away. The lag gauge is its age.
    std::atomic<int64_t> unwritten_since_us{0};

    std::mutex mutex; // only for the stop signal; producers never take it
    std::condition_variable wake;
    std::thread thread;
    bool started = false;

    // The writer thread's own from here on.
    std::string nonce;
    uint64_t sequence = 0;
    std::unique_ptr<storage::Database> database;
    std::unique_ptr<TelemetryStore> store;
    TelemetrySpool spool;
    bool spooling = false; // batches go to the spool until a replay has emptied it
    Clock::time_point retry_at, maintenance_at;
    TelemetryBatch batch;
    Clock::time_point batch_started;
    std::set<int32_t> ready_days;
    int32_t ahead_for_day = INT_MIN;
    std::unique_ptr<MinuteRollups> rollups; // null when rollup_ms is 0
    std::set<std::string> reported_segments;
    std::string last_problem;

    explicit State(TelemetrySettings settings_)
        : settings(std::move(settings_)), queue(std::max<size_t>(settings.queue_capacity, 2)),
          spool(settings.spool_folder) {}

    bool fault(std::string_view point) const { return settings.fault && settings.fault(point); }

    void run();
    bool collect();
    void dispatch();
    WriteOutcome write_to_db(const TelemetryBatch &batch, std::string &error);
    void to_spool(const TelemetryBatch &batch);
    void refuse(const TelemetryBatch &batch, const std::string &error);
    void recover();
    void maintain();
    void postgres_away(const std::string &error);
};

TelemetryWriter::TelemetryWriter(TelemetrySettings settings) : state_(std::make_unique<State>(std::move(settings))) {}

TelemetryWriter::~TelemetryWriter() { stop(); }

bool TelemetryWriter::start(std::string &error) {
    State &s = *state_;
    if (s.started) {
        error = "the telemetry writer is started already";
        return false;
    }
    if (!valid_node_id(s.settings.node_id)) {
        error = "telemetry node id: empty, too long or with a control character or '/'";
        return false;
    }
    if (s.settings.queue_max_bytes < kMaxBodyBytes + 5 * kMaxIdBytes) {
        error = "telemetry settings: queue_max_bytes must hold at least one event of the largest size";
        return false;
    }
    if (s.settings.spool_folder.empty() || s.settings.conninfo.empty() || s.settings.batch_rows == 0 ||
        s.settings.flush_ms <= 0 || s.settings.retry_ms <= 0) {
        error = "telemetry settings: conninfo, spool folder, batch_rows, flush_ms and retry_ms are required";
        return false;
    }
    if (!s.spool.open(error)) return false;
    s.nonce = random_nonce();
    s.database = std::make_unique<storage::Database>(s.settings.conninfo);
    s.store = std::make_unique<TelemetryStore>(*s.database);
    if (s.settings.rollup_ms > 0) {
        s.rollups = std::make_unique<MinuteRollups>(s.settings.conninfo, s.settings.rollup_ms, kRollupGraceMs);
        s.rollups->start();
    }
    s.started = true;
    s.thread = std::thread([&s] { s.run(); });
    return true;
}

bool TelemetryWriter::enqueue(TelemetryEvent &&event) {
    State &s = *state_;
    if (!s.accepting.load(std::memory_order_relaxed)) {
        s.dropped_stopped.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    // The last eighth of the queue, in events and in bytes, is kept for events that are not periodic.
    const bool periodic = is_periodic(event.kind);
    const size_t keep_free = periodic ? s.queue.capacity() / 8 : 0;
    const size_t byte_limit = s.settings.queue_max_bytes - (periodic ? s.settings.queue_max_bytes / 8 : 0);
    const size_t bytes = event_heap_bytes(event);
    const auto count_drop = [&s, kind = event.kind] {
        s.dropped_by_kind[std::min(static_cast<size_t>(kind), kTelemetryKindCount)].fetch_add(
            1, std::memory_order_relaxed);
    };
    // Reserve before the push with a compare-and-swap: concurrent producers never take the count
    // past the bound, not even for a moment, and none of them waits for another.
    size_t held = s.queued_bytes.load(std::memory_order_relaxed);
    do {
        if (held + bytes > byte_limit) {
            s.dropped_bytes.fetch_add(1, std::memory_order_relaxed);
            count_drop();
            return false;
        }
    } while (!s.queued_bytes.compare_exchange_weak(held, held + bytes, std::memory_order_relaxed));
    if (s.queue.try_push(std::move(event), keep_free)) return true;
    s.queued_bytes.fetch_sub(bytes, std::memory_order_relaxed);
    count_drop();
    return false;
}

void TelemetryWriter::stop() {
    State &s = *state_;
    s.accepting.store(false);
    if (!s.started) return;
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        s.stopping.store(true);
    }
    s.wake.notify_all();
    if (s.thread.joinable()) s.thread.join();
    if (s.rollups) s.rollups->stop();
    // An enqueue that passed the check just before stop() may have landed after the last pop.
    TelemetryEvent late;
    while (s.queue.pop(late)) {
        s.queued_bytes.fetch_sub(event_heap_bytes(late), std::memory_order_relaxed);
        s.dropped_stopped.fetch_add(1, std::memory_order_relaxed);
    }
}

TelemetryWriter::Counters TelemetryWriter::counters() const {
    const State &s = *state_;
    Counters counters;
    const auto get = [](const std::atomic<uint64_t> &value) { return value.load(std::memory_order_relaxed); };
    counters.enqueued = s.queue.pushed();
    counters.written = get(s.written);
    counters.spooled = get(s.spooled);
    counters.replayed = get(s.replayed);
    counters.rejected = get(s.rejected);
    counters.db_up = s.db_up.load(std::memory_order_relaxed);
    counters.replay_skipped = get(s.replay_skipped);
    counters.refused = get(s.refused);
    counters.spool_corrupt = get(s.spool_corrupt);
    counters.spool_torn_bytes = get(s.spool_torn_bytes);
    counters.lost = get(s.lost);
    counters.dropped_stopped = get(s.dropped_stopped);
    counters.dropped_bytes = get(s.dropped_bytes);
    counters.queued_bytes = s.queued_bytes.load(std::memory_order_relaxed);
    const int64_t since = s.unwritten_since_us.load();
    counters.lag_us = since == 0 ? 0 : std::max<int64_t>(0, common::unix_time_us() - since);
    for (size_t kind = 0; kind <= kTelemetryKindCount; ++kind) {
        const uint64_t dropped = get(s.dropped_by_kind[kind]);
        counters.dropped_full += dropped;
        if (kind < kTelemetryKindCount) counters.dropped_full_by_kind[kind] = dropped;
    }
    return counters;
}

// -- the writer thread ----------------------------------------------------------------------

void TelemetryWriter::State::run() {
    if (!spool.empty()) {
        spooling = true; // a spool left by an earlier run goes first
        unwritten_since_us.store(common::unix_time_us()); // its events are older still: a lower bound
        kLog.info("spooled batches from an earlier run wait in " + spool.folder() + ": replaying them first");
    }
    for (;;) {
        const bool stop = stopping.load();
        const bool drained = collect();
        const auto now = Clock::now();
        if (batch.rows > 0 &&
            (batch.rows >= settings.batch_rows || stop || now - batch_started >= milliseconds(settings.flush_ms)))
            dispatch();
        if (spooling && Clock::now() >= retry_at) recover();
        if (!spooling) maintain();
        if (stop && drained && batch.rows == 0) break;
        if (drained) {
            auto wait = kIdleWait;
            if (batch.rows > 0) {
                const auto left = std::chrono::duration_cast<milliseconds>(
                    batch_started + milliseconds(settings.flush_ms) - Clock::now());
                wait = std::clamp(left, milliseconds(0), kIdleWait);
            }
            std::unique_lock<std::mutex> lock(mutex);
            wake.wait_for(lock, wait, [this] { return stopping.load(); });
        }
    }
    if (spooling) recover(); // one last try: Postgres may be back
    spool.rotate();
}

// Moves queued events into the batch until it is full; true when the queue ran empty.
bool TelemetryWriter::State::collect() {
    std::string error;
    TelemetryEvent event;
    while (batch.rows < settings.batch_rows) {
        if (!queue.pop(event)) return true;
        queued_bytes.fetch_sub(event_heap_bytes(event), std::memory_order_relaxed);
        if (add_event(batch, settings.node_id, event, error)) {
            if (batch.rows == 1) {
                batch_started = Clock::now();
                int64_t none = 0;
                unwritten_since_us.compare_exchange_strong(none, std::min(event.at_us, common::unix_time_us()));
            }
            continue;
        }
        const uint64_t count = rejected.fetch_add(1, std::memory_order_relaxed) + 1;
        if (count <= 10 || count % 10000 == 0)
            kLog.warning("event refused (" + std::string(kind_name(event.kind)) + "): " + error + " (" +
                         std::to_string(count) + " refused so far)");
    }
    return false;
}

void TelemetryWriter::State::dispatch() {
    batch.id = make_batch_id(settings.node_id, nonce, ++sequence);
    if (!spooling) {
        std::string error;
        WriteOutcome outcome = write_to_db(batch, error);
        if (outcome == WriteOutcome::Written && fault("live.after_commit")) {
            outcome = WriteOutcome::Transient;
            error = "the answer to COMMIT was lost (injected)";
        }
        if (outcome == WriteOutcome::Written || outcome == WriteOutcome::Duplicate) {
            unwritten_since_us.store(0); // not spooling: nothing older waits anywhere
            written.fetch_add(batch.rows, std::memory_order_relaxed);
            if (rollups) rollups->touched(batch.minutes);
            db_up.store(true);
        } else if (outcome == WriteOutcome::Refused) {
            refuse(batch, error);
        } else {
            postgres_away(error);
            kLog.warning("spooling batches to " + spool.folder() + " until Postgres is back");
            spooling = true;
            retry_at = Clock::now() + milliseconds(settings.retry_ms);
        }
    }
    if (spooling) to_spool(batch);
    batch = TelemetryBatch();
}

WriteOutcome TelemetryWriter::State::write_to_db(const TelemetryBatch &batch_, std::string &error) {
    if (!store->prepare(error)) return WriteOutcome::Transient;
    for (const int32_t day : batch_.days) {
        if (ready_days.count(day)) continue;
        std::string problem;
        if (store->ensure_partition(day, problem)) {
            ready_days.insert(day);
        } else if (!database->connected()) {
            error = problem;
            return WriteOutcome::Transient;
        } else {
            kLog.warning(problem + " (its rows go to the default partition)");
        }
    }
    return store->write(batch_, settings.node_id, error);
}

void TelemetryWriter::State::to_spool(const TelemetryBatch &batch_) {
    std::string error;
    if (spool.append(batch_, error)) {
        spooled.fetch_add(batch_.rows, std::memory_order_relaxed);
        return;
    }
    lost.fetch_add(batch_.rows, std::memory_order_relaxed);
    kLog.error("batch " + batch_.id + " (" + std::to_string(batch_.rows) + " events) lost: " + error);
}

void TelemetryWriter::State::refuse(const TelemetryBatch &batch_, const std::string &error) {
    std::string problem;
    if (!spool.reject(batch_, error, problem)) {
        lost.fetch_add(batch_.rows, std::memory_order_relaxed);
        kLog.error("batch refused by Postgres and not kept: " + error + "; " + problem);
        return;
    }
    refused.fetch_add(batch_.rows, std::memory_order_relaxed);
    kLog.error("batch refused by Postgres, kept in " + spool.folder() + "/rejected: " + error);
}

void TelemetryWriter::State::postgres_away(const std::string &error) {
    db_up.store(false);
    if (error != last_problem) kLog.warning("Postgres unavailable: " + error);
    last_problem = error;
}

// Replays the spool in order (oldest segment first, batches in file order), then writing goes
// live again. Batches arriving meanwhile are appended to the spool, behind the ones replayed.
void TelemetryWriter::State::recover() {
    std::string error;
    if (!store->prepare(error)) {
        postgres_away(error);
        retry_at = Clock::now() + milliseconds(settings.retry_ms);
        return;
    }
    uint64_t batches = 0, rows = 0, skipped = 0;
    spool.rotate();
    for (;;) {
        const auto segments = spool.segments();
        if (segments.empty()) break;
        const std::string path = segments.front();
        if (spool.is_current(path)) spool.rotate();
        auto scan = SpoolFile::read(path, error);
        if (!scan) { // unreadable: out of the way, or it would block every later batch
            spool_corrupt.fetch_add(1, std::memory_order_relaxed);
            kLog.error(error + "; moved to rejected/");
            spool.finish(path, true);
            continue;
        }
        bool damaged = scan->corrupt_regions > 0 || scan->torn_bytes > 0;
        const bool first_look = reported_segments.insert(path).second;
        if (damaged && first_look) {
            spool_corrupt.fetch_add(scan->corrupt_regions, std::memory_order_relaxed);
            spool_torn_bytes.fetch_add(scan->torn_bytes, std::memory_order_relaxed);
            kLog.warning("spool " + path + ": skipped " + std::to_string(scan->corrupt_regions) +
                         " damaged region(s) (" + std::to_string(scan->corrupt_bytes) + " bytes) and a torn tail of " +
                         std::to_string(scan->torn_bytes) + " bytes; the segment goes to rejected/ once replayed");
        }
        for (const auto &record : scan->records) {
            const auto spooled_batch = decode_batch_payload(record.batch_id, record.payload, error);
            if (!spooled_batch) {
                damaged = true;
                if (first_look) {
                    spool_corrupt.fetch_add(1, std::memory_order_relaxed);
                    kLog.warning("spool " + path + ": batch " + record.batch_id + " skipped: " + error);
                }
                continue;
            }
            WriteOutcome outcome = write_to_db(*spooled_batch, error);
            if (outcome == WriteOutcome::Written && fault("replay.after_commit")) {
                outcome = WriteOutcome::Transient;
                error = "the answer to COMMIT was lost (injected)";
            }
            if (outcome == WriteOutcome::Transient) {
                postgres_away(error);
                retry_at = Clock::now() + milliseconds(settings.retry_ms);
                return;
            }
            if (outcome == WriteOutcome::Written) {
                replayed.fetch_add(spooled_batch->rows, std::memory_order_relaxed);
                if (rollups) rollups->touched(spooled_batch->minutes);
                ++batches;
                rows += spooled_batch->rows;
            } else if (outcome == WriteOutcome::Duplicate) {
                replay_skipped.fetch_add(spooled_batch->rows, std::memory_order_relaxed);
                ++skipped;
            } else {
                refuse(*spooled_batch, error);
            }
            // Keep the queue moving during a long replay: new batches join the spool's end.
            collect();
            if (batch.rows >= settings.batch_rows ||
                (batch.rows > 0 && Clock::now() - batch_started >= milliseconds(settings.flush_ms)))
                dispatch();
        }
        spool.finish(path, damaged);
        reported_segments.erase(path);
    }
    spooling = false;
    // What waits now is at most the batch being built (its time stays until it is written).
    if (batch.rows == 0) unwritten_since_us.store(0);
    db_up.store(true);
    last_problem.clear();
    kLog.info("Postgres is reachable: replayed " + std::to_string(batches) + " spooled batch(es) (" +
              std::to_string(rows) + " events; " + std::to_string(skipped) + " written before, skipped); writing live");
}

// Partitions for the coming days (UTC), made before the first row of a day needs them.
void TelemetryWriter::State::maintain() {
    const auto now = Clock::now();
    if (now < maintenance_at) return;
    maintenance_at = now + kMaintenance;
    const int32_t today = utc_day_now();
    if (today == ahead_for_day) return;
    std::string error;
    if (!store->prepare(error)) {
        postgres_away(error);
        return;
    }
    bool all = true;
    for (int32_t day = today - 1; day <= today + settings.partition_days_ahead; ++day) {
        if (ready_days.count(day)) continue;
        if (store->ensure_partition(day, error)) {
            ready_days.insert(day);
        } else {
            all = false;
            kLog.warning(error);
        }
    }
    if (all) ahead_for_day = today;
}

} // namespace roomrec::analytics
