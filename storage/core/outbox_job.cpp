#include "storage/core/outbox_job.hpp"

#include <algorithm>

namespace roomrec::storage {

const char *job_state_name(JobState state) {
    switch (state) {
    case JobState::Pending: return "pending";
    case JobState::Running: return "running";
    case JobState::Done: return "done";
    case JobState::Failed: return "failed";
    }
    return "pending";
}

bool holds_job_lease(const OutboxJob &job, const std::string &node, int64_t now_ms) {
    return job.state == JobState::Running && job.owner == node && now_ms < job.lease_until_ms;
}

bool renew_job_lease(OutboxJob &job, const std::string &node, int64_t now_ms, int64_t lease_ms) {
    if (!holds_job_lease(job, node, now_ms)) return false;
    job.lease_until_ms = std::max(job.lease_until_ms, now_ms + lease_ms);
    return true;
}

bool claim_job(OutboxJob &job, const std::string &node, int64_t now_ms, int64_t lease_ms) {
    const bool due = job.state == JobState::Pending && job.next_attempt_ms <= now_ms;
    const bool abandoned = job.state == JobState::Running && job.lease_until_ms <= now_ms;
    if (!due && !abandoned) return false;
    job.state = JobState::Running;
    job.owner = node;
    job.lease_until_ms = now_ms + lease_ms;
    job.attempts++;
    return true;
}

bool complete_job(OutboxJob &job, const std::string &node, int64_t now_ms) {
    if (!holds_job_lease(job, node, now_ms)) return false;
    job.state = JobState::Done;
    job.owner.clear();
    job.last_error.clear();
    return true;
}

bool fail_job(OutboxJob &job, const std::string &node, int64_t now_ms, const std::string &error, bool permanent,
              const RetryPolicy &policy, double random_unit) {
    if (!holds_job_lease(job, node, now_ms)) return false;
    job.last_error = error;
    job.owner.clear();
    const auto delay = permanent ? std::nullopt
                                 : retry_delay_ms(policy, job.attempts, now_ms - job.created_ms, random_unit);
    if (!delay) {
        job.state = JobState::Failed;
        return true;
    }
    job.state = JobState::Pending;
    job.next_attempt_ms = now_ms + *delay;
    return true;
}

} // namespace roomrec::storage
