// Size bounds: either orientation fits, and the configured "WxH" text.
#include "recorder/core/frame_size.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::recorder;

static void a_frame_fits_in_either_orientation(void **) {
    const SizeBound bound{1920, 1080};
    assert_true(bound.fits({1920, 1080}));
    assert_true(bound.fits({1080, 1920})); // portrait: same memory
    assert_true(bound.fits({640, 360}));
    assert_true(bound.fits({1, 1}));
    assert_false(bound.fits({1921, 1080}));
    assert_false(bound.fits({1920, 1081}));
    assert_false(bound.fits({1920, 1920})); // long side fits, the short one does not
    assert_false(bound.fits({3000, 500}));  // long side past the bound's
    assert_false(bound.fits({16383, 16383}));
    // A bound written portrait means the same.
    assert_true((SizeBound{1080, 1920}).fits({1920, 1080}));
}

static void an_empty_size_never_fits(void **) {
    const SizeBound bound{1920, 1080};
    assert_false(bound.fits({0, 0}));
    assert_false(bound.fits({0, 720}));
    assert_false(bound.fits({-1, 720}));
}

static void sizes_parse_from_text(void **) {
    std::string error;
    assert_true(parse_size_bound("1920x1080", error) == (SizeBound{1920, 1080}));
    assert_true(parse_size_bound("1280X720", error) == (SizeBound{1280, 720}));
    assert_true(parse_size_bound("64x8192", error) == (SizeBound{64, 8192}));
    assert_true(to_string(SizeBound{1280, 720}) == "1280x720");
}

static void bad_size_text_is_refused_with_a_reason(void **) {
    for (const char *text : {"", "1920", "1920x", "x1080", "1920*1080", "1920 x 1080", " 1920x1080", "1920x1080 ",
                             "+1920x1080", "1920x-1080", "19.2x1080", "0x0", "63x1080", "1920x8193", "99999x1080",
                             "4294969216x1080", "1920x1080x3", "axb"}) {
        std::string error;
        if (parse_size_bound(text, error)) fail_msg("accepted \"%s\"", text);
        assert_false(error.empty());
    }
    std::string error;
    (void)parse_size_bound("63x1080", error);
    assert_non_null(std::strstr(error.c_str(), "64-8192"));
    (void)parse_size_bound("1920*1080", error);
    assert_non_null(std::strstr(error.c_str(), "WIDTHxHEIGHT"));
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_frame_fits_in_either_orientation),
        cmocka_unit_test(an_empty_size_never_fits),
        cmocka_unit_test(sizes_parse_from_text),
        cmocka_unit_test(bad_size_text_is_refused_with_a_reason),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
