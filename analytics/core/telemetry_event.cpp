#include "analytics/core/telemetry_event.hpp"

#include "analytics/core/text_check.hpp"
#include "common/utf8.hpp"

namespace roomrec::analytics {

namespace {

// "" when a text column can be stored, else why not.
std::string check_text(const char *what, const std::string &text, size_t limit) {
    if (text.size() > limit) return std::string(what) + ": too long (at most " + std::to_string(limit) + " bytes)";
    if (text.find('\0') != std::string::npos) return std::string(what) + ": contains a NUL byte";
    if (!common::valid_utf8(text)) return std::string(what) + ": not valid UTF-8";
    return "";
}

} // namespace

std::string check_event(const TelemetryEvent &event) {
    if (kind_name(event.kind).empty()) return "kind: unknown";
    if (event.room_id.empty()) return "room id: empty";
    if (event.at_us < kMinAtUs || event.at_us >= kMaxAtUs) return "time: outside 2000-01-01 .. 2100-01-01";
    const std::pair<const char *, const std::string *> ids[] = {{"room id", &event.room_id},
                                                                {"session id", &event.session_id},
                                                                {"participant id", &event.participant_id},
                                                                {"user id", &event.user_id},
                                                                {"subject id", &event.subject_id}};
    for (const auto &[what, text] : ids) {
        std::string error = check_text(what, *text, kMaxIdBytes);
        if (!error.empty()) return error;
    }
    if (event.body_json.empty()) return "";
    std::string error = check_text("body", event.body_json, kMaxBodyBytes);
    if (!error.empty()) return error;
    error = check_json_object(event.body_json);
    return error.empty() ? "" : "body: " + error;
}

} // namespace roomrec::analytics
