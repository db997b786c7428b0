#include "domain/request_table.hpp"

#include "domain/breakout.hpp"

#include <array>
#include <cstring>
#include <string>

namespace roomrec::domain {

namespace {

constexpr std::array kNoParams = std::array<ParamSpec, 0>{};
constexpr std::array kListParams{ParamSpec{"admin_secret", JsonKind::String, false, 256}};
constexpr std::array kRoomOnly{ParamSpec{"room", JsonKind::Identifier, true, 64}};
constexpr std::array kCreateParams{ParamSpec{"admin_secret", JsonKind::String, false, 256}};
constexpr std::array kDestroyParams{ParamSpec{"room", JsonKind::Identifier, true, 64},
                                    ParamSpec{"admin_secret", JsonKind::String, false, 256}};
constexpr std::array kListParticipantsParams{ParamSpec{"room", JsonKind::Identifier, true, 64},
                                             ParamSpec{"admin_secret", JsonKind::String, false, 256}};
constexpr std::array kJoinParams{
    ParamSpec{"room", JsonKind::Identifier, true, 64},
    ParamSpec{"ptype", JsonKind::String, false, 16},
    ParamSpec{"token", JsonKind::String, false, 4096},
    ParamSpec{"role", JsonKind::String, false, 16},
    ParamSpec{"secret", JsonKind::String, false, 256},
    ParamSpec{"user", JsonKind::Object, false, 0},
    ParamSpec{"private_id", JsonKind::Identifier, false, 64},
    ParamSpec{"streams", JsonKind::Array, false, 64, 1, kStreamParams.data(), kStreamParams.size()},
};
constexpr std::array kPublishParams{
    ParamSpec{"descriptions", JsonKind::Array, false, 8, 0, kDescriptionParams.data(), kDescriptionParams.size()}};
constexpr std::array kKickParams{ParamSpec{"participant", JsonKind::Identifier, true, 64},
                                 ParamSpec{"room", JsonKind::Identifier, false, 64},
                                 ParamSpec{"ban_seconds", JsonKind::Integer, false, 72 * 3600, 0}};
constexpr std::array kUnbanParams{ParamSpec{"user", JsonKind::Identifier, true, 128},
                                  ParamSpec{"room", JsonKind::Identifier, false, 64}};
constexpr std::array kStartRecordingParams{ParamSpec{"tracks", JsonKind::Boolean, false, 0}};
constexpr std::array kCloseParams{ParamSpec{"room", JsonKind::Identifier, false, 64}};
constexpr std::array kStageParams{ParamSpec{"participant", JsonKind::Identifier, true, 64},
                                  ParamSpec{"on_stage", JsonKind::Boolean, true, 0}};
constexpr std::array kSubscribeParams{
    ParamSpec{"streams", JsonKind::Array, true, 64, 1, kStreamParams.data(), kStreamParams.size()}};
// Breakout rooms (R8): one request, its action naming what to do (domain/breakout).
constexpr std::array kBreakoutParams{
    ParamSpec{"action", JsonKind::String, true, 16, 0, nullptr, 0, "open|move|close|list"},
    ParamSpec{"title", JsonKind::String, false, 200},
    ParamSpec{"count", JsonKind::Integer, false, kMaxBreakouts, 1},
    ParamSpec{"breakout", JsonKind::Identifier, false, 64},
    ParamSpec{"participants", JsonKind::Array, false, 1000, 1}};
// Room signals.
constexpr std::array kReactParams{ParamSpec{"reaction", JsonKind::String, true, 16}};
constexpr std::array kHandParams{ParamSpec{"raised", JsonKind::Boolean, true, 0},
                                 ParamSpec{"participant", JsonKind::Identifier, false, 64}};
constexpr std::array kChatParams{ParamSpec{"action", JsonKind::String, true, 16},
                                 ParamSpec{"text", JsonKind::String, false, 4000},
                                 ParamSpec{"message", JsonKind::Identifier, false, 64},
                                 ParamSpec{"reply_to", JsonKind::Identifier, false, 64},
                                 ParamSpec{"context", JsonKind::String, false, 16}};
constexpr std::array kModerateParams{ParamSpec{"action", JsonKind::String, true, 16},
                                     ParamSpec{"message", JsonKind::Identifier, true, 64}};
constexpr std::array kPollParams{ParamSpec{"action", JsonKind::String, true, 16},
                                 ParamSpec{"question", JsonKind::String, false, 500},
                                 ParamSpec{"options", JsonKind::Array, false, 10},
                                 ParamSpec{"poll", JsonKind::Identifier, false, 64},
                                 ParamSpec{"choice", JsonKind::Integer, false, 9, 0}};
constexpr std::array kQaParams{ParamSpec{"action", JsonKind::String, true, 16},
                               ParamSpec{"text", JsonKind::String, true, 2000},
                               ParamSpec{"question", JsonKind::Identifier, false, 64}};
constexpr std::array kHeartbeatParams{ParamSpec{"focused", JsonKind::Boolean, false, 0},
                                      ParamSpec{"fullscreen", JsonKind::Boolean, false, 0},
                                      ParamSpec{"sound", JsonKind::Boolean, false, 0},
                                      ParamSpec{"camera", JsonKind::Boolean, false, 0}};
constexpr std::array kDownloadParams{ParamSpec{"attachment", JsonKind::Identifier, true, 128},
                                     ParamSpec{"name", JsonKind::String, false, 255}};
constexpr std::array kEraseUserParams{ParamSpec{"user", JsonKind::String, true, 256}};
constexpr std::array kPlaybackParams{
    ParamSpec{"recording", JsonKind::Identifier, true, 64},
    ParamSpec{"event", JsonKind::String, true, 16},
    ParamSpec{"play", JsonKind::Identifier, false, 64},
    ParamSpec{"position_ms", JsonKind::Integer, false, 7LL * 24 * 3600 * 1000, 0},
    ParamSpec{"duration_ms", JsonKind::Integer, false, 7LL * 24 * 3600 * 1000, 0},
    ParamSpec{"from_ms", JsonKind::Integer, false, 7LL * 24 * 3600 * 1000, 0}};
constexpr std::array kAttachmentParams{
    ParamSpec{"action", JsonKind::String, true, 16, 0, nullptr, 0, "share"},
    ParamSpec{"attachment", JsonKind::Identifier, true, 128},
    ParamSpec{"title", JsonKind::String, true, 200}};
// Reports (A1-A10): the envelope and every report's parameters (analytics/reports/report_catalog
// checks which report takes which).
constexpr std::array kReportParams{ParamSpec{"room", JsonKind::Identifier, true, 64},
                                   ParamSpec{"report", JsonKind::String, true, 32},
                                   ParamSpec{"session", JsonKind::Identifier, false, 64},
                                   ParamSpec{"admin_secret", JsonKind::String, false, 256},
                                   ParamSpec{"token", JsonKind::String, false, 4096},
                                   ParamSpec{"secret", JsonKind::String, false, 256},
                                   ParamSpec{"search", JsonKind::String, false, 128},
                                   ParamSpec{"user", JsonKind::String, false, 256},
                                   ParamSpec{"offset", JsonKind::Integer, false, 1000000, 0},
                                   ParamSpec{"limit", JsonKind::Integer, false, 1000, 1}};

// Exports (A7-A10): a custom CSV report (report_filters checks its fields) or a PDF summary,
// mailed to `email`; the credential as for reports.
constexpr std::array kExportParams{ParamSpec{"room", JsonKind::Identifier, true, 64},
                                   ParamSpec{"format", JsonKind::String, true, 8, 0, nullptr, 0, "csv|pdf"},
                                   ParamSpec{"email", JsonKind::String, false, 254},
                                   ParamSpec{"delivery", JsonKind::String, false, 8, 0, nullptr, 0, "email|link"},
                                   ParamSpec{"report", JsonKind::String, false, 64},
                                   ParamSpec{"range", JsonKind::String, false, 32},
                                   ParamSpec{"fromDate", JsonKind::String, false, 10},
                                   ParamSpec{"toDate", JsonKind::String, false, 10},
                                   ParamSpec{"filters", JsonKind::Object, false, 0},
                                   ParamSpec{"bom", JsonKind::Boolean, false, 0},
                                   ParamSpec{"descriptive_headers", JsonKind::Boolean, false, 0},
                                   ParamSpec{"session", JsonKind::Identifier, false, 64},
                                   ParamSpec{"admin_secret", JsonKind::String, false, 256},
                                   ParamSpec{"token", JsonKind::String, false, 4096},
                                   ParamSpec{"secret", JsonKind::String, false, 256}};
constexpr std::array kExportStatusParams{ParamSpec{"room", JsonKind::Identifier, true, 64},
                                         ParamSpec{"export", JsonKind::Identifier, true, 64},
                                         ParamSpec{"admin_secret", JsonKind::String, false, 256},
                                         ParamSpec{"token", JsonKind::String, false, 4096},
                                         ParamSpec{"secret", JsonKind::String, false, 256}};

// The recordings library (S6): one request, its action naming what to do; the credential is a
// signed token (for any room: it names the user; role host gives host rights in its room), a
// live room's host secret with that room (host rights there, no user) or the admin_secret;
// "open_link" needs only the share link's token.
constexpr std::array kLibraryParams{
    ParamSpec{"action", JsonKind::String, true, 16, 0, nullptr, 0,
              "room|mine|notices|dismiss|details|link|share|unshare|share_link|revoke_link|open_link|rename|delete"},
    ParamSpec{"room", JsonKind::Identifier, false, 64},
    ParamSpec{"recording", JsonKind::Identifier, false, 64},
    ParamSpec{"users", JsonKind::Array, false, 50, 1},
    ParamSpec{"user", JsonKind::String, false, 128},
    ParamSpec{"title", JsonKind::String, false, 200},
    ParamSpec{"expires_in", JsonKind::Integer, false, 30 * 86400, 60},
    ParamSpec{"link", JsonKind::Identifier, false, 64},
    ParamSpec{"share_token", JsonKind::String, false, 128},
    ParamSpec{"file", JsonKind::String, false, 200},
    ParamSpec{"admin_secret", JsonKind::String, false, 256},
    ParamSpec{"token", JsonKind::String, false, 4096},
    ParamSpec{"secret", JsonKind::String, false, 256}};

constexpr std::array<RequestType, 35> kTypes{{
    {"create", kCreateParams, false, true, false},
    {"destroy", kDestroyParams, false, true, false},
    {"list", kListParams, false, true, false},
    {"exists", kRoomOnly, false, true, false},
    {"listparticipants", kListParticipantsParams, false, true, false},
    {"join", kJoinParams, true, false, false},
    {"publish", kPublishParams, true, false, false},
    {"unpublish", kNoParams, false, false, false},
    {"leave", kNoParams, false, false, false},
    {"kick", kKickParams, false, true, false},
    {"unban", kUnbanParams, false, true, false},
    {"close", kCloseParams, false, true, false},
    {"stage", kStageParams, false, false, false},
    {"breakout", kBreakoutParams, false, false, false},
    {"start", kNoParams, true, false, false},
    {"subscribe", kSubscribeParams, true, false, false},
    {"unsubscribe", kSubscribeParams, true, false, false},
    {"start_recording", kStartRecordingParams, false, false, false},
    {"stop_recording", kNoParams, false, false, false},
    {"react", kReactParams, false, false, false},
    {"hand", kHandParams, false, false, false},
    {"chat", kChatParams, false, false, false},
    {"moderate", kModerateParams, false, false, false},
    {"poll", kPollParams, false, false, false},
    {"qa", kQaParams, false, false, false},
    {"heartbeat", kHeartbeatParams, false, false, false},
    {"download", kDownloadParams, false, false, false},
    {"playback", kPlaybackParams, false, false, false},
    {"attachment", kAttachmentParams, false, false, false},
    {"erase_user", kEraseUserParams, false, true, true},
    {"status", kNoParams, false, true, false},
    {"report", kReportParams, false, true, true},
    {"export", kExportParams, false, true, true},
    {"library", kLibraryParams, false, true, true},
    {"export_status", kExportStatusParams, false, true, true},
}};

} // namespace

std::span<const RequestType> request_types() { return kTypes; }

size_t request_index(std::string_view name) {
    for (size_t i = 0; i < kTypes.size(); ++i)
        if (name == kTypes[i].name) return i;
    return kTypes.size();
}

std::variant<const RequestType *, ValidationError> validate_request(const json_t *body, bool admin) {
    if (!json_is_object(body)) return ValidationError{ErrorCode::InvalidBody, "body must be a JSON object"};
    const json_t *name = json_object_get(body, "request");
    if (name == nullptr) return ValidationError{ErrorCode::MissingElement, "request is required"};
    if (!json_is_string(name)) return ValidationError{ErrorCode::InvalidElement, "request must be a string"};
    // A NUL inside the name would otherwise match the declared name before it.
    const std::string_view text(json_string_value(name), json_string_length(name));
    const size_t index = request_index(text);
    if (index == kTypes.size() || (admin && !kTypes[index].admin_api))
        return ValidationError{ErrorCode::UnknownRequest, std::string("unknown request \"") +
                                                              json_string_value(name) + "\"" +
                                                              (admin ? " for the Admin API" : "")};
    const RequestType *type = &kTypes[index];
    if (auto invalid = validate_params(body, type->params)) return *invalid;
    return type;
}

} // namespace roomrec::domain
