// Batches: ids, the days and minutes they touch, and their spool payload (decoded without
// trusting a byte).
#include "analytics/core/telemetry_batch.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::analytics;

static const int64_t kMinuteUs = 60LL * 1000000;
static const int64_t kDay = 1700000000LL / 86400; // 2023-11-14
static const int64_t kMidnightUs = kDay * 86400 * 1000000;

static TelemetryEvent at(int64_t at_us, const char *subject = "s") {
    TelemetryEvent event;
    event.room_id = "r";
    event.subject_id = subject;
    event.at_us = at_us;
    return event;
}

static TelemetryBatch sample() {
    TelemetryBatch batch;
    batch.id = make_batch_id("node-a", "0123456789abcdef", 7);
    std::string error;
    for (const int64_t when : {kMidnightUs + 5, kMidnightUs - 1, kMidnightUs + 2 * kMinuteUs, kMidnightUs + 6})
        assert_true(add_event(batch, "node-a", at(when), error));
    return batch;
}

static void ids_name_node_start_and_sequence(void **) {
    assert_string_equal(make_batch_id("node-a", "0123456789abcdef", 42).c_str(),
                        "node-a/0123456789abcdef/000000000042");
}

static void a_batch_knows_its_days_minutes_and_span(void **) {
    const TelemetryBatch batch = sample();
    assert_int_equal(batch.rows, 4);
    assert_int_equal(batch.first_at_us, kMidnightUs - 1);
    assert_int_equal(batch.last_at_us, kMidnightUs + 2 * kMinuteUs);
    assert_int_equal(batch.days.size(), 2);
    assert_int_equal(batch.days[0], kDay - 1);
    assert_int_equal(batch.days[1], kDay);
    assert_int_equal(batch.minutes.size(), 3);
    assert_int_equal(batch.minutes[0], kMidnightUs / kMinuteUs - 1);
    assert_int_equal(batch.minutes[2], kMidnightUs / kMinuteUs + 2);
    TelemetryBatch copy = batch;
    std::string error;
    assert_false(add_event(copy, "node-a", at(1), error)); // refused: nothing changes
    assert_int_equal(copy.rows, 4);
    assert_true(copy.copy_text == batch.copy_text);
}

static void the_payload_round_trips(void **) {
    const TelemetryBatch batch = sample();
    std::string error;
    const auto back = decode_batch_payload(batch.id, encode_batch_payload(batch), error);
    assert_true(back.has_value());
    assert_string_equal(back->id.c_str(), batch.id.c_str());
    assert_int_equal(back->rows, batch.rows);
    assert_int_equal(back->first_at_us, batch.first_at_us);
    assert_int_equal(back->last_at_us, batch.last_at_us);
    assert_true(back->days == batch.days);
    assert_true(back->minutes == batch.minutes);
    assert_true(back->copy_text == batch.copy_text);
}

static void damaged_payloads_are_refused(void **) {
    const std::string payload = encode_batch_payload(sample());
    std::string error;
    assert_false(decode_batch_payload("x", "", error).has_value());
    assert_false(decode_batch_payload("x", "XB1\n", error).has_value());
    for (size_t cut = 0; cut < payload.size(); ++cut) // every truncation
        assert_false(decode_batch_payload("x", payload.substr(0, cut), error).has_value());
    std::string extra_row = payload + "r\tn\n";
    assert_false(decode_batch_payload("x", extra_row, error).has_value());
    assert_string_equal(error.c_str(), "batch payload: inconsistent");
    std::string huge_count = payload;
    huge_count[4 + 4 + 8 + 8 + 3] = '\x7f'; // days count high byte
    assert_false(decode_batch_payload("x", huge_count, error).has_value());
    assert_string_equal(error.c_str(), "batch payload: malformed");
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_name_node_start_and_sequence),
        cmocka_unit_test(a_batch_knows_its_days_minutes_and_span),
        cmocka_unit_test(the_payload_round_trips),
        cmocka_unit_test(damaged_payloads_are_refused),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
