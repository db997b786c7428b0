// Every request the plugin accepts, with its declared parameters (docs/API.md mirrors this).
#include "plugin/request_dispatcher.hpp"

#include "plugin/core/stream_plan.hpp"
#include "plugin/subscriber_requests.hpp"

#include <array>
#include <cstring>

namespace roomrec::plugin {

using domain::JsonKind;
using domain::ParamSpec;

namespace {

constexpr std::array kNoParams = std::array<domain::ParamSpec, 0>{};
constexpr std::array kListParams{domain::ParamSpec{"admin_secret", domain::JsonKind::String, false, 256}};
constexpr std::array kRoomOnly{domain::ParamSpec{"room", domain::JsonKind::Identifier, true, 64}};
constexpr std::array kCreateParams{domain::ParamSpec{"admin_secret", domain::JsonKind::String, false, 256}};
constexpr std::array kDestroyParams{domain::ParamSpec{"room", domain::JsonKind::Identifier, true, 64},
                                    domain::ParamSpec{"admin_secret", domain::JsonKind::String, false, 256}};
constexpr std::array kListParticipantsParams{domain::ParamSpec{"room", domain::JsonKind::Identifier, true, 64},
                                             domain::ParamSpec{"admin_secret", domain::JsonKind::String, false, 256}};
constexpr std::array kJoinParams{
    domain::ParamSpec{"room", domain::JsonKind::Identifier, true, 64},
    domain::ParamSpec{"ptype", domain::JsonKind::String, false, 16},
    domain::ParamSpec{"token", domain::JsonKind::String, false, 4096},
    domain::ParamSpec{"role", domain::JsonKind::String, false, 16},
    domain::ParamSpec{"secret", domain::JsonKind::String, false, 256},
    domain::ParamSpec{"user", domain::JsonKind::Object, false, 0},
    domain::ParamSpec{"private_id", domain::JsonKind::Identifier, false, 64},
    domain::ParamSpec{"streams", domain::JsonKind::Array, false, 64, 1, kStreamParams.data(), kStreamParams.size()},
};
constexpr std::array kPublishParams{domain::ParamSpec{"descriptions", domain::JsonKind::Array, false, 8, 0,
                                                      kDescriptionParams.data(), kDescriptionParams.size()}};
constexpr std::array kKickParams{domain::ParamSpec{"participant", domain::JsonKind::Identifier, true, 64},
                                 domain::ParamSpec{"room", domain::JsonKind::Identifier, false, 64},
                                 domain::ParamSpec{"ban_seconds", domain::JsonKind::Integer, false, 72 * 3600, 0}};
constexpr std::array kUnbanParams{domain::ParamSpec{"user", domain::JsonKind::Identifier, true, 128},
                                  domain::ParamSpec{"room", domain::JsonKind::Identifier, false, 64}};
constexpr std::array kCloseParams{domain::ParamSpec{"room", domain::JsonKind::Identifier, false, 64}};
constexpr std::array kStageParams{domain::ParamSpec{"participant", domain::JsonKind::Identifier, true, 64},
                                  domain::ParamSpec{"on_stage", domain::JsonKind::Boolean, true, 0}};
constexpr std::array kSubscribeParams{
    domain::ParamSpec{"streams", domain::JsonKind::Array, true, 64, 1, kStreamParams.data(), kStreamParams.size()}};
// Room signals.
constexpr std::array kReactParams{domain::ParamSpec{"reaction", domain::JsonKind::String, true, 16}};
constexpr std::array kHandParams{domain::ParamSpec{"raised", domain::JsonKind::Boolean, true, 0}};
constexpr std::array kChatParams{domain::ParamSpec{"action", domain::JsonKind::String, true, 16},
                                 domain::ParamSpec{"text", domain::JsonKind::String, false, 4000},
                                 domain::ParamSpec{"message", domain::JsonKind::Identifier, false, 32},
                                 domain::ParamSpec{"reply_to", domain::JsonKind::Identifier, false, 32},
                                 domain::ParamSpec{"context", domain::JsonKind::String, false, 16}};
constexpr std::array kModerateParams{domain::ParamSpec{"action", domain::JsonKind::String, true, 16},
                                     domain::ParamSpec{"message", domain::JsonKind::Identifier, true, 32}};
constexpr std::array kPollParams{domain::ParamSpec{"action", domain::JsonKind::String, true, 16},
                                 domain::ParamSpec{"question", domain::JsonKind::String, false, 500},
                                 domain::ParamSpec{"options", domain::JsonKind::Array, false, 10},
                                 domain::ParamSpec{"poll", domain::JsonKind::Identifier, false, 32},
                                 domain::ParamSpec{"choice", domain::JsonKind::Integer, false, 9, 0}};
constexpr std::array kQaParams{domain::ParamSpec{"action", domain::JsonKind::String, true, 16},
                               domain::ParamSpec{"text", domain::JsonKind::String, true, 2000},
                               domain::ParamSpec{"question", domain::JsonKind::Identifier, false, 32}};
constexpr std::array kHeartbeatParams{domain::ParamSpec{"focused", domain::JsonKind::Boolean, false, 0},
                                      domain::ParamSpec{"fullscreen", domain::JsonKind::Boolean, false, 0},
                                      domain::ParamSpec{"sound", domain::JsonKind::Boolean, false, 0},
                                      domain::ParamSpec{"camera", domain::JsonKind::Boolean, false, 0}};
constexpr std::array kDownloadParams{domain::ParamSpec{"attachment", domain::JsonKind::Identifier, true, 128},
                                     domain::ParamSpec{"name", domain::JsonKind::String, false, 255}};
constexpr std::array kEraseUserParams{domain::ParamSpec{"user", domain::JsonKind::String, true, 256}};
constexpr std::array kPlaybackParams{
    domain::ParamSpec{"recording", domain::JsonKind::Identifier, true, 64},
    domain::ParamSpec{"event", domain::JsonKind::String, true, 16},
    domain::ParamSpec{"play", domain::JsonKind::Identifier, false, 64},
    domain::ParamSpec{"position_ms", domain::JsonKind::Integer, false, 7LL * 24 * 3600 * 1000, 0},
    domain::ParamSpec{"duration_ms", domain::JsonKind::Integer, false, 7LL * 24 * 3600 * 1000, 0}};

constexpr std::array<RequestType, 29> kTypes{{
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
    {"start", kNoParams, true, false, false},
    {"subscribe", kSubscribeParams, true, false, false},
    {"unsubscribe", kSubscribeParams, true, false, false},
    {"start_recording", kNoParams, false, false, false},
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
    {"erase_user", kEraseUserParams, false, true, true},
    {"status", kNoParams, false, true, false},
}};

} // namespace

std::span<const RequestType> request_types() { return kTypes; }

} // namespace roomrec::plugin
