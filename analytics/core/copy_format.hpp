// Rows in the text format of Postgres' COPY FROM STDIN: fields separated by tabs, rows ended by
// a newline, NULL written \N, and backslash, tab, newline and carriage return escaped, so any
// text survives verbatim. A row with a NUL byte or invalid UTF-8 in any field is refused as a
// whole (the stream is UTF-8 and text ends at NUL in Postgres): replacing bytes would store an
// id that is not the caller's.
#pragma once

#include "analytics/core/telemetry_event.hpp"

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace roomrec::analytics {

using CopyField = std::optional<std::string_view>; // nullopt = NULL

// Appends one row; false (out unchanged, error set) if a field cannot be stored.
bool append_copy_row(std::string &out, std::initializer_list<CopyField> fields, std::string &error);

// "2024-01-31 12:34:56.123456+00": a timestamptz literal in UTC, whatever the session's zone.
std::string format_timestamp_us(int64_t at_us);

// The columns of telemetry_events, in the order append_telemetry_row writes them.
inline constexpr const char *kTelemetryCopyColumns =
    "room_id, node_id, at, session_id, kind, participant_id, user_id, subject_id, value, body";

// One telemetry_events row; false (out unchanged) for an event check_event() refuses. Empty
// participant, user and subject ids and an empty body become NULL.
bool append_telemetry_row(std::string &out, std::string_view node_id, const TelemetryEvent &event, std::string &error);

} // namespace roomrec::analytics
