#include "analytics/core/report_filters.hpp"

#include "common/json.hpp"
#include "common/utf8.hpp"

#include <algorithm>
#include <cstdio>

namespace roomrec::analytics {

namespace {

constexpr int64_t kDay = 86400;

struct RangeName {
    const char *json;
    const char *cli;
    int days;
};
constexpr RangeName kRanges[] = {{"last_7_days", "7d", 7},
                                 {"last_30_days", "30d", 30},
                                 {"last_120_days", "120d", 120},
                                 {"last_365_days", "365d", 365}};

constexpr const char *kRangeNames = "last_7_days, last_30_days, last_120_days, last_365_days";
constexpr const char *kFilterNames = "entry_ids, user_ids, cue_point_ids, virtual_event_ids, parentEntryIds, "
                                     "fromDate, toDate";
constexpr const char *kJsonFields = "report, range, fromDate, toDate, filters, bom, descriptive_headers";
constexpr const char *kCliOptions = "--range, --from, --to, --entry-ids, --user-ids, --cue-point-ids, "
                                    "--virtual-event-ids, --parent-entry-ids, --bom, --descriptive-headers";

// Howard Hinnant's days_from_civil.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool valid_id(std::string_view id) {
    if (id.empty() || id.size() > kMaxIdLength) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
               c == '.' || c == ':';
    });
}

// What parsing collected before the range is worked out.
struct Draft {
    std::optional<CustomReport> report;
    std::optional<std::string> range, from, to;
    ReportFilters filters;
    CsvOptions csv;
};

std::vector<std::string> *filter_list(ReportFilters &filters, std::string_view name) {
    if (name == "entry_ids") return &filters.entry_ids;
    if (name == "user_ids") return &filters.user_ids;
    if (name == "cue_point_ids") return &filters.cue_point_ids;
    if (name == "virtual_event_ids") return &filters.virtual_event_ids;
    if (name == "parentEntryIds") return &filters.parent_entry_ids;
    return nullptr;
}

bool add_id(std::vector<std::string> &list, std::string_view filter, std::string_view id, std::string &error) {
    if (list.size() >= kMaxFilterIds) {
        error = std::string(filter) + ": more than " + std::to_string(kMaxFilterIds) + " ids";
        return false;
    }
    if (!valid_id(id)) {
        error = std::string(filter) + ": id " + std::to_string(list.size() + 1) +
                " is not an identifier (1-128 characters of A-Z a-z 0-9 _ - . :)";
        return false;
    }
    list.emplace_back(id);
    return true;
}

bool set_once(std::optional<std::string> &slot, std::string_view name, std::string value, std::string &error) {
    if (slot) {
        error = std::string(name) + " given twice";
        return false;
    }
    slot = std::move(value);
    return true;
}

bool set_report(Draft &draft, std::string_view name, std::string &error) {
    draft.report = custom_report_from_name(name);
    if (!draft.report) {
        error = "unknown report '" + common::to_valid_utf8(name.substr(0, 64)) + "' (valid: " + custom_report_names() +
                ")";
        return false;
    }
    return true;
}

bool finish(Draft &draft, int64_t now_s, CustomReportRequest &request, std::string &error) {
    if (!draft.report) {
        error = "no report named (valid: " + custom_report_names() + ")";
        return false;
    }
    CustomReportRequest out;
    out.report = *draft.report;
    if (draft.range && (draft.from || draft.to)) {
        error = "give either a range or fromDate and toDate, not both";
        return false;
    }
    if (draft.range) {
        const RangeName *found = nullptr;
        for (const RangeName &range : kRanges)
            if (*draft.range == range.json || *draft.range == range.cli) found = &range;
        if (!found) {
            error = "unknown range '" + common::to_valid_utf8(draft.range->substr(0, 64)) + "' (valid: " + kRangeNames +
                    ", or fromDate and toDate)";
            return false;
        }
        out.range = found->json;
        out.to_s = (floor_div(now_s, kDay) + 1) * kDay;
        out.from_s = out.to_s - found->days * kDay;
    } else {
        if (!draft.from || !draft.to) {
            error = draft.from || draft.to ? "fromDate and toDate go together"
                                           : "no date range (give range, or fromDate and toDate)";
            return false;
        }
        const auto from = parse_utc_day(*draft.from);
        const auto to = parse_utc_day(*draft.to);
        if (!from || !to) {
            error = std::string(!from ? "fromDate" : "toDate") + " is not a date YYYY-MM-DD (2000-2099)";
            return false;
        }
        if (*from > *to) {
            error = "fromDate " + format_utc_day(*from) + " is after toDate " + format_utc_day(*to);
            return false;
        }
        if (*to - *from + 1 > kMaxRangeDays) {
            error = "the range spans " + std::to_string(*to - *from + 1) + " days (at most " +
                    std::to_string(kMaxRangeDays) + ")";
            return false;
        }
        out.range = "custom";
        out.from_s = *from * kDay;
        out.to_s = (*to + 1) * kDay;
    }
    out.filters = std::move(draft.filters);
    out.csv = draft.csv;
    request = std::move(out);
    return true;
}

