// Every request the plugin accepts, with its declared parameters (docs/API.md mirrors this).
#include "plugin.hpp"

#include <array>
#include <cstring>

namespace roomrec {

using core::JsonKind;
using core::ParamSpec;

namespace {

constexpr std::array kNoParams = std::array<ParamSpec, 0>{};
constexpr std::array kRoomOnly{ParamSpec{"room", JsonKind::Identifier, true, 64}};
constexpr std::array kCreateParams{ParamSpec{"admin_secret", JsonKind::String, false, 256}};
constexpr std::array kDestroyParams{ParamSpec{"room", JsonKind::Identifier, true, 64},
                                    ParamSpec{"admin_secret", JsonKind::String, false, 256}};
constexpr std::array kListParticipantsParams{ParamSpec{"room", JsonKind::Identifier, true, 64},
                                             ParamSpec{"admin_secret", JsonKind::String, false, 256}};
constexpr std::array kJoinParams{
    ParamSpec{"room", JsonKind::Identifier, true, 64},      ParamSpec{"ptype", JsonKind::String, false, 16},
    ParamSpec{"token", JsonKind::String, false, 4096},      ParamSpec{"role", JsonKind::String, false, 16},
    ParamSpec{"secret", JsonKind::String, false, 256},      ParamSpec{"user", JsonKind::Object, false, 0},
    ParamSpec{"private_id", JsonKind::Identifier, false, 64}, ParamSpec{"streams", JsonKind::Array, false, 64},
};
constexpr std::array kPublishParams{ParamSpec{"descriptions", JsonKind::Array, false, 8}};
constexpr std::array kTargetParams{ParamSpec{"participant", JsonKind::Identifier, true, 64},
                                   ParamSpec{"room", JsonKind::Identifier, false, 64}};
constexpr std::array kCloseParams{ParamSpec{"room", JsonKind::Identifier, false, 64}};
constexpr std::array kStageParams{ParamSpec{"participant", JsonKind::Identifier, true, 64},
                                  ParamSpec{"on_stage", JsonKind::Boolean, true, 0}};
constexpr std::array kSubscribeParams{ParamSpec{"streams", JsonKind::Array, true, 64}};
// Room signals (E3-E6).
constexpr std::array kReactParams{ParamSpec{"reaction", JsonKind::String, true, 16}};
constexpr std::array kHandParams{ParamSpec{"raised", JsonKind::Boolean, true, 0}};
constexpr std::array kChatParams{ParamSpec{"action", JsonKind::String, true, 16}, ParamSpec{"text", JsonKind::String, false, 4000},
                                 ParamSpec{"message", JsonKind::Identifier, false, 32},
                                 ParamSpec{"reply_to", JsonKind::Identifier, false, 32},
                                 ParamSpec{"context", JsonKind::String, false, 16}};
constexpr std::array kModerateParams{ParamSpec{"action", JsonKind::String, true, 16},
                                     ParamSpec{"message", JsonKind::Identifier, true, 32}};
constexpr std::array kPollParams{ParamSpec{"action", JsonKind::String, true, 16}, ParamSpec{"question", JsonKind::String, false, 500},
                                 ParamSpec{"options", JsonKind::Array, false, 10},
                                 ParamSpec{"poll", JsonKind::Identifier, false, 32},
                                 ParamSpec{"choice", JsonKind::Integer, false, 9, 0}};
constexpr std::array kQaParams{ParamSpec{"action", JsonKind::String, true, 16}, ParamSpec{"text", JsonKind::String, true, 2000},
                               ParamSpec{"question", JsonKind::Identifier, false, 32}};
constexpr std::array kHeartbeatParams{ParamSpec{"focused", JsonKind::Boolean, false, 0},
                                      ParamSpec{"fullscreen", JsonKind::Boolean, false, 0},
                                      ParamSpec{"sound", JsonKind::Boolean, false, 0},
                                      ParamSpec{"camera", JsonKind::Boolean, false, 0}};
constexpr std::array kDownloadParams{ParamSpec{"attachment", JsonKind::Identifier, true, 128},
                                     ParamSpec{"name", JsonKind::String, false, 255}};
constexpr std::array kEraseUserParams{ParamSpec{"user", JsonKind::String, true, 256}};
constexpr std::array kPlaybackParams{ParamSpec{"recording", JsonKind::Identifier, true, 64},
                                     ParamSpec{"event", JsonKind::String, true, 16},
                                     ParamSpec{"play", JsonKind::Identifier, false, 64},
                                     ParamSpec{"position_ms", JsonKind::Integer, false, 7LL * 24 * 3600 * 1000, 0},
                                     ParamSpec{"duration_ms", JsonKind::Integer, false, 7LL * 24 * 3600 * 1000, 0}};

} // namespace

struct RequestTable {
    static constexpr std::array<Plugin::RequestType, 28> kTypes{{
        {"create", &Plugin::on_create, kCreateParams, false, true},
        {"destroy", &Plugin::on_destroy, kDestroyParams, false, true},
        {"list", &Plugin::on_list, kNoParams, false, true},
        {"exists", &Plugin::on_exists, kRoomOnly, false, true},
        {"listparticipants", &Plugin::on_listparticipants, kListParticipantsParams, false, true},
        {"join", &Plugin::on_join, kJoinParams, true, false},
        {"publish", &Plugin::on_publish, kPublishParams, true, false},
        {"unpublish", &Plugin::on_unpublish, kNoParams, false, false},
        {"leave", &Plugin::on_leave, kNoParams, false, false},
        {"kick", &Plugin::on_kick, kTargetParams, false, true},
        {"close", &Plugin::on_close, kCloseParams, false, true},
        {"stage", &Plugin::on_stage, kStageParams, false, false},
        {"start", &Plugin::on_start, kNoParams, true, false},
        {"subscribe", &Plugin::on_subscribe, kSubscribeParams, true, false},
        {"unsubscribe", &Plugin::on_unsubscribe, kSubscribeParams, true, false},
        {"start_recording", &Plugin::on_start_recording, kNoParams, false, false},
        {"stop_recording", &Plugin::on_stop_recording, kNoParams, false, false},
        {"react", &Plugin::on_react, kReactParams, false, false},
        {"hand", &Plugin::on_hand, kHandParams, false, false},
        {"chat", &Plugin::on_chat, kChatParams, false, false},
        {"moderate", &Plugin::on_moderate, kModerateParams, false, false},
        {"poll", &Plugin::on_poll, kPollParams, false, false},
        {"qa", &Plugin::on_qa, kQaParams, false, false},
        {"heartbeat", &Plugin::on_heartbeat, kHeartbeatParams, false, false},
        {"download", &Plugin::on_download, kDownloadParams, false, false},
        {"playback", &Plugin::on_playback, kPlaybackParams, false, false},
        {"erase_user", &Plugin::on_erase_user, kEraseUserParams, false, true},
        {"status", &Plugin::on_status, kNoParams, false, true},
    }};
};

const Plugin::RequestType *Plugin::find_request(const char *name) {
    for (const auto &type : RequestTable::kTypes)
        if (std::strcmp(type.name, name) == 0) return &type;
    return nullptr;
}

std::variant<const Plugin::RequestType *, core::ValidationError> Plugin::validate(const json_t *body, bool admin) const {
    using core::ErrorCode;
    if (!json_is_object(body)) return core::ValidationError{ErrorCode::InvalidBody, "body must be a JSON object"};
    const json_t *name = json_object_get(body, "request");
    if (name == nullptr) return core::ValidationError{ErrorCode::MissingElement, "request is required"};
    if (!json_is_string(name)) return core::ValidationError{ErrorCode::InvalidElement, "request must be a string"};
    const RequestType *type = find_request(json_string_value(name));
    if (type == nullptr || (admin && !type->admin_api))
        return core::ValidationError{ErrorCode::UnknownRequest,
                                     std::string("unknown request \"") + json_string_value(name) + "\"" +
                                         (admin ? " for the Admin API" : "")};
    if (auto invalid = core::validate_params(body, type->params)) return *invalid;
    return type;
}

} // namespace roomrec
