#include "storage/db/outbox_store.hpp"

#include "storage/core/delivery_input.hpp"
#include "storage/core/outbox_job.hpp"
#include "storage/db/recording_rows.hpp"
#include "storage/db/sql_time.hpp"

#include <pqxx/pqxx>

namespace roomrec::storage {

namespace {

// The columns every operation reads from a locked job, in this order.
enum Column {
    State,
    Attempts,
    Created,
    NextAttempt,
    LeaseUntil,
    Owner,
    LastError,
    Now,
    Id,
    Room,
    Kind,
    Payload,
    Progress
};

const std::string &job_columns() {
    static const std::string columns = "state, attempts, " + sql::ms("created_at") + ", " + sql::ms("next_attempt_at") +
                                       ", " + sql::ms("lease_until") + ", owner, last_error, " + sql::ms("now()") +
                                       ", id, room_id, kind, payload::text, progress::text";
    return columns;
}

// The statements every job passes through, prepared once per connection.
const char *const kInsert = "outbox_insert";
const char *const kClaim = "outbox_claim";
const char *const kLock = "outbox_lock";
const char *const kWriteBack = "outbox_write_back";

void prepare_statements(Database &database) {
    database.prepare(kInsert,
                     "INSERT INTO outbox_jobs (id, room_id, node_id, kind, affinity_node, payload, created_at, "
                     "next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, date_trunc('milliseconds', now()), "
                     "date_trunc('milliseconds', now())) ON CONFLICT (id) DO NOTHING");
    // Oldest due first; rows other nodes are claiming right now are skipped, not waited for.
    database.prepare(kClaim, "SELECT " + job_columns() +
                                 " FROM outbox_jobs WHERE due_at <= now() AND "
                                 "(affinity_node IS NULL OR affinity_node = $1) "
                                 "ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED");
    database.prepare(kLock, "SELECT " + job_columns() + " FROM outbox_jobs WHERE id = $1 FOR UPDATE");
    database.prepare(kWriteBack, "UPDATE outbox_jobs SET state = $2, attempts = $3::int, next_attempt_at = " +
                                     sql::timestamp("$4") + ", lease_until = " + sql::timestamp("$5") +
                                     ", owner = $6, last_error = $7, "
                                     "completed_at = CASE WHEN $2 IN ('done', 'failed') THEN now() END WHERE id = $1");
}

JobState parse_state(const std::string &name) {
    for (auto state : {JobState::Pending, JobState::Running, JobState::Done, JobState::Failed})
        if (name == job_state_name(state)) return state;
    return JobState::Failed; // the table's CHECK admits no other name
}

std::string text(const pqxx::field &field) { return field.as<std::string>(std::string()); }
int64_t int64(const pqxx::field &field) { return field.as<int64_t>(0); }

// The pure core's view of a row read with job_columns(), and the database's now.
void read_job(const pqxx::row &row, OutboxJob &job, int64_t &now_ms) {
    job.state = parse_state(text(row[State]));
    job.attempts = static_cast<int>(int64(row[Attempts]));
    job.created_ms = int64(row[Created]);
    job.next_attempt_ms = int64(row[NextAttempt]);
    job.lease_until_ms = int64(row[LeaseUntil]);
    job.owner = text(row[Owner]);
    job.last_error = text(row[LastError]);
    now_ms = int64(row[Now]);
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

OutboxStore::OutboxStore(Database &database, std::string node_id, RetryPolicy policy, int64_t lease_ms)
    : database_(database), node_id_(std::move(node_id)), policy_(policy), lease_ms_(lease_ms),
      random_(std::random_device{}()) {
    config_error_ = identifier_error("node id", node_id_);
    if (config_error_.empty() && lease_ms_ <= 0) config_error_ = "outbox lease: must be positive";
    if (config_error_.empty() && (policy_.first_delay_ms <= 0 || policy_.max_delay_ms < policy_.first_delay_ms))
        config_error_ = "outbox retry policy: delays must be positive, the cap at least the first delay";
    prepare_statements(database_);
}

bool OutboxStore::usable(std::string &error) const {
    error = config_error_;
    return error.empty();
}

bool OutboxStore::jobs_acceptable(const std::vector<NewJob> &jobs, std::string &error) const {
    if (!usable(error)) return false;
    for (const auto &job : jobs) {
        error = new_job_error(job);
        if (!error.empty()) return false;
    }
    return true;
}

void OutboxStore::insert_jobs(pqxx::transaction_base &transaction, const std::vector<NewJob> &jobs) {
    for (const auto &job : jobs)
        transaction.exec_prepared(kInsert, job.id, job.room_id, node_id_, job.kind, unless_empty(job.affinity_node),
                                  job.payload_json);
}

bool OutboxStore::enqueue(const std::vector<NewJob> &jobs, std::string &error) {
    if (!jobs_acceptable(jobs, error)) return false;
    return database_.run("adding jobs", error, [&](pqxx::connection &connection, std::string &) {
        pqxx::work transaction(connection);
        insert_jobs(transaction, jobs);
        transaction.commit();
        return true;
    });
}

bool OutboxStore::enqueue(pqxx::transaction_base &transaction, const std::vector<NewJob> &jobs, std::string &error) {
    if (!jobs_acceptable(jobs, error)) return false;
    insert_jobs(transaction, jobs);
    return true;
}

std::optional<OutboxStore::LockedJob> OutboxStore::lock_job(pqxx::transaction_base &transaction, const std::string &id,
                                                            std::string &error) {
    error = identifier_error("job id", id);
    if (!error.empty()) return std::nullopt;
    const pqxx::result rows = transaction.exec_prepared(kLock, id);
    if (rows.empty()) {
        error = "no job " + id;
        return std::nullopt;
    }
    LockedJob locked;
    read_job(rows[0], locked.job, locked.now_ms);
    return locked;
}

void OutboxStore::write_back(pqxx::transaction_base &transaction, const std::string &id, const LockedJob &locked) {
    const auto &job = locked.job;
    const bool running = job.state == JobState::Running;
    transaction.exec_prepared(kWriteBack, id, std::string(job_state_name(job.state)), job.attempts, job.next_attempt_ms,
                              running ? std::optional(job.lease_until_ms) : std::nullopt,
                              running ? std::optional(job.owner) : std::nullopt, unless_empty(job.last_error));
}

std::optional<ClaimedJob> OutboxStore::claim(std::string &error) {
    if (!usable(error)) return std::nullopt;
    std::optional<ClaimedJob> claimed;
    database_.run("claiming a job", error, [&](pqxx::connection &connection, std::string &) {
        pqxx::work transaction(connection);
        const pqxx::result rows = transaction.exec_prepared(kClaim, node_id_);
        if (rows.empty()) return true;
        const pqxx::row row = rows[0];
        LockedJob locked;
        read_job(row, locked.job, locked.now_ms);
        const std::string id = text(row[Id]);
        if (!claim_job(locked.job, node_id_, locked.now_ms, lease_ms_)) return true;
        write_back(transaction, id, locked);
        transaction.commit();
        claimed.emplace();
        claimed->id = id;
        claimed->room_id = text(row[Room]);
        claimed->kind = text(row[Kind]);
        claimed->payload_json = text(row[Payload]);
        claimed->progress_json = text(row[Progress]);
        claimed->attempts = locked.job.attempts;
        claimed->created_ms = locked.job.created_ms;
        claimed->lease_until_ms = locked.job.lease_until_ms;
        return true;
    });
    return claimed;
}

bool OutboxStore::renew_lease(const std::string &id, std::string &error) {
    if (!usable(error)) return false;
    return database_.run("renewing the lease of job " + id, error,
                         [&](pqxx::connection &connection, std::string &refused) {
        pqxx::work transaction(connection);
        auto locked = lock_job(transaction, id, refused);
        if (!locked) return false;
        if (!renew_job_lease(locked->job, node_id_, locked->now_ms, lease_ms_)) {
            refused = not_held(id);
            return false;
        }
        write_back(transaction, id, *locked);
        transaction.commit();
        return true;
    });
}

bool OutboxStore::renew_lease(const std::string &id) {
    std::string ignored;
    return renew_lease(id, ignored);
}

bool OutboxStore::save_progress(const std::string &id, const std::string &progress_json, std::string &error) {
    if (!usable(error)) return false;
    error = json_object_error("job progress", progress_json, kMaxProgressBytes);
    if (!error.empty()) return false;
    return database_.run("saving the progress of job " + id, error,
                         [&](pqxx::connection &connection, std::string &refused) {
        pqxx::work transaction(connection);
        auto locked = lock_job(transaction, id, refused);
        if (!locked) return false;
        if (!holds_job_lease(locked->job, node_id_, locked->now_ms)) {
            refused = not_held(id);
            return false;
        }
        transaction.exec_params("UPDATE outbox_jobs SET progress = $2::jsonb WHERE id = $1", id, progress_json);
        transaction.commit();
        return true;
    });
}

bool OutboxStore::save_progress(const std::string &id, const std::string &progress_json) {
    std::string ignored;
    return save_progress(id, progress_json, ignored);
}

bool OutboxStore::complete(const std::string &id, const std::vector<NewJob> &followups, const RecordingUpdate *update,
                           std::string &error, const AlsoWrite &also) {
    if (!jobs_acceptable(followups, error)) return false;
    if (update) {
        error = recording_update_error(*update);
        if (!error.empty()) return false;
    }
    return database_.run("completing job " + id, error, [&](pqxx::connection &connection, std::string &refused) {
        pqxx::work transaction(connection);
        auto locked = lock_job(transaction, id, refused);
        if (!locked) return false;
        if (!complete_job(locked->job, node_id_, locked->now_ms)) {
            refused = not_held(id);
            return false;
        }
        write_back(transaction, id, *locked);
        insert_jobs(transaction, followups);
        if (update && !RecordingRows::update(transaction, *update, refused)) return false;
        if (also && !also(transaction, refused)) return false;
        transaction.commit();
        return true;
    });
}

bool OutboxStore::fail(const std::string &id, const std::string &error_text, bool permanent, std::string &error) {
    if (!usable(error)) return false;
    return database_.run("failing job " + id, error, [&](pqxx::connection &connection, std::string &refused) {
        pqxx::work transaction(connection);
        auto locked = lock_job(transaction, id, refused);
        if (!locked) return false;
        const double random_unit = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
        if (!fail_job(locked->job, node_id_, locked->now_ms, storable_text(error_text), permanent, policy_,
                      random_unit)) {
            refused = not_held(id);
            return false;
        }
        write_back(transaction, id, *locked);
        transaction.commit();
        return true;
    });
}

int64_t OutboxStore::ms_until_next_due() {
    std::string error;
    if (!usable(error)) return -1;
    int64_t due = -1;
    database_.run("reading the next due time", error, [&](pqxx::connection &connection, std::string &) {
        pqxx::nontransaction statement(connection);
        // greatest() skips NULLs: without the CASE, "none waiting" would read as "due now".
        due = int64(statement.exec_params1(
            "SELECT CASE WHEN min(due_at) IS NULL THEN -1 "
            "ELSE greatest(0, ceil(extract(epoch FROM min(due_at) - now()) * 1000))::bigint END FROM outbox_jobs "
            "WHERE due_at IS NOT NULL AND (affinity_node IS NULL OR affinity_node = $1)",
            node_id_)[0]);
        return true;
    });
    return due;
}

std::optional<OutboxCounts> OutboxStore::counts(std::string &error) {
    std::optional<OutboxCounts> counts;
    database_.run("counting jobs", error, [&](pqxx::connection &connection, std::string &) {
        pqxx::nontransaction statement(connection);
        const pqxx::result rows = statement.exec("SELECT state, count(*) FROM outbox_jobs GROUP BY state");
        OutboxCounts read;
        for (const auto &row : rows) {
            const int64_t count = int64(row[1]);
            switch (parse_state(text(row[0]))) {
            case JobState::Pending: read.pending = count; break;
            case JobState::Running: read.running = count; break;
            case JobState::Done: read.done = count; break;
            case JobState::Failed: read.failed = count; break;
            }
        }
        counts = read;
        return true;
    });
    return counts;
}

std::optional<std::vector<OutboxDepth>> OutboxStore::depth(std::string &error) {
    std::optional<std::vector<OutboxDepth>> depth;
    database_.run("measuring the outbox", error, [&](pqxx::connection &connection, std::string &) {
        pqxx::nontransaction statement(connection);
        const pqxx::result rows = statement.exec(
            "SELECT kind, state, count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(due_at) FILTER (WHERE due_at <= "
            "now())), 0)::float8 FROM outbox_jobs WHERE due_at IS NOT NULL GROUP BY kind, state ORDER BY kind, state");
        std::vector<OutboxDepth> read;
        for (const auto &row : rows) read.push_back({text(row[0]), text(row[1]), int64(row[2]), row[3].as<double>()});
        depth = std::move(read);
        return true;
    });
    return depth;
}

std::string OutboxStore::state_of(const std::string &id) {
    std::string state, error;
    if (!identifier_error("job id", id).empty()) return state;
    database_.run("reading a job's state", error, [&](pqxx::connection &connection, std::string &) {
        pqxx::nontransaction statement(connection);
        const pqxx::result rows = statement.exec_params("SELECT state FROM outbox_jobs WHERE id = $1", id);
        if (rows.size() == 1) state = text(rows[0][0]);
        return true;
    });
    return state;
}

int64_t OutboxStore::release_own_jobs(std::string &error) {
    if (!usable(error)) return -1;
    int64_t released = -1;
    database_.run("releasing this node's jobs", error, [&](pqxx::connection &connection, std::string &) {
        pqxx::nontransaction statement(connection);
        // Only while no thread of this node can be running these (DeliveryWorker::prepare_database).
        released = static_cast<int64_t>(
            statement
                .exec_params("UPDATE outbox_jobs SET state = 'pending', next_attempt_at = now(), lease_until = NULL, "
                             "owner = NULL WHERE state = 'running' AND owner = $1",
                             node_id_)
                .affected_rows());
        return true;
    });
    return released;
}

} // namespace roomrec::storage
