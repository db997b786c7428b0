#include "analytics/core/session_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace roomrec::analytics {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct Civil {
    int64_t year, month, day, hour, minute, second;
};

Civil civil_from_unix(int64_t unix_seconds) {
    int64_t days = unix_seconds / 86400, rest = unix_seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const int64_t month = mp < 10 ? mp + 3 : mp - 9;
    return {yoe + era * 400 + (month <= 2), month, day, rest / 3600, rest % 3600 / 60, rest % 60};
}

bool digits(const std::string &text, size_t at, size_t count, int64_t &value) {
    if (at + count > text.size()) return false;
    value = 0;
    for (size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        value = value * 10 + (text[i] - '0');
    }
    return true;
}

std::string group_thousands(const std::string &digits_text) {
    std::string out;
    const size_t n = digits_text.size();
    for (size_t i = 0; i < n; ++i) {
        if (i > 0 && (n - i) % 3 == 0) out += ',';
        out += digits_text[i];
    }
    return out;
}

} // namespace

std::vector<SummaryAttendee> top_attendees(const std::vector<SummaryAttendee> &attendees, size_t n) {
    std::vector<const SummaryAttendee *> order;
    order.reserve(attendees.size());
    for (const auto &attendee : attendees) order.push_back(&attendee);
    std::stable_sort(order.begin(), order.end(), [](const SummaryAttendee *a, const SummaryAttendee *b) {
        return a->minutes_viewed > b->minutes_viewed;
    });
    std::vector<SummaryAttendee> top;
    for (size_t i = 0; i < order.size() && i < n; ++i) top.push_back(*order[i]);
    return top;
}

int64_t summary_span_minutes(const SessionSummary &summary) {
    const int64_t seconds = std::max<int64_t>(0, summary.ended_at - summary.started_at);
    int64_t span = (seconds + 59) / 60;
    if (!summary.timeline.empty()) span = std::max(span, summary.timeline.back().minute + 1);
    return std::max<int64_t>(span, 1);
}

std::string format_utc_minute(int64_t unix_seconds) {
    const Civil c = civil_from_unix(unix_seconds);
    char text[48];
    std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld %02lld:%02lld", static_cast<long long>(c.year),
                  static_cast<long long>(c.month), static_cast<long long>(c.day), static_cast<long long>(c.hour),
                  static_cast<long long>(c.minute));
    return text;
}

std::string format_utc_second(int64_t unix_seconds) {
    const Civil c = civil_from_unix(unix_seconds);
    char text[16];
    std::snprintf(text, sizeof text, ":%02lld UTC", static_cast<long long>(c.second));
    return format_utc_minute(unix_seconds) + text;
}

std::string format_utc_clock(int64_t unix_seconds) { return format_utc_minute(unix_seconds).substr(11); }

bool parse_utc(const std::string &text, int64_t &unix_seconds) {
    int64_t year, month, day, hour, minute, second;
    if (text.size() < 19 || !digits(text, 0, 4, year) || text[4] != '-' || !digits(text, 5, 2, month) ||
        text[7] != '-' || !digits(text, 8, 2, day) || (text[10] != 'T' && text[10] != ' ') ||
        !digits(text, 11, 2, hour) || text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' ||
        !digits(text, 17, 2, second))
        return false;
    size_t at = 19;
    if (at < text.size() && text[at] == '.') {
        ++at;
        const size_t first = at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
        if (at == first || at - first > 9) return false;
    }
    const std::string zone = text.substr(at);
    if (zone != "Z" && zone != "+00:00") return false;
    static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1970 || month < 1 || month > 12 || day < 1 || day > month_days[month - 1] || hour > 23 || minute > 59 ||
        second > 59)
        return false;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap) return false;
    unix_seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    return true;
}

std::string format_duration(int64_t seconds) {
    if (seconds <= 0) return "0 min";
    if (seconds < 30) return "< 1 min";
    const int64_t minutes = (seconds + 30) / 60;
    if (minutes < 60) return std::to_string(minutes) + " min";
    char text[64];
    if (minutes < 2 * 1440)
        std::snprintf(text, sizeof text, "%lld h %02lld min", static_cast<long long>(minutes / 60),
                      static_cast<long long>(minutes % 60));
    else
        std::snprintf(text, sizeof text, "%lld d %02lld h %02lld min", static_cast<long long>(minutes / 1440),
                      static_cast<long long>(minutes % 1440 / 60), static_cast<long long>(minutes % 60));
    return text;
}

std::string format_count(int64_t value) {
    const uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
    return (value < 0 ? "-" : "") + group_thousands(std::to_string(magnitude));
}

std::string format_decimal(double value, int decimals) {
    if (!std::isfinite(value)) return "-";
    decimals = std::clamp(decimals, 0, 6);
    double scale = 1;
    for (int i = 0; i < decimals; ++i) scale *= 10;
    const bool negative = value < 0;
    const double scaled = std::round(std::fabs(value) * scale);
    if (scaled >= 9e18) return negative ? "-huge" : "huge";
    const auto units = static_cast<unsigned long long>(scaled);
    const auto whole = static_cast<unsigned long long>(units / static_cast<unsigned long long>(scale));
    std::string out = group_thousands(std::to_string(whole));
    if (decimals > 0) {
        std::string fraction = std::to_string(units % static_cast<unsigned long long>(scale));
        fraction.insert(0, static_cast<size_t>(decimals) - fraction.size(), '0');
        out += "." + fraction;
    }
    return (negative && units != 0 ? "-" : "") + out;
}

} // namespace roomrec::analytics
