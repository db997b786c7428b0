// MSB-first bits and exp-Golomb codes; reading past the end is safe and remembered.
#include "recorder/core/bit_reader.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::recorder;

static void bits_read_most_significant_first(void **) {
    const uint8_t data[] = {0xa5, 0x0f, 0xff, 0x00, 0x12};
    BitReader bits(data, sizeof data);
    assert_int_equal(bits.bits(1), 1);
    assert_int_equal(bits.bits(3), 2);
    assert_int_equal(bits.bits(4), 5);
    assert_int_equal(bits.bits(12), 0x0ff);
    assert_int_equal(bits.bits(20), 0xf0012);
    assert_true(bits.ok());
    assert_int_equal(bits.bits(1), 0);
    assert_false(bits.ok());
}

static void exp_golomb_codes(void **) {
    // ue: 1 → 0, 010 → 1, 011 → 2, 00100 → 3, 0001000 → 7; se of 00101 (ue 4) → -2, 00100 (3) → 2.
    const uint8_t data[] = {0b10100110, 0b01000001, 0b00000101, 0b00100000};
    BitReader bits(data, sizeof data);
    assert_int_equal(bits.ue(), 0);
    assert_int_equal(bits.ue(), 1);
    assert_int_equal(bits.ue(), 2);
    assert_int_equal(bits.ue(), 3);
    assert_int_equal(bits.ue(), 7);
    assert_int_equal(bits.se(), -2);
    assert_int_equal(bits.se(), 2);
    assert_true(bits.ok());
}

static void the_longest_exp_golomb_code_and_one_longer(void **) {
    // 31 zeros, a one, 31 ones: 2^32 - 2, the largest ue that fits 32 bits.
    uint8_t longest[8] = {0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe};
    BitReader fits(longest, sizeof longest);
    assert_int_equal(fits.ue(), 0xfffffffeu);
    assert_true(fits.ok());
    const uint8_t too_long[9] = {0, 0, 0, 0, 0x80, 0, 0, 0, 0};
    BitReader refused(too_long, sizeof too_long);
    assert_int_equal(refused.ue(), 0);
    assert_false(refused.ok());
    const uint8_t zeros[2] = {0, 0};
    BitReader truncated(zeros, sizeof zeros);
    (void)truncated.ue();
    assert_false(truncated.ok());
}

static void skipping_past_the_end_fails(void **) {
    const uint8_t data[2] = {0xff, 0xff};
    BitReader bits(data, sizeof data);
    bits.skip_bits(16);
    assert_true(bits.ok());
    bits.skip_bits(1);
    assert_false(bits.ok());
    BitReader empty(nullptr, 0);
    assert_int_equal(empty.bits(8), 0);
    assert_false(empty.ok());
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bits_read_most_significant_first),
        cmocka_unit_test(exp_golomb_codes),
        cmocka_unit_test(the_longest_exp_golomb_code_and_one_longer),
        cmocka_unit_test(skipping_past_the_end_fails),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
