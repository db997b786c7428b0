// The durable outbox's job life cycle (S4), as the Postgres adapter applies it with
// FOR UPDATE SKIP LOCKED: a job is committed Pending before anything is tried, claimed by one
// node for a lease, and only marked Done after the upload or webhook succeeded. A node that
// dies mid-job loses its lease and another node takes the job over. Pure, times in ms.
#pragma once

#include "storage/core/retry_schedule.hpp"

#include <cstdint>
#include <string>

namespace roomrec::storage {

enum class JobState { Pending, Running, Done, Failed };
const char *job_state_name(JobState state);

struct OutboxJob {
    JobState state = JobState::Pending;
    int attempts = 0; // claims so far
    int64_t created_ms = 0;
    int64_t next_attempt_ms = 0; // Pending: not before this
    int64_t lease_until_ms = 0;  // Running: the claim expires then
    std::string owner;           // Running: the node working on it
    std::string last_error;
};

// Pending and due, or Running with an expired lease → Running for this node.
bool claim_job(OutboxJob &job, const std::string &node, int64_t now_ms, int64_t lease_ms);
// Running for this node with an unexpired lease: only then may the node finish the job, renew
// its lease or record its progress.
bool holds_job_lease(const OutboxJob &job, const std::string &node, int64_t now_ms);
// A long upload keeps its claim: the lease is pushed to now + lease_ms (never shortened).
bool renew_job_lease(OutboxJob &job, const std::string &node, int64_t now_ms, int64_t lease_ms);
// Only the node holding an unexpired lease may finish a job; false otherwise (nothing changes).
bool complete_job(OutboxJob &job, const std::string &node, int64_t now_ms);
// A failed try: back to Pending after the retry delay, or Failed for good (permanent errors,
// such as a refused signature, and jobs failing for longer than the policy allows).
bool fail_job(OutboxJob &job, const std::string &node, int64_t now_ms, const std::string &error, bool permanent,
              const RetryPolicy &policy, double random_unit);

} // namespace roomrec::storage
