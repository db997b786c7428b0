// The outbox job life cycle and the retry schedule behind it (S2-S4).
#include "storage/core/outbox_job.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static const int64_t kLease = 60000;

static void backoff_doubles_to_its_cap_with_bounded_jitter(void **) {
    const RetryPolicy policy; // 1 s first, 5 min cap
    int64_t previous_low = 0;
    for (int failed = 1; failed <= 20; ++failed) {
        int64_t base = 1000;
        for (int n = 1; n < failed && base < policy.max_delay_ms; ++n) base *= 2;
        if (base > policy.max_delay_ms) base = policy.max_delay_ms;
        const int64_t low = *retry_delay_ms(policy, failed, 0, 0.0);
        const int64_t high = *retry_delay_ms(policy, failed, 0, 0.999999);
        assert_int_equal(low, base / 2); // never less than half: no thundering herd at zero
        assert_true(high <= base && high > base - 2);
        assert_true(low >= previous_low);
        previous_low = low;
    }
    assert_int_equal(*retry_delay_ms(policy, 1, 0, 0.5), 750);
    assert_int_equal(*retry_delay_ms(policy, 1000, 0, 0.0), policy.max_delay_ms / 2); // no overflow
    assert_int_equal(*retry_delay_ms(policy, 3, 0, 7.0), 4000 - 1);                   // random clamped below 1
    assert_false(retry_delay_ms(policy, 3, policy.give_up_after_ms, 0.5).has_value());
}

static void a_job_is_claimed_by_one_node_and_completed_by_it(void **) {
    OutboxJob job;
    job.created_ms = 1000;
    job.next_attempt_ms = 1000;
    assert_false(claim_job(job, "node-a", 999, kLease)); // not due yet
    assert_true(claim_job(job, "node-a", 1000, kLease));
    assert_int_equal(job.state, JobState::Running);
    assert_int_equal(job.attempts, 1);
    assert_false(claim_job(job, "node-b", 2000, kLease)); // leased: no double work
    assert_false(complete_job(job, "node-b", 2000));
    assert_true(complete_job(job, "node-a", 2000));
    assert_int_equal(job.state, JobState::Done);
    assert_false(claim_job(job, "node-a", 99999999, kLease)); // done stays done
    assert_false(complete_job(job, "node-a", 2001));
    assert_string_equal(job_state_name(job.state), "done");
}

static void a_dead_nodes_job_is_taken_over_after_its_lease(void **) {
    OutboxJob job;
    assert_true(claim_job(job, "node-a", 0, kLease));
    assert_false(claim_job(job, "node-b", kLease - 1, kLease));
    assert_true(claim_job(job, "node-b", kLease, kLease));
    assert_int_equal(job.attempts, 2);
    assert_string_equal(job.owner.c_str(), "node-b");
    // The old owner finishing late must not overwrite the new claim.
    assert_false(complete_job(job, "node-a", kLease + 1));
    assert_false(complete_job(job, "node-b", 2 * kLease)); // its own lease ran out too
}

static void failures_back_off_then_give_up(void **) {
    const RetryPolicy policy{1000, 8000, 60000};
    OutboxJob job;
    assert_true(claim_job(job, "n", 0, kLease));
    assert_true(fail_job(job, "n", 10, "HTTP 500", false, policy, 0.0));
    assert_int_equal(job.state, JobState::Pending);
    assert_int_equal(job.next_attempt_ms, 10 + 500);
    assert_string_equal(job.last_error.c_str(), "HTTP 500");
    assert_false(claim_job(job, "n", 509, kLease));
    assert_true(claim_job(job, "n", 510, kLease));
    assert_true(fail_job(job, "n", 600, "HTTP 500", false, policy, 0.0));
    assert_int_equal(job.next_attempt_ms, 600 + 1000);
    assert_true(claim_job(job, "n", 60000, kLease));
    assert_true(fail_job(job, "n", 60001, "HTTP 503", false, policy, 0.0)); // failing for > 60 s
    assert_int_equal(job.state, JobState::Failed);
    assert_false(claim_job(job, "n", 10000000, kLease));
    assert_false(fail_job(job, "n", 60002, "late", false, policy, 0.0));
}

static void permanent_errors_fail_at_once(void **) {
    OutboxJob job;
    assert_true(claim_job(job, "n", 0, kLease));
    assert_false(fail_job(job, "other", 1, "x", true, RetryPolicy{}, 0.0));
    assert_true(fail_job(job, "n", 1, "SignatureDoesNotMatch", true, RetryPolicy{}, 0.0));
    assert_int_equal(job.state, JobState::Failed);
}

static void only_the_lease_holder_renews_and_a_lapsed_lease_stays_lapsed(void **) {
    OutboxJob job;
    assert_false(renew_job_lease(job, "n", 0, kLease)); // pending: nobody holds it
    assert_true(claim_job(job, "n", 0, kLease));
    assert_true(holds_job_lease(job, "n", kLease - 1));
    assert_false(holds_job_lease(job, "other", 1));
    assert_false(renew_job_lease(job, "other", 1, kLease));
    assert_true(renew_job_lease(job, "n", 30000, kLease));
    assert_int_equal(job.lease_until_ms, 30000 + kLease);
    assert_true(renew_job_lease(job, "n", 30001, 10)); // a shorter renewal never shortens the lease
    assert_int_equal(job.lease_until_ms, 30000 + kLease);
    assert_int_equal(job.attempts, 1);                               // renewing is not another attempt
    assert_false(renew_job_lease(job, "n", 30000 + kLease, kLease)); // lapsed: another node may have it
    assert_false(holds_job_lease(job, "n", 30000 + kLease));
    assert_true(claim_job(job, "b", 30000 + kLease, kLease));
    assert_false(renew_job_lease(job, "n", 30000 + kLease + 1, kLease));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(backoff_doubles_to_its_cap_with_bounded_jitter),
        cmocka_unit_test(a_job_is_claimed_by_one_node_and_completed_by_it),
        cmocka_unit_test(a_dead_nodes_job_is_taken_over_after_its_lease),
        cmocka_unit_test(failures_back_off_then_give_up),
        cmocka_unit_test(permanent_errors_fail_at_once),
        cmocka_unit_test(only_the_lease_holder_renews_and_a_lapsed_lease_stays_lapsed),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