bool json_ids(json_t *value, std::string_view filter, std::vector<std::string> &list, std::string &error) {
    if (!json_is_array(value)) {
        error = std::string(filter) + ": not an array of ids";
        return false;
    }
    if (json_array_size(value) > kMaxFilterIds) {
        error = std::string(filter) + ": more than " + std::to_string(kMaxFilterIds) + " ids";
        return false;
    }
    if (!list.empty()) {
        error = std::string(filter) + " given twice";
        return false;
    }
    size_t index;
    json_t *id;
    json_array_foreach(value, index, id) {
        if (!json_is_string(id)) {
            error = std::string(filter) + ": id " + std::to_string(index + 1) + " is not a string";
            return false;
        }
        if (!add_id(list, filter, std::string_view(json_string_value(id), json_string_length(id)), error)) return false;
    }
    return true;
}

bool json_date(json_t *value, std::string_view name, std::optional<std::string> &slot, std::string &error) {
    if (!json_is_string(value)) {
        error = std::string(name) + " is not a date YYYY-MM-DD (2000-2099)";
        return false;
    }
    return set_once(slot, name, std::string(json_string_value(value), json_string_length(value)), error);
}

bool json_bool(json_t *value, std::string_view name, bool &out, std::string &error) {
    if (!json_is_boolean(value)) {
        error = std::string(name) + " is not true or false";
        return false;
    }
    out = json_is_true(value);
    return true;
}

} // namespace

const char *custom_report_name(CustomReport report) {
    switch (report) {
    case CustomReport::RoomData: return "room_data";
    case CustomReport::AttendeesData: return "attendees_data";
    case CustomReport::BreakoutSessions: return "breakout_sessions";
    case CustomReport::ChatTranscripts: return "chat_transcripts";
    case CustomReport::ChatModeration: return "chat_moderation";
    }
    return "?";
}

std::optional<CustomReport> custom_report_from_name(std::string_view name) {
    for (CustomReport report : kCustomReports)
        if (name == custom_report_name(report)) return report;
    return std::nullopt;
}

std::string custom_report_names() {
    std::string names;
    for (CustomReport report : kCustomReports) {
        if (!names.empty()) names += ", ";
        names += custom_report_name(report);
    }
    return names;
}

