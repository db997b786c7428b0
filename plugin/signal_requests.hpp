// Room signals: reactions, raised hands, chat (replies, likes, deletions, moderation threads),
// polls, Q&A, attachment downloads, attention heartbeats and recording playback. Each is
// checked against the room session's RoomActivity, relayed where the protocol says so,
// answered, and recorded as telemetry. Requests from joined participants only.
// Implemented in room_signals.cpp (reactions, hands, chat, moderation), room_questions.cpp
// (polls, Q&A) and engagement_requests.cpp (heartbeats, downloads, playback).
#pragma once

#include "domain/chat_thread.hpp"
#include "plugin/replies.hpp"
#include "plugin/request.hpp"

#include <string>
#include <variant>

namespace roomrec::plugin {

class RoomMessenger;
class RoomRegistry;
class TelemetryBridge;

class SignalRequests {
public:
    SignalRequests(RoomRegistry &rooms, RoomMessenger &messenger, TelemetryBridge &telemetry)
        : rooms_(rooms), messenger_(messenger), telemetry_(telemetry) {}

    Reply on_react(Request &request);
    Reply on_hand(Request &request);
    Reply on_chat(Request &request);
    Reply on_moderate(Request &request);
    Reply on_poll(Request &request);
    Reply on_qa(Request &request);
    Reply on_heartbeat(Request &request);
    Reply on_download(Request &request);
    Reply on_playback(Request &request);

private:
    struct Signaller {
        LiveRoom *room;
        const domain::Member *member;
        domain::ChatActor actor;
    };
    // The joined participant sending a signal, with its live room session, or the refusal.
    std::variant<Signaller, Reply> signaller(Request &request);
    void tell_moderation(LiveRoom &room, const std::string &message, const char *state, const std::string &owner,
                         const domain::Member *by);

    RoomRegistry &rooms_;
    RoomMessenger &messenger_;
    TelemetryBridge &telemetry_;
};

} // namespace roomrec::plugin
