#include "analytics/core/summary_json.hpp"

#include "common/json.hpp"
#include "common/utf8.hpp"

#include <algorithm>
#include <cmath>

namespace roomrec::analytics {

namespace {

// Reads the fields of one JSON object; the first problem wins and is kept in `error`.
class Fields {
public:
    Fields(const json_t *object, std::string path, std::string &error)
        : object_(object), path_(std::move(path)), error_(error) {}

    bool ok() const { return error_.empty(); }

    const json_t *get(const char *key) {
        if (!ok()) return nullptr;
        const json_t *value = json_object_get(object_, key);
        if (value == nullptr || json_is_null(value)) fail(key, "is missing");
        return value;
    }

    std::string text(const char *key, bool may_be_empty = false) {
        const json_t *value = get(key);
        if (value == nullptr) return {};
        if (!json_is_string(value)) return fail(key, "must be a string"), std::string();
        const std::string out(json_string_value(value), json_string_length(value));
        if (out.size() > kMaxSummaryTextBytes)
            return fail(key, "is longer than " + std::to_string(kMaxSummaryTextBytes) + " bytes"), std::string();
        if (!may_be_empty && out.empty()) fail(key, "must not be empty");
        return out;
    }

    std::string optional_text(const char *key) {
        if (!ok()) return {};
        const json_t *value = json_object_get(object_, key);
        if (value == nullptr || json_is_null(value)) return {};
        return text(key, true);
    }

    int64_t count(const char *key) {
        const json_t *value = get(key);
        if (value == nullptr) return 0;
        if (!json_is_integer(value)) return fail(key, "must be an integer"), 0;
        const json_int_t number = json_integer_value(value);
        if (number < 0) return fail(key, "must not be negative"), 0;
        if (static_cast<double>(number) > kMaxSummaryNumber) return fail(key, "is too large"), 0;
        return number;
    }

    double number(const char *key, double max = kMaxSummaryNumber) {
        const json_t *value = get(key);
        if (value == nullptr) return 0;
        if (!json_is_number(value)) return fail(key, "must be a number"), 0;
        const double number = json_number_value(value);
        if (!std::isfinite(number)) return fail(key, "must be a finite number"), 0;
        if (number < 0) return fail(key, "must not be negative"), 0;
        if (number > max) return fail(key, max == 100 ? "is a percentage and must not exceed 100" : "is too large"), 0;
        return number;
    }

    double percent(const char *key) { return number(key, 100); }

    int64_t time(const char *key) {
        const std::string value = text(key);
        int64_t seconds = 0;
        if (ok() && !parse_utc(value, seconds)) fail(key, "must be a UTC time like 2026-11-24T09:00:00Z");
        return seconds;
    }

    void fail(const char *key, const std::string &message) {
        if (ok()) error_ = (path_.empty() ? std::string() : path_ + ".") + key + " " + message;
    }

private:
    const json_t *object_;
    std::string path_;
    std::string &error_;
};

const json_t *array_field(Fields &fields, const char *key, size_t limit, std::string &error) {
    const json_t *value = fields.get(key);
    if (value == nullptr) return nullptr;
    if (!json_is_array(value)) return fields.fail(key, "must be an array"), nullptr;
    if (json_array_size(value) > limit) {
        fields.fail(key, "has " + std::to_string(json_array_size(value)) + " entries, more than the limit of " +
                             std::to_string(limit));
        return nullptr;
    }
    return error.empty() ? value : nullptr;
}

bool element_object(const json_t *element, const std::string &path, std::string &error) {
    if (json_is_object(element)) return true;
    error = path + " must be an object";
    return false;
}

void parse_overview(const json_t *value, SummaryOverview &out, std::string &error) {
    if (!element_object(value, "overview", error)) return;
    Fields fields(value, "overview", error);
    out.live_unique_viewers = fields.count("live_unique_viewers");
    out.recording_unique_viewers = fields.count("recording_unique_viewers");
    out.average_minutes_viewed = fields.number("average_minutes_viewed");
    out.average_engagement_rate = fields.percent("average_engagement_rate");
    if (const json_t *reactions = fields.get("reactions")) {
        if (!element_object(reactions, "overview.reactions", error)) return;
        Fields reaction_fields(reactions, "overview.reactions", error);
        out.reaction_users_percent = reaction_fields.percent("users_percent");
        out.reactions = reaction_fields.count("count");
    }
    out.chat_messages = fields.count("chat_messages");
    out.polls = fields.count("polls");
    out.qa_threads = fields.count("qa_threads");
    out.downloads = fields.count("downloads");
    out.recording_plays = fields.count("recording_plays");
}

void parse_timeline(const json_t *array, int64_t started_at, std::vector<SummaryMinute> &out, std::string &error) {
    out.reserve(json_array_size(array));
    for (size_t i = 0; i < json_array_size(array) && error.empty(); ++i) {
        const std::string path = "timeline[" + std::to_string(i) + "]";
        const json_t *element = json_array_get(array, i);
        if (!element_object(element, path, error)) return;
        Fields fields(element, path, error);
        SummaryMinute minute;
        // A point names its minute as an offset from started_at or as a UTC time in that minute.
        if (json_object_get(element, "at") != nullptr && json_object_get(element, "minute") == nullptr) {
            const int64_t at = fields.time("at");
            if (fields.ok() && at < started_at) fields.fail("at", "is before started_at");
            minute.minute = (at - started_at) / 60;
        } else {
            minute.minute = fields.count("minute");
        }
        if (fields.ok() && minute.minute >= kMaxSummaryMinutes)
            fields.fail("minute", "is beyond the longest session (" + std::to_string(kMaxSummaryMinutes) + " minutes)");
        minute.live_viewers = fields.count("live_viewers");
        minute.engagement_rate = fields.percent("engagement_rate");
        out.push_back(minute);
    }
    if (!error.empty()) return;
    std::stable_sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.minute < b.minute; });
    for (size_t i = 1; i < out.size(); ++i)
        if (out[i].minute == out[i - 1].minute) {
            error = "timeline has minute " + std::to_string(out[i].minute) + " twice";
            return;
        }
}