std::optional<int64_t> parse_utc_day(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
    auto number = [&](size_t at, size_t length) {
        int value = 0;
        for (size_t i = at; i < at + length; ++i) value = value * 10 + (text[i] - '0');
        return value;
    };
    const int year = number(0, 4), month = number(5, 2), day = number(8, 2);
    if (year < 2000 || year > 2099 || month < 1 || month > 12 || day < 1) return std::nullopt;
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    if (day > kDays[month - 1] + (month == 2 && leap ? 1 : 0)) return std::nullopt;
    return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::string format_utc_day(int64_t day) {
    // civil_from_days (Howard Hinnant).
    const int64_t z = day + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    char text[32];
    std::snprintf(text, sizeof text, "%04lld-%02u-%02u", static_cast<long long>(y + (m <= 2)), m, d);
    return text;
}

bool parse_report_request_json(std::string_view json, int64_t now_s, CustomReportRequest &request, std::string &error) {
    json_error_t parse_error;
    common::JsonPtr root(json_loadb(json.data(), json.size(), JSON_REJECT_DUPLICATES, &parse_error));
    if (!root || !json_is_object(root.get())) {
        error = "the request is not a JSON object";
        return false;
    }
    Draft draft;
    const char *key;
    json_t *value;
    json_object_foreach(root.get(), key, value) {
        const std::string_view name(key);
        if (name == "report") {
            if (!json_is_string(value)) {
                error = "report is not a string (valid: " + custom_report_names() + ")";
                return false;
            }
            if (!set_report(draft, json_string_value(value), error)) return false;
        } else if (name == "range") {
            if (!json_is_string(value)) {
                error = std::string("range is not a string (valid: ") + kRangeNames + ")";
                return false;
            }
            if (!set_once(draft.range, "range", json_string_value(value), error)) return false;
        } else if (name == "fromDate") {
            if (!json_date(value, name, draft.from, error)) return false;
        } else if (name == "toDate") {
            if (!json_date(value, name, draft.to, error)) return false;
        } else if (name == "bom") {
            if (!json_bool(value, name, draft.csv.bom, error)) return false;
        } else if (name == "descriptive_headers") {
            if (!json_bool(value, name, draft.csv.descriptive_headers, error)) return false;
        } else if (name == "filters") {
            if (!json_is_object(value)) {
                error = "filters is not an object";
                return false;
            }
            const char *filter;
            json_t *ids;
            json_object_foreach(value, filter, ids) {
                const std::string_view filter_name(filter);
                if (filter_name == "fromDate") {
                    if (!json_date(ids, filter_name, draft.from, error)) return false;
                } else if (filter_name == "toDate") {
                    if (!json_date(ids, filter_name, draft.to, error)) return false;
                } else if (auto *list = filter_list(draft.filters, filter_name)) {
                    if (!json_ids(ids, filter_name, *list, error)) return false;
                } else {
                    error = "unknown filter '" + common::to_valid_utf8(filter_name.substr(0, 64)) +
                            "' (known: " + kFilterNames + ")";
                    return false;
                }
            }
        } else {
            error = "unknown field '" + common::to_valid_utf8(name.substr(0, 64)) + "' (known: " + kJsonFields + ")";
            return false;
        }
    }
    return finish(draft, now_s, request, error);
}

bool parse_report_request_args(const std::vector<std::string> &args, int64_t now_s, CustomReportRequest &request,
                               std::string &error) {
    Draft draft;
    static constexpr std::pair<const char *, const char *> kListOptions[] = {
        {"--entry-ids", "entry_ids"},
        {"--user-ids", "user_ids"},
        {"--cue-point-ids", "cue_point_ids"},
        {"--virtual-event-ids", "virtual_event_ids"},
        {"--parent-entry-ids", "parentEntryIds"}};
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &arg = args[i];
        auto next = [&](std::string &value) {
            if (i + 1 >= args.size()) {
                error = arg + " needs a value";
                return false;
            }
            value = args[++i];
            return true;
        };
        std::string value;
        if (arg.rfind("--", 0) != 0) {
            if (draft.report) {
                error = "unexpected argument '" + common::to_valid_utf8(std::string_view(arg).substr(0, 64)) + "'";
                return false;
            }
            if (!set_report(draft, arg, error)) return false;
        } else if (arg == "--bom") {
            draft.csv.bom = true;
        } else if (arg == "--descriptive-headers") {
            draft.csv.descriptive_headers = true;
        } else if (arg == "--range" || arg == "--from" || arg == "--to") {
            if (!next(value)) return false;
            auto &slot = arg == "--range" ? draft.range : arg == "--from" ? draft.from : draft.to;
            if (!set_once(slot, arg == "--range" ? "range" : arg == "--from" ? "fromDate" : "toDate", value, error))
                return false;
        } else {
            const char *filter = nullptr;
            for (const auto &[option, name] : kListOptions)
                if (arg == option) filter = name;
            if (!filter) {
                error = "unknown option '" + common::to_valid_utf8(std::string_view(arg).substr(0, 64)) +
                        "' (known: " + kCliOptions + ")";
                return false;
            }
            if (!next(value)) return false;
            std::vector<std::string> &list = *filter_list(draft.filters, filter);
            if (!list.empty()) {
                error = std::string(filter) + " given twice";
                return false;
            }
            size_t start = 0;
            while (true) {
                const size_t comma = value.find(',', start);
                const std::string_view id = std::string_view(value).substr(
                    start, comma == std::string::npos ? std::string::npos : comma - start);
                if (!add_id(list, filter, id, error)) return false;
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
        }
    }
    return finish(draft, now_s, request, error);
}

} // namespace roomrec::analytics
