// Cutting a file into S3 multipart parts: 5 MiB minimum, smaller last part, 10,000 parts at most.
#include "storage/core/upload_plan.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static const uint64_t MiB = 1ULL << 20;

static void parts_cover_the_file_with_a_smaller_last_part(void **) {
    std::string error;
    const auto plan = plan_upload(20 * MiB + 123, 5 * MiB, error);
    assert_true(plan.has_value());
    assert_int_equal(plan->part_size, 5 * MiB);
    assert_int_equal(plan->parts.size(), 5);
    for (int i = 0; i < 4; ++i) {
        assert_int_equal(plan->parts[i].number, i + 1);
        assert_int_equal(plan->parts[i].offset, i * 5 * MiB);
        assert_int_equal(plan->parts[i].length, 5 * MiB);
    }
    assert_int_equal(plan->parts[4].number, 5);
    assert_int_equal(plan->parts[4].offset, 20 * MiB);
    assert_int_equal(plan->parts[4].length, 123);
}

static void exact_multiple_and_single_byte(void **) {
    std::string error;
    auto plan = plan_upload(16 * MiB, 8 * MiB, error);
    assert_int_equal(plan->parts.size(), 2);
    assert_int_equal(plan->parts[1].length, 8 * MiB);
    plan = plan_upload(1, 5 * MiB, error);
    assert_int_equal(plan->parts.size(), 1);
    assert_int_equal(plan->parts[0].length, 1);
}

static void part_size_grows_past_ten_thousand_parts(void **) {
    std::string error;
    const uint64_t size = 100000 * MiB + 1; // 10,000 parts of 10 MiB do not hold it
    const auto plan = plan_upload(size, 5 * MiB, error);
    assert_true(plan.has_value());
    assert_int_equal(plan->part_size, 11 * MiB); // whole MiB
    assert_true(plan->parts.size() <= 10000);
    uint64_t covered = 0;
    for (const PlannedPart &part : plan->parts) {
        assert_int_equal(part.offset, covered);
        covered += part.length;
    }
    assert_int_equal(covered, size);
    // Exactly 10,000 parts still fit without growing.
    const auto exact = plan_upload(10000 * 5 * MiB, 5 * MiB, error);
    assert_int_equal(exact->part_size, 5 * MiB);
    assert_int_equal(exact->parts.size(), 10000);
    // The largest object S3 takes: parts stay within 5 GiB.
    const auto largest = plan_upload(kMaxObjectSize, 5 * MiB, error);
    assert_true(largest->parts.size() <= 10000);
    assert_true(largest->part_size <= kMaxPartSize);
}

static void bad_inputs_are_refused_with_a_reason(void **) {
    std::string error;
    assert_false(plan_upload(20 * MiB, 5 * MiB - 1, error).has_value());
    assert_non_null(strstr(error.c_str(), "part size"));
    assert_false(plan_upload(20 * MiB, kMaxPartSize + 1, error).has_value());
    assert_false(plan_upload(0, 5 * MiB, error).has_value());
    assert_non_null(strstr(error.c_str(), "empty"));
    assert_false(plan_upload(kMaxObjectSize + 1, 5 * MiB, error).has_value());
    assert_non_null(strstr(error.c_str(), "5 TiB"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parts_cover_the_file_with_a_smaller_last_part),
        cmocka_unit_test(exact_multiple_and_single_byte),
        cmocka_unit_test(part_size_grows_past_ten_thousand_parts),
        cmocka_unit_test(bad_inputs_are_refused_with_a_reason),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
