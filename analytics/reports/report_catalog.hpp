// The dashboard reports by name, with the parameters each one declares (docs/API.md "Reports"
// mirrors this table), and the one check every report request goes through: an unknown report,
// an unknown or mistyped parameter is refused here with a stable error code, before any SQL.
// Pure: no Postgres, no Janus.
#pragma once

#include "domain/error_codes.hpp"

#include <jansson.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace roomrec::analytics {

enum class ReportParamKind { Text, Count };

struct ReportParam {
    const char *name;
    ReportParamKind kind;
    int64_t max; // bytes for text, largest value for counts
    bool required = false;
};

struct ReportName {
    const char *name;
    bool per_session; // false: about the whole room (sessions)
    std::span<const ReportParam> params;
    const char *summary;
    // CSV: the arrays in the data whose elements are the rows ("a.b" paths, ','-separated;
    // "" = the data object itself is the one row). More than one: a "section" column says which.
    const char *csv_rows;
};

std::span<const ReportName> report_names();
const ReportName *find_report(std::string_view name);
// "sessions|overview|..." for messages and usage text.
std::string report_name_list();

// What one report request asks, after validation.
struct ReportRequest {
    std::string name;
    std::string room;
    std::string session; // "" = the room's latest session
    std::string search;  // attendees: ≥ 3 letters, or ""
    std::string user;    // attendee: whose details
    int64_t offset = 0;
    int64_t limit = 50;
};

struct ReportError {
    domain::ErrorCode code;
    std::string message;
};

inline constexpr int64_t kDefaultLimit = 50;
inline constexpr int64_t kMaxLimit = 1000;
inline constexpr size_t kMinSearchLetters = 3;

// Fills request from a JSON object whose members are the report's parameters; members named in
// `ignored` (the envelope: request, room, report, session, credentials) are skipped; any other
// member the report does not declare is an error (443), as is a wrong type (443), a value out
// of range (444), a missing required one (442) or a search shorter than three letters (443).
// request.name and request.room must be set by the caller first.
std::optional<ReportError> read_report_params(const json_t *object, std::span<const std::string_view> ignored,
                                              ReportRequest &request);

// The required parameters of request.name are all there (442 otherwise).
std::optional<ReportError> check_required(const ReportRequest &request);

// The same for one "--name value" pair of the CLI (value as text).
std::optional<ReportError> set_report_param(std::string_view param, const std::string &value, ReportRequest &request);

} // namespace roomrec::analytics
