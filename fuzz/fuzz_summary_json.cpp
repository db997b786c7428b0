// The PDF summary's JSON input (analytics/core/summary_json.hpp), as roomrec-summary-pdf reads
// it from a file: any bytes either parse into a summary within the limits or get an error, and a
// parsed summary goes through the layout maths the renderer uses (top attendees, downsampling,
// axis ticks, cell cleaning and truncation with a fake text measure) without breaking them.
#include "analytics/core/pdf_layout.hpp"
#include "analytics/core/summary_json.hpp"
#include "common/utf8.hpp"
#include "fuzz/fuzz_check.hpp"

#include <string>

using namespace roomrec::analytics;

namespace {

// One point per code point: truncation results can be checked exactly.
class CodePointMeasure : public TextMeasure {
public:
    double width(std::string_view text) const override {
        double points = 0;
        for (size_t at = 0; at < text.size();) {
            const size_t length = roomrec::common::utf8_sequence_length(text, at);
            at += length == 0 ? 1 : length;
            ++points;
        }
        return points;
    }
};

void check_text(const std::string &text, const TextMeasure &measure) {
    FUZZ_CHECK(roomrec::common::valid_utf8(text));
    FUZZ_CHECK(text.size() <= kMaxSummaryTextBytes);
    const std::string cell = cell_text(text);
    FUZZ_CHECK(roomrec::common::valid_utf8(cell));
    for (double width : {0.0, 1.0, 7.0, 40.0}) {
        const std::string cut = truncate_to_width(cell, width, measure);
        FUZZ_CHECK(roomrec::common::valid_utf8(cut));
        FUZZ_CHECK(measure.width(cut) <= width);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    SessionSummary summary;
    std::string error;
    if (!parse_session_summary(text, summary, error)) {
        FUZZ_CHECK(!error.empty());
        FUZZ_CHECK(roomrec::common::valid_utf8(error));
        FUZZ_CHECK(summary.timeline.empty() && summary.attendees.empty() && summary.room.empty());
        return 0;
    }
    FUZZ_CHECK(error.empty());
    FUZZ_CHECK(!summary.room.empty());
    FUZZ_CHECK(summary.started_at <= summary.ended_at);
    FUZZ_CHECK(summary.timeline.size() <= kMaxSummaryTimelinePoints);
    FUZZ_CHECK(summary.attendees.size() <= kMaxSummaryAttendees);
    FUZZ_CHECK(summary.recordings.size() <= kMaxSummaryRecordings);
    for (size_t i = 0; i < summary.timeline.size(); ++i) {
        const SummaryMinute &minute = summary.timeline[i];
        FUZZ_CHECK(minute.minute >= 0 && minute.minute < kMaxSummaryMinutes);
        FUZZ_CHECK(i == 0 || summary.timeline[i - 1].minute < minute.minute);
        FUZZ_CHECK(minute.live_viewers >= 0 && minute.engagement_rate >= 0 && minute.engagement_rate <= 100);
    }
    const CodePointMeasure measure;
    check_text(summary.room, measure);
    check_text(summary.title, measure);
    for (const SummaryAttendee &attendee : top_attendees(summary.attendees, 10)) {
        check_text(attendee.name, measure);
        check_text(attendee.role, measure);
    }
    for (const SummaryRecording &recording : summary.recordings) check_text(recording.title, measure);

    const int64_t span = summary_span_minutes(summary);
    const auto points = downsample(summary.timeline, span, 240);
    FUZZ_CHECK(!points.empty() && points.size() <= 240);
    double most = 0;
    int64_t covered = 0;
    for (const ChartPoint &point : points) {
        most = std::max(most, point.viewers);
        covered += point.minutes;
        FUZZ_CHECK(!point.engagement || (*point.engagement >= 0 && *point.engagement <= 100));
    }
    FUZZ_CHECK(covered == span);
    const AxisTicks ticks = nice_ticks(0, most, 5, true);
    FUZZ_CHECK(ticks.max >= most && ticks.values.size() >= 2 && ticks.values.size() <= 8);
    return 0;
}
