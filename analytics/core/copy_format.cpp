#include "analytics/core/copy_format.hpp"

#include "common/utf8.hpp"

#include <cstdio>

namespace roomrec::analytics {

namespace {

void append_escaped(std::string &out, std::string_view text) {
    size_t plain = 0; // start of the run of bytes that need no escape
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const char *escape = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : nullptr;
        if (!escape) continue;
        out.append(text.data() + plain, i - plain);
        out.append(escape, 2);
        plain = i + 1;
    }
    out.append(text.data() + plain, text.size() - plain);
}

// Days since 1970-01-01 to a civil date (Howard Hinnant's days_from_civil, inverted).
void civil_from_days(int64_t days, int64_t &year, unsigned &month, unsigned &day) {
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto day_of_era = static_cast<unsigned>(days - era * 146097);
    const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const unsigned month_index = (5 * day_of_year + 2) / 153;
    day = day_of_year - (153 * month_index + 2) / 5 + 1;
    month = month_index < 10 ? month_index + 3 : month_index - 9;
    year = static_cast<int64_t>(year_of_era) + era * 400 + (month <= 2);
}

int64_t floor_div(int64_t value, int64_t divisor) {
    const int64_t quotient = value / divisor;
    return quotient - ((value % divisor != 0) && ((value < 0) != (divisor < 0)));
}

} // namespace

bool append_copy_row(std::string &out, std::initializer_list<CopyField> fields, std::string &error) {
    size_t index = 0;
    for (const auto &field : fields) {
        ++index;
        if (!field) continue;
        if (field->find('\0') != std::string_view::npos) {
            error = "field " + std::to_string(index) + " contains a NUL byte";
            return false;
        }
        if (!common::valid_utf8(*field)) {
            error = "field " + std::to_string(index) + " is not valid UTF-8";
            return false;
        }
    }
    bool first = true;
    for (const auto &field : fields) {
        if (!first) out.push_back('\t');
        first = false;
        if (field) {
            append_escaped(out, *field);
        } else {
            out.append("\\N");
        }
    }
    out.push_back('\n');
    return true;
}

std::string format_timestamp_us(int64_t at_us) {
    const int64_t seconds = floor_div(at_us, 1000000);
    const int64_t micros = at_us - seconds * 1000000;
    const int64_t days = floor_div(seconds, 86400);
    const int64_t second_of_day = seconds - days * 86400;
    int64_t year;
    unsigned month, day;
    civil_from_days(days, year, month, day);
    char text[96];
    std::snprintf(text, sizeof text, "%04lld-%02u-%02u %02lld:%02lld:%02lld.%06lld+00", static_cast<long long>(year),
                  month, day, static_cast<long long>(second_of_day / 3600),
                  static_cast<long long>(second_of_day / 60 % 60), static_cast<long long>(second_of_day % 60),
                  static_cast<long long>(micros));
    return text;
}

bool append_telemetry_row(std::string &out, std::string_view node_id, const TelemetryEvent &event, std::string &error) {
    error = check_event(event);
    if (!error.empty()) return false;
    const auto optional = [](const std::string &text) { return text.empty() ? CopyField() : CopyField(text); };
    const std::string at = format_timestamp_us(event.at_us);
    const std::string value = std::to_string(event.value);
    return append_copy_row(out,
                           {event.room_id, node_id, at, event.session_id, kind_name(event.kind),
                            optional(event.participant_id), optional(event.user_id), optional(event.subject_id), value,
                            optional(event.body_json)},
                           error);
}

} // namespace roomrec::analytics
