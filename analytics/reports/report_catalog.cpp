#include "analytics/reports/report_catalog.hpp"

#include "common/utf8.hpp"

#include <array>
#include <cerrno>
#include <cstdlib>

namespace roomrec::analytics {
namespace {

constexpr std::array<ReportParam, 0> kNone{};
constexpr std::array kAttendeesParams{ReportParam{"search", ReportParamKind::Text, 128},
                                      ReportParam{"offset", ReportParamKind::Count, 1000000},
                                      ReportParam{"limit", ReportParamKind::Count, kMaxLimit}};
constexpr std::array kAttendeeParams{ReportParam{"user", ReportParamKind::Text, 256, true}};
constexpr std::array kHeatmapParams{ReportParam{"offset", ReportParamKind::Count, 1000000},
                                    ReportParam{"limit", ReportParamKind::Count, kMaxLimit}};

constexpr std::array kNames{
    ReportName{"sessions", false, kNone, "the room's sessions and its breakouts", "sessions,breakouts"},
    ReportName{"overview", true, kNone, "viewers, minutes viewed, engagement, activities (A1)", ""},
    ReportName{"timeline", true, kNone, "per minute: live viewers, engagement rate, reactions (A2)", "minutes"},
    ReportName{"attendees", true, kAttendeesParams, "the attendee table, searchable and paged (A3)", "attendees"},
    ReportName{"attendee", true, kAttendeeParams, "one attendee's details (A3)", ""},
    ReportName{"heatmap", true, kHeatmapParams, "per attendee per minute: engaged / not / offline (A4)", "rows"},
    ReportName{"stage", true, kNone, "time on stage per user and presented media (A3b)", "stage,media"},
    ReportName{"media", true, kNone, "presented media: who, what, from, to (A3b)", "media"},
    ReportName{"recordings", true, kNone, "impressions, plays, minutes, completion, per user (A5)", "recordings"},
    ReportName{"geography", true, kNone, "countries and devices, live and recording (A6)",
               "live.countries,live.devices,recording.countries,recording.devices"},
};

const ReportParam *find_param(const ReportName &report, std::string_view name) {
    for (const auto &param : report.params)
        if (name == param.name) return &param;
    return nullptr;
}

size_t letters(const std::string &text) {
    size_t count = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80 && c != ' ') ++count; // code points other than spaces
    return count;
}

std::optional<ReportError> store(const ReportParam &param, const std::string &text, int64_t number,
                                 ReportRequest &request) {
    const std::string name = param.name;
    if (param.kind == ReportParamKind::Text) {
        if (static_cast<int64_t>(text.size()) > param.max)
            return ReportError{domain::ErrorCode::ElementTooLong,
                               name + " is longer than " + std::to_string(param.max) + " bytes"};
        if (!common::valid_utf8(text))
            return ReportError{domain::ErrorCode::InvalidElement, name + " is not valid UTF-8"};
        if (name == "search") {
            if (!text.empty() && letters(text) < kMinSearchLetters)
                return ReportError{domain::ErrorCode::InvalidElement, "search needs at least 3 letters"};
            request.search = text;
        } else if (name == "user") {
            if (text.empty()) return ReportError{domain::ErrorCode::InvalidElement, "user must not be empty"};
            request.user = text;
        }
        return std::nullopt;
    }
    if (number < 0 || number > param.max)
        return ReportError{domain::ErrorCode::ElementTooLong,
                           name + " must be between 0 and " + std::to_string(param.max)};
    if (name == "offset") request.offset = number;
    if (name == "limit") {
        if (number == 0) return ReportError{domain::ErrorCode::ElementTooLong, "limit must be at least 1"};
        request.limit = number;
    }
    return std::nullopt;
}

} // namespace

std::span<const ReportName> report_names() { return kNames; }

const ReportName *find_report(std::string_view name) {
    for (const auto &report : kNames)
        if (name == report.name) return &report;
    return nullptr;
}

std::string report_name_list() {
    std::string list;
    for (const auto &report : kNames) list += (list.empty() ? "" : "|") + std::string(report.name);
    return list;
}

std::optional<ReportError> read_report_params(const json_t *object, std::span<const std::string_view> ignored,
                                              ReportRequest &request) {
    const ReportName *report = find_report(request.name);
    if (!report)
        return ReportError{domain::ErrorCode::InvalidElement,
                           "unknown report \"" + request.name + "\" (one of " + report_name_list() + ")"};
    if (!json_is_object(object)) return ReportError{domain::ErrorCode::InvalidBody, "parameters must be an object"};
    const char *key;
    json_t *value;
    json_object_foreach(const_cast<json_t *>(object), key, value) {
        bool skip = false;
        for (const auto &name : ignored) skip = skip || name == key;
        if (skip) continue;
        const ReportParam *param = find_param(*report, key);
        if (!param)
            return ReportError{domain::ErrorCode::InvalidElement,
                               "report " + request.name + " has no parameter \"" + std::string(key) + "\""};
        if (param->kind == ReportParamKind::Text && !json_is_string(value))
            return ReportError{domain::ErrorCode::InvalidElement, std::string(key) + " must be a string"};
        if (param->kind == ReportParamKind::Count && !json_is_integer(value))
            return ReportError{domain::ErrorCode::InvalidElement, std::string(key) + " must be an integer"};
        const std::string text = json_is_string(value)
                                     ? std::string(json_string_value(value), json_string_length(value))
                                     : "";
        if (auto error = store(*param, text, json_is_integer(value) ? json_integer_value(value) : 0, request))
            return error;
    }
    return check_required(request);
}

std::optional<ReportError> check_required(const ReportRequest &request) {
    const ReportName *report = find_report(request.name);
    if (!report) return ReportError{domain::ErrorCode::InvalidElement, "unknown report \"" + request.name + "\""};
    for (const auto &param : report->params)
        if (param.required && std::string_view(param.name) == "user" && request.user.empty())
            return ReportError{domain::ErrorCode::MissingElement, std::string(param.name) + " is required"};
    return std::nullopt;
}

std::optional<ReportError> set_report_param(std::string_view name, const std::string &value, ReportRequest &request) {
    const ReportName *report = find_report(request.name);
    if (!report)
        return ReportError{domain::ErrorCode::InvalidElement,
                           "unknown report \"" + request.name + "\" (one of " + report_name_list() + ")"};
    const ReportParam *param = find_param(*report, name);
    if (!param)
        return ReportError{domain::ErrorCode::InvalidElement,
                           "report " + request.name + " has no parameter --" + std::string(name)};
    int64_t number = 0;
    if (param->kind == ReportParamKind::Count) {
        char *end = nullptr;
        errno = 0;
        const long long parsed = std::strtoll(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || errno != 0)
            return ReportError{domain::ErrorCode::InvalidElement, "--" + std::string(name) + " must be an integer"};
        number = parsed;
    }
    return store(*param, value, number, request);
}

} // namespace roomrec::analytics
