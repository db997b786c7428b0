// Polls and Q&A threads: hosts and moderators open polls, everyone answers once and the leads
// see the counts; everyone asks, presenters answer (docs/API.md "Room signals").
#pragma once

#include "plugin/replies.hpp"
#include "plugin/request.hpp"

namespace roomrec::plugin {

class RoomMessenger;
class RoomRegistry;
class TelemetryBridge;

class QuestionRequests {
public:
    QuestionRequests(RoomRegistry &rooms, RoomMessenger &messenger, TelemetryBridge &telemetry)
        : rooms_(rooms), messenger_(messenger), telemetry_(telemetry) {}

    Reply on_poll(Request &request);
    Reply on_qa(Request &request);

private:
    RoomRegistry &rooms_;
    RoomMessenger &messenger_;
    TelemetryBridge &telemetry_;
};

} // namespace roomrec::plugin