void parse_attendees(const json_t *array, std::vector<SummaryAttendee> &out, std::string &error) {
    out.reserve(json_array_size(array));
    for (size_t i = 0; i < json_array_size(array) && error.empty(); ++i) {
        const std::string path = "top_attendees[" + std::to_string(i) + "]";
        const json_t *element = json_array_get(array, i);
        if (!element_object(element, path, error)) return;
        Fields fields(element, path, error);
        SummaryAttendee attendee;
        attendee.name = fields.text("name", true);
        attendee.role = fields.text("role", true);
        attendee.minutes_viewed = fields.number("minutes_viewed");
        attendee.engagement_rate = fields.percent("engagement_rate");
        attendee.reactions = fields.count("reactions");
        attendee.chat_messages = fields.count("chat_messages");
        out.push_back(std::move(attendee));
    }
}

void parse_recordings(const json_t *array, std::vector<SummaryRecording> &out, std::string &error) {
    for (size_t i = 0; i < json_array_size(array) && error.empty(); ++i) {
        const std::string path = "recordings[" + std::to_string(i) + "]";
        const json_t *element = json_array_get(array, i);
        if (!element_object(element, path, error)) return;
        Fields fields(element, path, error);
        SummaryRecording recording;
        recording.id = fields.text("id");
        recording.title = fields.optional_text("title");
        recording.impressions = fields.count("impressions");
        recording.plays = fields.count("plays");
        recording.minutes_viewed = fields.number("minutes_viewed");
        recording.average_completion = fields.percent("average_completion");
        out.push_back(std::move(recording));
    }
}

} // namespace

bool parse_session_summary(std::string_view text, SessionSummary &summary, std::string &error) {
    summary = SessionSummary{};
    error.clear();
    if (text.size() > kMaxSummaryJsonBytes) {
        error = "input is larger than " + std::to_string(kMaxSummaryJsonBytes) + " bytes";
        return false;
    }
    if (!common::valid_utf8(text)) {
        error = "input is not valid UTF-8";
        return false;
    }
    json_error_t json_error;
    // JSON_REJECT_DUPLICATES: a key given twice has no single meaning.
    const common::JsonPtr root(json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES, &json_error));
    if (!root) {
        error = "input is not valid JSON (line " + std::to_string(json_error.line) + ", column " +
                std::to_string(json_error.column) + "): " + common::to_valid_utf8(json_error.text);
        return false;
    }
    if (!element_object(root.get(), "input", error)) return false;
    Fields fields(root.get(), "", error);
    summary.room = fields.text("room");
    summary.title = fields.text("title", true);
    summary.session = fields.text("session", true);
    summary.started_at = fields.time("started_at");
    summary.ended_at = fields.time("ended_at");
    if (fields.ok() && summary.ended_at < summary.started_at) fields.fail("ended_at", "is before started_at");
    if (fields.ok() && (summary.ended_at - summary.started_at) / 60 > kMaxSummaryMinutes)
        fields.fail("ended_at", "is more than " + std::to_string(kMaxSummaryMinutes) + " minutes after started_at");
    if (const json_t *overview = fields.get("overview")) parse_overview(overview, summary.overview, error);
    if (const json_t *timeline = array_field(fields, "timeline", kMaxSummaryTimelinePoints, error))
        parse_timeline(timeline, summary.started_at, summary.timeline, error);
    if (const json_t *attendees = array_field(fields, "top_attendees", kMaxSummaryAttendees, error))
        parse_attendees(attendees, summary.attendees, error);
    if (const json_t *recordings = array_field(fields, "recordings", kMaxSummaryRecordings, error))
        parse_recordings(recordings, summary.recordings, error);
    if (!error.empty()) summary = SessionSummary{};
    return error.empty();
}

} // namespace roomrec::analytics
