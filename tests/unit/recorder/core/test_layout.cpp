// Composite layout geometry (M2) for 0-12 webcams, with and without a stage.
#include "recorder/core/layout.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::recorder;

static bool inside_canvas(const Rect &r) {
    return r.x >= 0 && r.y >= 0 && r.width > 0 && r.height > 0 && r.x + r.width <= kCanvasWidth &&
           r.y + r.height <= kCanvasHeight;
}

static bool overlap(const Rect &a, const Rect &b) {
    return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

static bool is_16_9_and_even(const Rect &r) {
    // Within the rounding of even sizes.
    return r.width % 2 == 0 && r.height % 2 == 0 && r.x % 2 == 0 && r.y % 2 == 0 &&
           std::abs(r.width * 9 - r.height * 16) <= 32;
}

static void check_layout(const Layout &layout, int webcams, bool stage) {
    assert_int_equal(layout.webcams.size(), webcams);
    std::vector<Rect> all = layout.webcams;
    if (stage) all.push_back(layout.stage);
    else assert_int_equal(layout.stage.width, 0);
    for (size_t i = 0; i < all.size(); ++i) {
        assert_true(inside_canvas(all[i]));
        assert_true(is_16_9_and_even(all[i]));
        for (size_t j = i + 1; j < all.size(); ++j) assert_false(overlap(all[i], all[j]));
    }
}

static void every_count_with_and_without_stage(void **) {
    for (int webcams = 0; webcams <= 12; ++webcams) {
        check_layout(compute_layout(webcams, false), webcams, false);
        check_layout(compute_layout(webcams, true), webcams, true);
    }
}

static void single_webcam_fills_the_canvas(void **) {
    const Layout layout = compute_layout(1, false);
    assert_int_equal(layout.webcams[0].width, 1920);
    assert_int_equal(layout.webcams[0].height, 1080);
    const Layout stage_only = compute_layout(0, true);
    assert_int_equal(stage_only.stage.width, 1920);
    assert_int_equal(stage_only.stage.height, 1080);
}

static void grid_shapes(void **) {
    // 4 webcams: 2x2 of 960x540; 9: 3x3 of 640x360.
    const Layout four = compute_layout(4, false);
    assert_int_equal(four.webcams[3].x, 960);
    assert_int_equal(four.webcams[3].y, 540);
    assert_int_equal(four.webcams[3].width, 960);
    const Layout nine = compute_layout(9, false);
    assert_int_equal(nine.webcams[8].width, 640);
    assert_int_equal(nine.webcams[8].x, 1280);
    assert_int_equal(nine.webcams[8].y, 720);
    // 3 webcams: the lone one in the second row is centred.
    const Layout three = compute_layout(3, false);
    assert_int_equal(three.webcams[2].x + three.webcams[2].width / 2, 960);
}

static void stage_dominates(void **) {
    for (int webcams = 1; webcams <= 12; ++webcams) {
        const Layout layout = compute_layout(webcams, true);
        const long stage_area = static_cast<long>(layout.stage.width) * layout.stage.height;
        for (const Rect &cam : layout.webcams) assert_true(stage_area > 10L * cam.width * cam.height);
        assert_true(layout.stage.width >= 1340);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_count_with_and_without_stage),
        cmocka_unit_test(single_webcam_fills_the_canvas),
        cmocka_unit_test(grid_shapes),
        cmocka_unit_test(stage_dominates),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
