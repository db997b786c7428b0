// HTTP Range requests on served files (seeking in the library's player).
#include "storage/core/byte_range.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;
using Kind = ByteRange::Kind;

static void no_or_foreign_header_serves_the_whole_file(void **) {
    for (const char *header : {"", "items=0-1", "bytes=0-1,5-6", "bytes=abc", "bytes=5-2", "bytes=-", "bytes=x-",
                               "bytes=99999999999999999999-"})
        assert_true(parse_byte_range(header, 1000).kind == Kind::Whole);
}

static void a_closed_range_is_served_as_asked_and_cut_at_the_end(void **) {
    ByteRange range = parse_byte_range("bytes=100-199", 1000);
    assert_true(range.kind == Kind::Partial);
    assert_int_equal(range.first, 100);
    assert_int_equal(range.length, 100);
    range = parse_byte_range("bytes=900-5000", 1000);
    assert_int_equal(range.first, 900);
    assert_int_equal(range.length, 100);
    range = parse_byte_range(" bytes = 0-0", 1000); // " bytes" is not the unit: ignored
    assert_true(range.kind == Kind::Whole);
    range = parse_byte_range("bytes=0-0", 1000);
    assert_int_equal(range.length, 1);
}

static void an_open_range_runs_to_the_end(void **) {
    const ByteRange range = parse_byte_range("bytes=250-", 1000);
    assert_true(range.kind == Kind::Partial);
    assert_int_equal(range.first, 250);
    assert_int_equal(range.length, 750);
}

static void a_suffix_range_is_the_last_bytes(void **) {
    ByteRange range = parse_byte_range("bytes=-100", 1000);
    assert_int_equal(range.first, 900);
    assert_int_equal(range.length, 100);
    range = parse_byte_range("bytes=-5000", 1000);
    assert_int_equal(range.first, 0);
    assert_int_equal(range.length, 1000);
}

static void a_range_past_the_end_is_unsatisfiable(void **) {
    assert_true(parse_byte_range("bytes=1000-", 1000).kind == Kind::Unsatisfiable);
    assert_true(parse_byte_range("bytes=1000-2000", 1000).kind == Kind::Unsatisfiable);
    assert_true(parse_byte_range("bytes=-0", 1000).kind == Kind::Unsatisfiable);
    assert_true(parse_byte_range("bytes=0-", 0).kind == Kind::Unsatisfiable);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_or_foreign_header_serves_the_whole_file),
        cmocka_unit_test(a_closed_range_is_served_as_asked_and_cut_at_the_end),
        cmocka_unit_test(an_open_range_runs_to_the_end),
        cmocka_unit_test(a_suffix_range_is_the_last_bytes),
        cmocka_unit_test(a_range_past_the_end_is_unsatisfiable),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
