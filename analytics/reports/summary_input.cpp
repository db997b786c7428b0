#include "analytics/reports/summary_input.hpp"

#include <cmath>
#include <initializer_list>

namespace roomrec::analytics {
namespace {

const json_t *member(const json_t *object, const char *name) {
    return json_is_object(object) ? json_object_get(object, name) : nullptr;
}

// A count: integers as they are, a real rounded, anything else (null, absent) 0.
json_t *count(const json_t *value) {
    if (json_is_integer(value)) return json_integer(json_integer_value(value) < 0 ? 0 : json_integer_value(value));
    if (json_is_real(value) && std::isfinite(json_real_value(value)) && json_real_value(value) > 0)
        return json_integer(static_cast<json_int_t>(std::llround(json_real_value(value))));
    return json_integer(0);
}

json_t *number(const json_t *value) {
    const double x = json_is_number(value) ? json_number_value(value) : 0.0;
    return json_real(std::isfinite(x) && x > 0 ? x : 0.0);
}

json_t *percent(const json_t *value) {
    const double x = json_is_number(value) ? json_number_value(value) : 0.0;
    return json_real(!std::isfinite(x) || x < 0 ? 0.0 : x > 100 ? 100.0 : x);
}

json_t *text(const json_t *value) { return json_string(json_is_string(value) ? json_string_value(value) : ""); }

// {"count": n, ...} of the overview's activity figures.
json_t *activity_count(const json_t *overview, const char *name) {
    return count(member(member(overview, name), "count"));
}

json_t *overview(const json_t *data) {
    json_t *out = json_object();
    json_object_set_new(out, "live_unique_viewers", count(member(data, "live_unique_viewers")));
    json_object_set_new(out, "recording_unique_viewers", count(member(data, "recording_unique_viewers")));
    json_object_set_new(out, "average_minutes_viewed", number(member(data, "average_minutes_viewed")));
    json_object_set_new(out, "average_engagement_rate", percent(member(data, "live_engagement_rate")));
    json_t *reactions = json_object();
    json_object_set_new(reactions, "count", activity_count(data, "reactions"));
    json_object_set_new(reactions, "users_percent", percent(member(member(data, "reactions"), "users_percent")));
    json_object_set_new(out, "reactions", reactions);
    json_object_set_new(out, "chat_messages", activity_count(data, "chat_messages"));
    json_object_set_new(out, "polls", activity_count(data, "polls"));
    json_object_set_new(out, "qa_threads", activity_count(data, "qa_threads"));
    json_object_set_new(out, "downloads", activity_count(data, "downloads"));
    json_object_set_new(out, "recording_plays", count(member(data, "recording_plays")));
    return out;
}

// One summary row per report row: each field converted from the report's field of that name.
struct Field {
    const char *to;
    const char *from;
    json_t *(*convert)(const json_t *);
};

json_t *rows_of(const json_t *rows, std::initializer_list<Field> fields) {
    json_t *out = json_array();
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row) {
        json_t *converted = json_object();
        for (const Field &field : fields)
            json_object_set_new(converted, field.to, field.convert(member(row, field.from)));
        json_array_append_new(out, converted);
    }
    return out;
}

json_t *timeline(const json_t *data) {
    return rows_of(member(data, "minutes"), {{"minute", "index", count},
                                             {"live_viewers", "live_unique_viewers", count},
                                             {"engagement_rate", "engagement_rate", percent}});
}

json_t *attendees(const json_t *rows) {
    return rows_of(rows, {{"name", "name", text},
                          {"role", "role", text},
                          {"minutes_viewed", "minutes_viewed", number},
                          {"engagement_rate", "engagement_rate", percent},
                          {"reactions", "reactions", count},
                          {"chat_messages", "chat_messages", count}});
}

json_t *recordings(const json_t *data) {
    return rows_of(member(data, "recordings"), {{"id", "recording", text},
                                                {"title", "title", text},
                                                {"impressions", "impressions", count},
                                                {"plays", "plays", count},
                                                {"minutes_viewed", "minutes_viewed", number},
                                                {"average_completion", "average_completion", percent}});
}

} // namespace

common::JsonPtr summary_input(const SummarySources &sources) {
    common::JsonPtr input = common::json_object_ptr();
    json_t *out = input.get();
    json_object_set_new(out, "room", json_string(sources.room.c_str()));
    json_object_set_new(out, "title", json_string(sources.title.c_str()));
    json_object_set_new(out, "session", text(member(sources.overview, "session")));
    // A session still live has no end yet: it ends, for the summary, where it started (the
    // chart then spans the timeline's minutes).
    const json_t *started = member(sources.overview, "started_at");
    const json_t *ended = member(sources.overview, "ended_at");
    json_object_set_new(out, "started_at", text(started));
    json_object_set_new(out, "ended_at", text(json_is_string(ended) ? ended : started));
    json_object_set_new(out, "overview", overview(sources.overview));
    json_object_set_new(out, "timeline", timeline(sources.timeline));
    json_object_set_new(out, "top_attendees", attendees(sources.attendees));
    json_object_set_new(out, "recordings", recordings(sources.recordings));
    return input;
}

} // namespace roomrec::analytics
