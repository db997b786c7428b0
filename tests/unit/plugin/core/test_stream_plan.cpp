// Webcam/stage assignment of published m-lines (R4) and the keyframe limiter (R5).
#include "plugin/core/keyframe_limiter.hpp"
#include "plugin/core/stream_plan.hpp"

#include <cstring>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::plugin;

static const std::vector<OfferedLine> kOffer = {
    {0, "0", MediaKind::Audio, true},
    {1, "1", MediaKind::Video, true},
    {2, "2", MediaKind::Video, true},
};

static std::vector<PlannedStream> plan_ok(const std::vector<OfferedLine> &offer, const char *descriptions) {
    Json json = descriptions ? parse_json(descriptions) : nullptr;
    auto planned = plan_streams(offer, json.get());
    if (auto *error = std::get_if<roomrec::domain::ValidationError>(&planned))
        fail_msg("unexpected error: %s", error->message.c_str());
    return std::get<std::vector<PlannedStream>>(planned);
}

static void expect_error(const std::vector<OfferedLine> &offer, const char *descriptions,
                         roomrec::domain::ErrorCode code, const char *fragment) {
    Json json = parse_json(descriptions);
    auto planned = plan_streams(offer, json.get());
    auto *error = std::get_if<roomrec::domain::ValidationError>(&planned);
    assert_non_null(error);
    assert_int_equal(static_cast<int>(error->code), static_cast<int>(code));
    if (strstr(error->message.c_str(), fragment) == nullptr)
        fail_msg("'%s' lacks '%s'", error->message.c_str(), fragment);
}

static void webcam_and_stage_from_descriptions(void **) {
    const auto plan = plan_ok(kOffer, R"([{"mid":"1","description":"webcam"},{"mid":"2","description":"stage"}])");
    assert_int_equal(plan.size(), 3);
    assert_int_equal(plan[0].source, StreamSource::Webcam);
    assert_int_equal(plan[0].kind, MediaKind::Audio);
    assert_int_equal(plan[1].source, StreamSource::Webcam);
    assert_int_equal(plan[2].source, StreamSource::Stage);
    assert_string_equal(plan[2].mid.c_str(), "2");
}

static void undescribed_lines_are_webcam(void **) {
    const auto plan = plan_ok({{0, "a", MediaKind::Audio, true}, {1, "v", MediaKind::Video, true}}, nullptr);
    assert_int_equal(plan.size(), 2);
    assert_int_equal(plan[1].source, StreamSource::Webcam);
}

static void lines_that_do_not_send_are_left_out(void **) {
    const auto plan = plan_ok({{0, "0", MediaKind::Audio, false}, {1, "1", MediaKind::Video, true}}, nullptr);
    assert_int_equal(plan.size(), 1);
    assert_int_equal(plan[0].index, 1);
}

static void invalid_descriptions(void **) {
    expect_error(kOffer, "[]", roomrec::domain::ErrorCode::UnsupportedMedia,
                 "more than one video stream for the webcam");
    expect_error(kOffer, R"([{"mid":"1","description":"stage"},{"mid":"2","description":"stage"}])",
                 roomrec::domain::ErrorCode::UnsupportedMedia, "stage");
    expect_error(kOffer, R"([{"mid":"9","description":"stage"}])", roomrec::domain::ErrorCode::InvalidElement, "lacks");
    expect_error(kOffer, R"([{"mid":"2","description":"screen"}])", roomrec::domain::ErrorCode::InvalidElement,
                 "webcam");
    expect_error(kOffer, R"([{"mid":"2"}])", roomrec::domain::ErrorCode::MissingElement, "description is required");
    expect_error(kOffer, R"([{"mid":"2","description":"stage"},{"mid":"2","description":"webcam"}])",
                 roomrec::domain::ErrorCode::InvalidElement, "twice");
    expect_error(kOffer, R"({"mid":"2"})", roomrec::domain::ErrorCode::InvalidElement, "must be an array");
    expect_error(kOffer, R"([5])", roomrec::domain::ErrorCode::InvalidElement, "object");
}

static void keyframe_requests_are_rate_limited(void **) {
    KeyframeLimiter limiter(500'000);
    assert_true(limiter.try_acquire(10'000'000));
    assert_false(limiter.try_acquire(10'000'001));
    assert_false(limiter.try_acquire(10'499'999));
    assert_true(limiter.try_acquire(10'500'000));
    assert_false(limiter.try_acquire(10'600'000));
    KeyframeLimiter first(500'000);
    assert_true(first.try_acquire(0)); // the very first request always goes out
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(webcam_and_stage_from_descriptions),  cmocka_unit_test(undescribed_lines_are_webcam),
        cmocka_unit_test(lines_that_do_not_send_are_left_out), cmocka_unit_test(invalid_descriptions),
        cmocka_unit_test(keyframe_requests_are_rate_limited),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
