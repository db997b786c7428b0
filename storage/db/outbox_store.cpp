#include "storage/db/outbox_store.hpp"

#include "storage/core/delivery_input.hpp"
#include "storage/core/outbox_job.hpp"
#include "storage/db/recording_rows.hpp"
#include "storage/db/sql_time.hpp"

namespace roomrec::storage {

namespace {

// The columns every operation reads from a locked job, in this order.
enum Column { State, Attempts, Created, NextAttempt, LeaseUntil, Owner, LastError, Now, Id, Room, Kind, Payload, Progress };

const std::string &job_columns() {
    static const std::string columns = "state, attempts, " + sql::ms("created_at") + ", " +
                                       sql::ms("next_attempt_at") + ", " + sql::ms("lease_until") +
                                       ", owner, last_error, " + sql::ms("now()") +
                                       ", id, room_id, kind, payload::text, progress::text";
    return columns;
}

JobState parse_state(const std::string &name) {
    for (auto state : {JobState::Pending, JobState::Running, JobState::Done, JobState::Failed})
        if (name == job_state_name(state)) return state;
    return JobState::Failed; // the table's CHECK admits no other name
}

// The pure core's view of a row read with job_columns(), and the database's now.
void read_job(const PgResult &result, OutboxJob &job, int64_t &now_ms) {
    job.state = parse_state(result.text(0, State));
    job.attempts = static_cast<int>(result.int64(0, Attempts));
    job.created_ms = result.int64(0, Created);
    job.next_attempt_ms = result.int64(0, NextAttempt);
    job.lease_until_ms = result.int64(0, LeaseUntil);
    job.owner = result.text(0, Owner);
    job.last_error = result.text(0, LastError);
    now_ms = result.int64(0, Now);
}

std::optional<std::string> unless_empty(const std::string &text) {
    if (text.empty()) return std::nullopt;
    return text;
}

std::string not_held(const std::string &id) {
    return "job " + id + " is not held by this node (its lease lapsed, or it is finished)";
}

} // namespace

struct OutboxStore::LockedJob {
    OutboxJob job;
    int64_t now_ms = 0;
};

OutboxStore::OutboxStore(PgConnection &connection, std::string node_id, RetryPolicy policy, int64_t lease_ms)
    : connection_(connection), node_id_(std::move(node_id)), policy_(policy), lease_ms_(lease_ms),
      random_(std::random_device{}()) {
    config_error_ = identifier_error("node id", node_id_);
    if (config_error_.empty() && lease_ms_ <= 0) config_error_ = "outbox lease: must be positive";
    if (config_error_.empty() && (policy_.first_delay_ms <= 0 || policy_.max_delay_ms < policy_.first_delay_ms))
        config_error_ = "outbox retry policy: delays must be positive, the cap at least the first delay";
}

bool OutboxStore::usable(std::string &error) const {
    error = config_error_;
    return error.empty();
}

bool OutboxStore::insert_jobs(const std::vector<NewJob> &jobs, std::string &error) {
    static const std::string sql =
        "INSERT INTO outbox_jobs (id, room_id, node_id, kind, affinity_node, payload, created_at, next_attempt_at) "
        "VALUES ($1, $2, $3, $4, $5, $6::jsonb, date_trunc('milliseconds', now()), "
        "date_trunc('milliseconds', now())) ON CONFLICT (id) DO NOTHING";
    for (const auto &job : jobs) {
        const auto result =
            connection_.exec(sql, {job.id, job.room_id, node_id_, job.kind, unless_empty(job.affinity_node), job.payload_json});
        if (!result.ok()) {
            error = "adding job " + job.id + ": " + result.error();
            return false;
        }
    }
    return true;
}

bool OutboxStore::enqueue(const std::vector<NewJob> &jobs, std::string &error) {
    if (!usable(error)) return false;
    for (const auto &job : jobs) {
        error = new_job_error(job);
        if (!error.empty()) return false;
    }
    Transaction transaction(connection_);
    if (!transaction.active()) {
        error = "adding jobs: " + transaction.error();
        return false;
    }
    return insert_jobs(jobs, error) && transaction.commit(error);
}

std::optional<OutboxStore::LockedJob> OutboxStore::lock_job(const std::string &id, std::string &error) {
    error = identifier_error("job id", id);
    if (!error.empty()) return std::nullopt;
    const auto result = connection_.exec("SELECT " + job_columns() + " FROM outbox_jobs WHERE id = $1 FOR UPDATE", {id});
    if (!result.ok()) {
        error = "reading job " + id + ": " + result.error();
        return std::nullopt;
    }
    if (result.rows() == 0) {
        error = "no job " + id;
        return std::nullopt;
    }
    LockedJob locked;
    read_job(result, locked.job, locked.now_ms);
    return locked;
}

bool OutboxStore::write_back(const std::string &id, const LockedJob &locked, std::string &error) {
    static const std::string sql =
        "UPDATE outbox_jobs SET state = $2, attempts = $3::int, next_attempt_at = " + sql::timestamp("$4") +
        ", lease_until = " + sql::timestamp("$5") + ", owner = $6, last_error = $7, "
        "completed_at = CASE WHEN $2 IN ('done', 'failed') THEN now() END WHERE id = $1";
    const auto &job = locked.job;
    const bool running = job.state == JobState::Running;
    const auto result = connection_.exec(
        sql, {id, job_state_name(job.state), std::to_string(job.attempts), std::to_string(job.next_attempt_ms),
              running ? std::optional(std::to_string(job.lease_until_ms)) : std::nullopt,
              running ? std::optional(job.owner) : std::nullopt, unless_empty(job.last_error)});
    if (!result.ok()) {
        error = "updating job " + id + ": " + result.error();
        return false;
    }
    return true;
}

std::optional<ClaimedJob> OutboxStore::claim(std::string &error) {
    if (!usable(error)) return std::nullopt;
    Transaction transaction(connection_);
    if (!transaction.active()) {
        error = "claiming a job: " + transaction.error();
        return std::nullopt;
    }
    // Oldest due first; rows other nodes are claiming right now are skipped, not waited for.
    const auto result = connection_.exec("SELECT " + job_columns() +
                                             " FROM outbox_jobs WHERE due_at <= now() AND "
                                             "(affinity_node IS NULL OR affinity_node = $1) "
                                             "ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED",
                                         {node_id_});
    if (!result.ok()) {
        error = "claiming a job: " + result.error();
        return std::nullopt;
    }
    if (result.rows() == 0) return std::nullopt;
    LockedJob locked;
    read_job(result, locked.job, locked.now_ms);
    const std::string id = result.text(0, Id);
    if (!claim_job(locked.job, node_id_, locked.now_ms, lease_ms_)) return std::nullopt;
    if (!write_back(id, locked, error) || !transaction.commit(error)) return std::nullopt;
    ClaimedJob claimed;
    claimed.id = id;
    claimed.room_id = result.text(0, Room);
    claimed.kind = result.text(0, Kind);
    claimed.payload_json = result.text(0, Payload);
    claimed.progress_json = result.text(0, Progress);
    claimed.attempts = locked.job.attempts;
    claimed.created_ms = locked.job.created_ms;
    claimed.lease_until_ms = locked.job.lease_until_ms;
    return claimed;
}

bool OutboxStore::renew_lease(const std::string &id, std::string &error) {
    if (!usable(error)) return false;
    Transaction transaction(connection_);
    if (!transaction.active()) {
        error = "renewing the lease of job " + id + ": " + transaction.error();
        return false;
    }
    auto locked = lock_job(id, error);
    if (!locked) return false;
    if (!renew_job_lease(locked->job, node_id_, locked->now_ms, lease_ms_)) {
        error = not_held(id);
        return false;
    }
    return write_back(id, *locked, error) && transaction.commit(error);
}

bool OutboxStore::renew_lease(const std::string &id) {
    std::string ignored;
    return renew_lease(id, ignored);
}

bool OutboxStore::save_progress(const std::string &id, const std::string &progress_json, std::string &error) {
    if (!usable(error)) return false;
    error = json_object_error("job progress", progress_json, kMaxProgressBytes);
    if (!error.empty()) return false;
    Transaction transaction(connection_);
    if (!transaction.active()) {
        error = "saving the progress of job " + id + ": " + transaction.error();
        return false;
    }
    auto locked = lock_job(id, error);
    if (!locked) return false;
    if (!holds_job_lease(locked->job, node_id_, locked->now_ms)) {
        error = not_held(id);
        return false;
    }
    const auto result = connection_.exec("UPDATE outbox_jobs SET progress = $2::jsonb WHERE id = $1", {id, progress_json});
    if (!result.ok()) {
        error = "saving the progress of job " + id + ": " + result.error();
        return false;
    }
    return transaction.commit(error);
}

bool OutboxStore::save_progress(const std::string &id, const std::string &progress_json) {
    std::string ignored;
    return save_progress(id, progress_json, ignored);
}

bool OutboxStore::complete(const std::string &id, const std::vector<NewJob> &followups, const RecordingUpdate *update,
                           std::string &error) {
    if (!usable(error)) return false;
    for (const auto &job : followups) {
        error = new_job_error(job);
        if (!error.empty()) return false;
    }
    if (update) {
        error = recording_update_error(*update);
        if (!error.empty()) return false;
    }
    Transaction transaction(connection_);
    if (!transaction.active()) {
        error = "completing job " + id + ": " + transaction.error();
        return false;
    }
    auto locked = lock_job(id, error);
    if (!locked) return false;
    if (!complete_job(locked->job, node_id_, locked->now_ms)) {
        error = not_held(id);
        return false;
    }
    if (!write_back(id, *locked, error) || !insert_jobs(followups, error)) return false;
    if (update && !RecordingRows::update(connection_, *update, error)) return false;
    if (!transaction.commit(error)) {
        error = "completing job " + id + ": " + error;
        return false;
    }
    return true;
}

bool OutboxStore::fail(const std::string &id, const std::string &error_text, bool permanent, std::string &error) {
    if (!usable(error)) return false;
    Transaction transaction(connection_);
    if (!transaction.active()) {
        error = "failing job " + id + ": " + transaction.error();
        return false;
    }
    auto locked = lock_job(id, error);
    if (!locked) return false;
    const double random_unit = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    if (!fail_job(locked->job, node_id_, locked->now_ms, storable_text(error_text), permanent, policy_,
                        random_unit)) {
        error = not_held(id);
        return false;
    }
    return write_back(id, *locked, error) && transaction.commit(error);
}

int64_t OutboxStore::ms_until_next_due() {
    std::string error;
    if (!usable(error)) return -1;
    const auto result = connection_.exec(
        // greatest() skips NULLs: without the CASE, "none waiting" would read as "due now".
        "SELECT CASE WHEN min(due_at) IS NULL THEN -1 "
        "ELSE greatest(0, ceil(extract(epoch FROM min(due_at) - now()) * 1000))::bigint END FROM outbox_jobs "
        "WHERE due_at IS NOT NULL AND (affinity_node IS NULL OR affinity_node = $1)",
        {node_id_});
    if (!result.ok()) return -1;
    return result.int64(0, 0);
}

std::optional<OutboxCounts> OutboxStore::counts(std::string &error) {
    const auto result = connection_.exec("SELECT state, count(*) FROM outbox_jobs GROUP BY state");
    if (!result.ok()) {
        error = "counting jobs: " + result.error();
        return std::nullopt;
    }
    OutboxCounts counts;
    for (int row = 0; row < result.rows(); ++row) {
        const int64_t count = result.int64(row, 1);
        switch (parse_state(result.text(row, 0))) {
        case JobState::Pending: counts.pending = count; break;
        case JobState::Running: counts.running = count; break;
        case JobState::Done: counts.done = count; break;
        case JobState::Failed: counts.failed = count; break;
        }
    }
    return counts;
}

std::string OutboxStore::state_of(const std::string &id) {
    const auto result = connection_.exec("SELECT state FROM outbox_jobs WHERE id = $1", {id});
    return result.ok() && result.rows() == 1 ? result.text(0, 0) : "";
}

int64_t OutboxStore::release_own_jobs(std::string &error) {
    if (!usable(error)) return -1;
    // Only right after this node (re)starts: no thread of it can still be running these.
    const auto result = connection_.exec(
        "UPDATE outbox_jobs SET state = 'pending', next_attempt_at = now(), lease_until = NULL, owner = NULL "
        "WHERE state = 'running' AND owner = $1",
        {node_id_});
    if (!result.ok()) {
        error = "releasing this node's jobs: " + result.error();
        return -1;
    }
    return result.affected_rows();
}

} // namespace roomrec::storage
