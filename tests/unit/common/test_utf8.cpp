// Well-formed UTF-8: every valid length at its limits, and each way a sequence can be bad.
#include "common/utf8.hpp"

#include <string>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using roomrec::common::utf8_sequence_length;
using roomrec::common::to_valid_utf8;
using roomrec::common::valid_utf8;

static bool valid(const std::string &text) { return valid_utf8(text); }

static void accepts_one_to_four_byte_forms_at_their_limits(void **) {
    assert_true(valid(""));
    assert_true(valid("plain ascii\t\n"));
    assert_true(valid(std::string(1, '\0')));                        // U+0000 is well-formed (callers refuse NUL)
    assert_true(valid("\x7f"));                                      // U+007F, the last 1-byte form
    assert_true(valid("\xc2\x80"));                                  // U+0080, the first 2-byte form
    assert_true(valid("\xdf\xbf"));                                  // U+07FF
    assert_true(valid("\xe0\xa0\x80"));                              // U+0800, the first 3-byte form
    assert_true(valid("\xed\x9f\xbf"));                              // U+D7FF, just below the surrogates
    assert_true(valid("\xee\x80\x80"));                              // U+E000, just above them
    assert_true(valid("\xef\xbf\xbf"));                              // U+FFFF
    assert_true(valid("\xf0\x90\x80\x80"));                          // U+10000, the first 4-byte form
    assert_true(valid("\xf4\x8f\xbf\xbf"));                          // U+10FFFF, the last code point
    assert_true(valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xa5")); // é € 🎥
}

static void refuses_overlong_forms(void **) {
    assert_false(valid("\xc0\xaf"));         // '/' in two bytes
    assert_false(valid("\xc1\xbf"));         // U+007F in two bytes
    assert_false(valid("\xe0\x80\xaf"));     // '/' in three bytes
    assert_false(valid("\xe0\x9f\xbf"));     // U+07FF in three bytes
    assert_false(valid("\xf0\x80\x80\xaf")); // '/' in four bytes
    assert_false(valid("\xf0\x8f\xbf\xbf")); // U+FFFF in four bytes
}

static void refuses_surrogates(void **) {
    assert_false(valid("\xed\xa0\x80"));             // U+D800
    assert_false(valid("\xed\xaf\xbf"));             // U+DBFF
    assert_false(valid("\xed\xb0\x80"));             // U+DC00
    assert_false(valid("\xed\xbf\xbf"));             // U+DFFF
    assert_false(valid("\xed\xa0\xbd\xed\xb8\x80")); // a CESU-8 pair
}

static void refuses_code_points_above_u10ffff(void **) {
    assert_false(valid("\xf4\x90\x80\x80")); // U+110000
    assert_false(valid("\xf5\x80\x80\x80"));
    assert_false(valid("\xf7\xbf\xbf\xbf"));
    assert_false(valid("\xf8\x88\x80\x80\x80")); // old 5-byte form
    assert_false(valid("\xfc\x84\x80\x80\x80\x80"));
    assert_false(valid("\xfe"));
    assert_false(valid("\xff"));
}

static void refuses_truncated_and_broken_sequences(void **) {
    assert_false(valid("\xc3"));           // 2-byte form cut short
    assert_false(valid("\xe2\x82"));       // 3-byte form cut short
    assert_false(valid("\xf0\x9f\x8e"));   // 4-byte form cut short
    assert_false(valid("ok\xe2\x82"));     // cut short at the very end
    assert_false(valid("\xe2\x82 ok"));    // a space where a continuation byte belongs
    assert_false(valid("ok\xe2\x28\xa1")); // '(' in the middle
    assert_false(valid("\x80"));           // a continuation byte first
    assert_false(valid("a\xbf"
                       "b"));            // a stray continuation byte
    assert_false(valid("\xc3\xa9\xa9")); // one continuation byte too many
}

static void sequence_length_reads_one_sequence(void **) {
    const std::string text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\xa5\xc3";
    assert_int_equal(utf8_sequence_length(text, 0), 1);
    assert_int_equal(utf8_sequence_length(text, 1), 2);
    assert_int_equal(utf8_sequence_length(text, 3), 3);
    assert_int_equal(utf8_sequence_length(text, 6), 4);
    assert_int_equal(utf8_sequence_length(text, 2), 0);  // inside a sequence
    assert_int_equal(utf8_sequence_length(text, 10), 0); // cut short by the end of the text
}

static void invisible_characters_are_named(void **) {
    using roomrec::common::invisible_text_error;
    assert_int_equal(roomrec::common::utf8_code_point("\xf0\x9f\x8e\xa5", 0, 4), 0x1F3A5);
    assert_int_equal(roomrec::common::utf8_code_point("\xe2\x80\xae", 0, 3), 0x202E);
    assert_string_equal(invisible_text_error("Weekly sync \xe2\x9d\xa4\xef\xb8\x8f").c_str(), ""); // heart + VS16
    assert_string_equal(invisible_text_error("").c_str(), "");
    assert_true(invisible_text_error("a\xe2\x80\xae"
                                     "b")
                    .find("U+202E") != std::string::npos);
    assert_true(invisible_text_error("\xf3\xa0\x80\x81").find("U+E0001") != std::string::npos); // a tag
    assert_true(invisible_text_error("\xc2\xad").find("U+00AD") != std::string::npos);
    assert_true(invisible_text_error("\xef\xb8\x8f").find("variation selector") != std::string::npos);
    assert_true(invisible_text_error("a \xef\xb8\x8f").find("variation selector") != std::string::npos);
    for (const char32_t c : {0x202A, 0x202E, 0x2066, 0x2069, 0x200E,  0x200F,  0x061C, 0x200B, 0x200D, 0x2060,
                             0x2064, 0xFEFF, 0x00AD, 0x180E, 0xE0000, 0xE007F, 0x115F, 0x1160, 0x3164, 0xFFA0})
        assert_true(roomrec::common::is_invisible_format(c));
    for (const char32_t c : {0x20, 0x41, 0x05D0, 0x202F, 0x2065, 0x2070, 0x1161, 0xE0080, 0xFE0F, 0x1F3A5})
        assert_false(roomrec::common::is_invisible_format(c));
    assert_true(roomrec::common::is_variation_selector(0xFE00) && roomrec::common::is_variation_selector(0xE01EF));
    using roomrec::common::without_invisible;
    assert_string_equal(without_invisible("Rec - x\xe2\x80\xae"
                                          "cod.mp4")
                            .c_str(),
                        "Rec - xcod.mp4");
    assert_string_equal(without_invisible("\xe2\x9d\xa4\xef\xb8\x8f \xef\xb8\x8f").c_str(),
                        "\xe2\x9d\xa4\xef\xb8\x8f ");
    assert_string_equal(without_invisible("\xe2\x81\xa6\xe2\x80\x8b\xe2\x81\xa9").c_str(), "");
}

static void replaces_what_is_not_utf8(void **) {
    assert_string_equal(to_valid_utf8("caf\xc3\xa9").c_str(), "caf\xc3\xa9");
    assert_string_equal(to_valid_utf8("a\xc3").c_str(), "a\xef\xbf\xbd");              // cut short
    assert_string_equal(to_valid_utf8("\xf4\x90\x80\x80").c_str(),                      // above U+10FFFF
                        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    assert_string_equal(to_valid_utf8("").c_str(), "");
    assert_true(valid_utf8(to_valid_utf8("\x80\xed\xa0\x80z\xff")));
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_one_to_four_byte_forms_at_their_limits),
        cmocka_unit_test(refuses_overlong_forms),
        cmocka_unit_test(replaces_what_is_not_utf8),
        cmocka_unit_test(refuses_surrogates),
        cmocka_unit_test(refuses_code_points_above_u10ffff),
        cmocka_unit_test(refuses_truncated_and_broken_sequences),
        cmocka_unit_test(sequence_length_reads_one_sequence),
        cmocka_unit_test(invisible_characters_are_named),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
