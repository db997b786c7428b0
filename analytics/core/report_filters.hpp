// The request for one custom CSV report (A7), from a JSON object (plugin, export jobs) or from
// command-line arguments (roomrec-report custom ...), checked into one struct: which report,
// the time range as [from, to) in unix seconds (UTC days), the id filters and the CSV options.
// Every value is checked here; a filter value reaches SQL only as a bound parameter.
//
// Ranges: last_7_days, last_30_days, last_120_days and last_365_days are the N whole UTC days
// that end with today (the day of `now`), so [today - (N - 1) days, tomorrow). A custom range
// fromDate..toDate (YYYY-MM-DD, UTC, both days included) spans 1 to 366 days.
#pragma once

#include "analytics/core/csv_writer.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roomrec::analytics {

enum class CustomReport { RoomData, AttendeesData, BreakoutSessions, ChatTranscripts, ChatModeration };

inline constexpr std::array<CustomReport, 5> kCustomReports = {
    CustomReport::RoomData, CustomReport::AttendeesData, CustomReport::BreakoutSessions, CustomReport::ChatTranscripts,
    CustomReport::ChatModeration};

const char *custom_report_name(CustomReport report);
std::optional<CustomReport> custom_report_from_name(std::string_view name);

inline constexpr size_t kMaxFilterIds = 1000;
inline constexpr size_t kMaxIdLength = 128;
inline constexpr int kMaxRangeDays = 366;

// Each list empty = no filter on that column; otherwise rows must match one of its ids.
struct ReportFilters {
    std::vector<std::string> entry_ids;         // rooms
    std::vector<std::string> user_ids;          // user keys: user id, or participant id for guests
    std::vector<std::string> cue_point_ids;     // room sessions
    std::vector<std::string> virtual_event_ids; // accepted; no room belongs to a virtual event yet
    std::vector<std::string> parent_entry_ids;  // parent rooms of breakouts
};

struct CustomReportRequest {
    CustomReport report = CustomReport::RoomData;
    std::string range;  // "last_7_days", ... or "custom"
    int64_t from_s = 0; // inclusive, a UTC midnight
    int64_t to_s = 0;   // exclusive, a UTC midnight
    ReportFilters filters;
    CsvOptions csv;
};

// "room_data, attendees_data, ...": for error messages and usage text.
std::string custom_report_names();

// `{"report": NAME, "range": "last_30_days" | "fromDate": D, "toDate": D,
//   "filters": {"entry_ids": [...], ..., "fromDate"?, "toDate"?}, "bom"?: bool,
//   "descriptive_headers"?: bool}`. now_s: the current time (unix seconds).
bool parse_report_request_json(std::string_view json, int64_t now_s, CustomReportRequest &request, std::string &error);

// `REPORT (--range 7d|30d|120d|365d | --from D --to D) [--entry-ids a,b] [--user-ids ...]
//  [--cue-point-ids ...] [--virtual-event-ids ...] [--parent-entry-ids ...] [--bom]
//  [--descriptive-headers]`; options that are not the report's (--postgres, --output) are
// the caller's: it passes only these.
bool parse_report_request_args(const std::vector<std::string> &args, int64_t now_s, CustomReportRequest &request,
                               std::string &error);

// Days since 1970-01-01 of a strict YYYY-MM-DD (years 2000-2099, real calendar days).
std::optional<int64_t> parse_utc_day(std::string_view text);
// YYYY-MM-DD of a day number.
std::string format_utc_day(int64_t day);

} // namespace roomrec::analytics
