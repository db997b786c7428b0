// Every request the plugin accepts, with its declared parameters (docs/API.md mirrors this).
#include "plugin/plugin.hpp"

#include <array>
#include <cstring>

namespace roomrec::plugin {

using domain::JsonKind;
using domain::ParamSpec;

namespace {

constexpr std::array kNoParams = std::array<domain::ParamSpec, 0>{};
constexpr std::array kRoomOnly{domain::ParamSpec{"room", domain::JsonKind::Identifier, true, 64}};
constexpr std::array kCreateParams{domain::ParamSpec{"admin_secret", domain::JsonKind::String, false, 256}};
constexpr std::array kDestroyParams{domain::ParamSpec{"room", domain::JsonKind::Identifier, true, 64},
                                    domain::ParamSpec{"admin_secret", domain::JsonKind::String, false, 256}};
constexpr std::array kListParticipantsParams{domain::ParamSpec{"room", domain::JsonKind::Identifier, true, 64},
                                             domain::ParamSpec{"admin_secret", domain::JsonKind::String, false, 256}};
constexpr std::array kJoinParams{
    domain::ParamSpec{"room", domain::JsonKind::Identifier, true, 64},      domain::ParamSpec{"ptype", domain::JsonKind::String, false, 16},
    domain::ParamSpec{"token", domain::JsonKind::String, false, 4096},      domain::ParamSpec{"role", domain::JsonKind::String, false, 16},
    domain::ParamSpec{"secret", domain::JsonKind::String, false, 256},      domain::ParamSpec{"user", domain::JsonKind::Object, false, 0},
    domain::ParamSpec{"private_id", domain::JsonKind::Identifier, false, 64}, domain::ParamSpec{"streams", domain::JsonKind::Array, false, 64},
};
constexpr std::array kPublishParams{domain::ParamSpec{"descriptions", domain::JsonKind::Array, false, 8}};
constexpr std::array kTargetParams{domain::ParamSpec{"participant", domain::JsonKind::Identifier, true, 64},
                                   domain::ParamSpec{"room", domain::JsonKind::Identifier, false, 64}};
constexpr std::array kCloseParams{domain::ParamSpec{"room", domain::JsonKind::Identifier, false, 64}};
constexpr std::array kStageParams{domain::ParamSpec{"participant", domain::JsonKind::Identifier, true, 64},
                                  domain::ParamSpec{"on_stage", domain::JsonKind::Boolean, true, 0}};
constexpr std::array kSubscribeParams{domain::ParamSpec{"streams", domain::JsonKind::Array, true, 64}};
// Room signals (E3-E6).
constexpr std::array kReactParams{domain::ParamSpec{"reaction", domain::JsonKind::String, true, 16}};
constexpr std::array kHandParams{domain::ParamSpec{"raised", domain::JsonKind::Boolean, true, 0}};
constexpr std::array kChatParams{domain::ParamSpec{"action", domain::JsonKind::String, true, 16}, domain::ParamSpec{"text", domain::JsonKind::String, false, 4000},
                                 domain::ParamSpec{"message", domain::JsonKind::Identifier, false, 32},
                                 domain::ParamSpec{"reply_to", domain::JsonKind::Identifier, false, 32},
                                 domain::ParamSpec{"context", domain::JsonKind::String, false, 16}};
constexpr std::array kModerateParams{domain::ParamSpec{"action", domain::JsonKind::String, true, 16},
                                     domain::ParamSpec{"message", domain::JsonKind::Identifier, true, 32}};
constexpr std::array kPollParams{domain::ParamSpec{"action", domain::JsonKind::String, true, 16}, domain::ParamSpec{"question", domain::JsonKind::String, false, 500},
                                 domain::ParamSpec{"options", domain::JsonKind::Array, false, 10},
                                 domain::ParamSpec{"poll", domain::JsonKind::Identifier, false, 32},
                                 domain::ParamSpec{"choice", domain::JsonKind::Integer, false, 9, 0}};
constexpr std::array kQaParams{domain::ParamSpec{"action", domain::JsonKind::String, true, 16}, domain::ParamSpec{"text", domain::JsonKind::String, true, 2000},
                               domain::ParamSpec{"question", domain::JsonKind::Identifier, false, 32}};
constexpr std::array kHeartbeatParams{domain::ParamSpec{"focused", domain::JsonKind::Boolean, false, 0},
                                      domain::ParamSpec{"fullscreen", domain::JsonKind::Boolean, false, 0},
                                      domain::ParamSpec{"sound", domain::JsonKind::Boolean, false, 0},
                                      domain::ParamSpec{"camera", domain::JsonKind::Boolean, false, 0}};
constexpr std::array kDownloadParams{domain::ParamSpec{"attachment", domain::JsonKind::Identifier, true, 128},
                                     domain::ParamSpec{"name", domain::JsonKind::String, false, 255}};
constexpr std::array kEraseUserParams{domain::ParamSpec{"user", domain::JsonKind::String, true, 256}};
constexpr std::array kPlaybackParams{domain::ParamSpec{"recording", domain::JsonKind::Identifier, true, 64},
                                     domain::ParamSpec{"event", domain::JsonKind::String, true, 16},
                                     domain::ParamSpec{"play", domain::JsonKind::Identifier, false, 64},
                                     domain::ParamSpec{"position_ms", domain::JsonKind::Integer, false, 7LL * 24 * 3600 * 1000, 0},
                                     domain::ParamSpec{"duration_ms", domain::JsonKind::Integer, false, 7LL * 24 * 3600 * 1000, 0}};

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

std::variant<const Plugin::RequestType *, domain::ValidationError> Plugin::validate(const json_t *body, bool admin) const {
    using domain::ErrorCode;
    if (!json_is_object(body)) return domain::ValidationError{domain::ErrorCode::InvalidBody, "body must be a JSON object"};
    const json_t *name = json_object_get(body, "request");
    if (name == nullptr) return domain::ValidationError{domain::ErrorCode::MissingElement, "request is required"};
    if (!json_is_string(name)) return domain::ValidationError{domain::ErrorCode::InvalidElement, "request must be a string"};
    const RequestType *type = find_request(json_string_value(name));
    if (type == nullptr || (admin && !type->admin_api))
        return domain::ValidationError{domain::ErrorCode::UnknownRequest,
                                     std::string("unknown request \"") + json_string_value(name) + "\"" +
                                         (admin ? " for the Admin API" : "")};
    if (auto invalid = domain::validate_params(body, type->params)) return *invalid;
    return type;
}

} // namespace roomrec::plugin
