// The figures of one room session's PDF summary (A9): the overview numbers, the per-minute
// timeline, the attendees and the recordings, as the report engine computes them. Plain data
// plus the few pure helpers the renderer needs (top attendees, UTC and duration text, number
// text); analytics/core/summary_json parses it from JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace roomrec::analytics {

struct SummaryOverview {
    int64_t live_unique_viewers = 0;
    int64_t recording_unique_viewers = 0;
    double average_minutes_viewed = 0;  // per live viewer
    double average_engagement_rate = 0; // percent, 0-100, time-weighted
    double reaction_users_percent = 0;  // percent of live viewers who reacted
    int64_t reactions = 0;
    int64_t chat_messages = 0;
    int64_t polls = 0;
    int64_t qa_threads = 0;
    int64_t downloads = 0;
    int64_t recording_plays = 0;
};

// One minute of the live session: minute 0 starts at started_at.
struct SummaryMinute {
    int64_t minute = 0;
    int64_t live_viewers = 0;
    double engagement_rate = 0; // percent, 0-100
};

struct SummaryAttendee {
    std::string name;
    std::string role;
    double minutes_viewed = 0;
    double engagement_rate = 0; // percent, 0-100
    int64_t reactions = 0;
    int64_t chat_messages = 0;
};

struct SummaryRecording {
    std::string id;
    std::string title; // may be empty: the id is shown instead
    int64_t impressions = 0;
    int64_t plays = 0;
    double minutes_viewed = 0;
    double average_completion = 0; // percent, 0-100
};

struct SessionSummary {
    std::string room;
    std::string title;
    std::string session;
    int64_t started_at = 0; // Unix seconds, UTC
    int64_t ended_at = 0;   // >= started_at
    SummaryOverview overview;
    std::vector<SummaryMinute> timeline; // sorted by minute, minutes distinct
    std::vector<SummaryAttendee> attendees;
    std::vector<SummaryRecording> recordings;
};

// What one summary may hold; bigger input is refused, not truncated.
inline constexpr size_t kMaxSummaryTimelinePoints = 100'000;
inline constexpr size_t kMaxSummaryAttendees = 10'000;
inline constexpr size_t kMaxSummaryRecordings = 1'000;
inline constexpr size_t kMaxSummaryTextBytes = 4'096;
// Counts and minutes above this are refused (keeps every sum and axis finite and exact).
inline constexpr double kMaxSummaryNumber = 1e15;
// The session's span: at most this many minutes (100,000 minutes, about 69 days).
inline constexpr int64_t kMaxSummaryMinutes = 100'000;

// The attendees with the most minutes viewed, most first (ties: the input's order), at most n.
std::vector<SummaryAttendee> top_attendees(const std::vector<SummaryAttendee> &attendees, size_t n);

// Minutes the chart spans: the session's whole minutes (rounded up), at least one past the last
// timeline point, at least 1.
int64_t summary_span_minutes(const SessionSummary &summary);

// "2026-11-24 09:00" (UTC) of Unix seconds.
std::string format_utc_minute(int64_t unix_seconds);
// "2026-11-24 09:00:05 UTC".
std::string format_utc_second(int64_t unix_seconds);
// "HH:MM" (UTC) of Unix seconds.
std::string format_utc_clock(int64_t unix_seconds);
// Parses "YYYY-MM-DDTHH:MM:SS" with an optional fraction (dropped) and "Z" or "+00:00"
// (a space may stand for the "T"); false on anything else, including other offsets.
bool parse_utc(const std::string &text, int64_t &unix_seconds);

// "40 min", "1 h 05 min", "24 h 00 min", from two days on "68 d 18 h 40 min"; seconds are
// rounded to the nearest minute, and a positive duration under 30 s reads "< 1 min".
std::string format_duration(int64_t seconds);
// "1,234,567": thousands separated by commas.
std::string format_count(int64_t value);
// value with `decimals` decimals (rounded half away from zero) and thousands separators:
// format_decimal(1234.56, 1) = "1,234.6".
std::string format_decimal(double value, int decimals);

} // namespace roomrec::analytics
