// Polls and Q&A threads: hosts and moderators open and close polls, everyone answers once and
// the leads see the counts; everyone asks, presenters answer (a follow-up is a new question) (docs/API.md "Room signals"). Votes, poll
// creation, questions and answers are rate-limited per user.
#pragma once

#include "plugin/replies.hpp"
#include "plugin/request.hpp"

#include <string>

namespace roomrec::plugin {

class RateLimitCounters;
class RoomMessenger;
class RoomRegistry;
class TelemetryBridge;

class QuestionRequests {
public:
    QuestionRequests(RoomRegistry &rooms, RoomMessenger &messenger, TelemetryBridge &telemetry,
                     RateLimitCounters &rate_limited)
        : rooms_(rooms), messenger_(messenger), telemetry_(telemetry), rate_limited_(rate_limited) {}

    Reply on_poll(Request &request);
    Reply on_qa(Request &request);

private:
    Reply close_poll(LiveRoom &room, const domain::Member &member, const domain::ChatActor &actor,
                     const std::string &poll_id);

    RoomRegistry &rooms_;
    RoomMessenger &messenger_;
    TelemetryBridge &telemetry_;
    RateLimitCounters &rate_limited_;
};

} // namespace roomrec::plugin
