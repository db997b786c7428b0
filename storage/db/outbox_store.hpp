// The durable outbox (S4) in Postgres, shared by every node (O4). Each operation locks
// the job's row (FOR UPDATE; the claim skips rows other nodes hold), applies the pure life
// cycle of core/outbox_job to it and writes the result back in the same transaction, so the
// rules are exactly the unit-tested ones. Times come from the database clock (now()): nodes
// with skewed clocks agree on leases and due times. One store per connection and thread.
#pragma once

#include "storage/core/delivery_rows.hpp"
#include "storage/core/retry_schedule.hpp"
#include "storage/db/database.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace roomrec::storage {


struct ClaimedJob {
    std::string id, room_id, kind, payload_json;
    std::string progress_json; // "" when nothing was saved
    int attempts = 0;          // including this one
    int64_t created_ms = 0;
    int64_t lease_until_ms = 0; // renew before this, or another node may take the job
};

struct OutboxCounts {
    int64_t pending = 0, running = 0, done = 0, failed = 0;
};

// The jobs waiting or running of one kind and state (metrics), and how long the one due longest
// has been due (0 when none is due yet).
struct OutboxDepth {
    std::string kind, state;
    int64_t jobs = 0;
    double oldest_due_s = 0;
};

class OutboxStore {
public:
    OutboxStore(Database &database, std::string node_id, RetryPolicy policy, int64_t lease_ms);

    // Adds the jobs in one transaction; a job whose id exists already is left as it is (ids
    // are idempotency keys).
    bool enqueue(const std::vector<NewJob> &jobs, std::string &error);
    // The same inside the caller's transaction (a recording row and its jobs commit together):
    // false when a job is refused; a database failure throws and ends that transaction.
    bool enqueue(pqxx::transaction_base &transaction, const std::vector<NewJob> &jobs, std::string &error);
    // The job due longest (pending and due, or running with a lapsed lease) that any node or
    // this one may run, now leased to this node. Nothing when none is due (error stays "").
    std::optional<ClaimedJob> claim(std::string &error);
    // While this node holds the lease: push it to now + lease / store the upload's progress.
    bool renew_lease(const std::string &id, std::string &error);
    bool renew_lease(const std::string &id);
    bool save_progress(const std::string &id, const std::string &progress_json, std::string &error);
    bool save_progress(const std::string &id, const std::string &progress_json);
    // In one transaction: the job done, the follow-up jobs added, the recording updated. Only
    // while this node holds the lease; otherwise, or when any part fails, nothing changes.
    // `also` (optional) writes more in the same transaction (an export's row); false refuses.
    using AlsoWrite = std::function<bool(pqxx::transaction_base &transaction, std::string &refused)>;
    bool complete(const std::string &id, const std::vector<NewJob> &followups, const RecordingUpdate *update,
                  std::string &error, const AlsoWrite &also = {});
    // A failed try: pending again after the backoff, or failed for good when permanent or too
    // old for the policy. error_text (a server's answer) is stored cut and cleaned.
    bool fail(const std::string &id, const std::string &error_text, bool permanent, std::string &error);
    // Until a job this node may run is due: 0 if one is due now, -1 if none is waiting (or
    // Postgres is away: the worker's bounded sleep then retries).
    int64_t ms_until_next_due();
    // A job's state ("pending", "running", "done", "failed"), "" if unknown or unreadable.
    std::string state_of(const std::string &id);
    // At start-up: jobs this node was running when it died go back to pending at once (its
    // leases would otherwise hold them until they lapse); also when Postgres is back after it
    // missed a job's outcome, while this node runs no job. Node ids must be unique per node.
    // The number released, or -1 (and why).
    int64_t release_own_jobs(std::string &error);
    // All nodes' jobs by state (Admin API, tests).
    std::optional<OutboxCounts> counts(std::string &error);
    // All nodes' pending and running jobs by kind and state (an index scan: done and failed
    // jobs, which pile up, are not read).
    std::optional<std::vector<OutboxDepth>> depth(std::string &error);

    const std::string &node_id() const { return node_id_; }

private:
    struct LockedJob;
    bool usable(std::string &error) const; // false when constructed with a bad node id, lease or policy
    bool jobs_acceptable(const std::vector<NewJob> &jobs, std::string &error) const;
    std::optional<LockedJob> lock_job(pqxx::transaction_base &transaction, const std::string &id, std::string &error);
    void write_back(pqxx::transaction_base &transaction, const std::string &id, const LockedJob &locked);
    void insert_jobs(pqxx::transaction_base &transaction, const std::vector<NewJob> &jobs);

    Database &database_;
    std::string node_id_;
    RetryPolicy policy_;
    int64_t lease_ms_;
    std::string config_error_;
    std::mt19937_64 random_; // the retry jitter
};

} // namespace roomrec::storage
