// Recording control and session policy of one room (C1, C5-C7), with an injected clock:
// who may start/stop, the recording state machine, the host-leave timeout and the caps.
// Times are microseconds of a monotonic clock.
#pragma once

#include "domain/client_info.hpp"
#include "domain/role.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace roomrec::domain {

enum class RecordingState { Idle, Starting, Recording, Stopping };
const char *recording_state_name(RecordingState state);

enum class StopReason {
    Requested,            // a host or moderator stopped it
    HostLeftTimeout,      // no host came back within host_leave_timeout
    MaxRecordingDuration, // the recording cap
    MaxSessionDuration,   // the session cap
    SessionClosed,        // the room session was closed or destroyed
    Failed,               // the recorder failed for good
};
const char *stop_reason_name(StopReason reason);

struct PolicySettings {
    int64_t host_leave_timeout_us = 15LL * 60 * 1000000;
    int64_t max_recording_us = 24LL * 3600 * 1000000;
    int64_t max_session_us = 24LL * 3600 * 1000000;
};

enum class ControlDenied { None, Role, MobileClient };

// C1: hosts and moderators only, and never from a mobile client.
ControlDenied may_control_recording(Role role, ClientKind client);

struct PolicyAction {
    enum Kind { StopRecording, EndSession } kind;
    StopReason reason;
};

class RoomPolicy {
public:
    RoomPolicy(PolicySettings settings, int64_t session_start_us);

    RecordingState state() const { return state_; }
    // When the current recording began writing (for the hosts' elapsed-time counter).
    std::optional<int64_t> recording_started_us() const { return recording_started_us_; }

    // Idle → Starting; false if a recording is already starting, running or stopping.
    bool start(int64_t now_us);
    // Starting → Recording once the first frame is written; false in any other state.
    bool first_frame_written(int64_t now_us);
    // Starting/Recording → Stopping; false if nothing is recording.
    bool stop();
    // Stopping (or Starting that failed) → Idle once the file is finalized.
    void finished();

    // Call on every join/leave with the number of hosts now present.
    void hosts_present(int count, int64_t now_us);
    bool host_timer_running() const { return host_left_us_.has_value(); }

    // What is due now; each due action is returned once.
    std::vector<PolicyAction> tick(int64_t now_us);

private:
    PolicySettings settings_;
    int64_t session_start_us_;
    RecordingState state_ = RecordingState::Idle;
    int64_t recording_requested_us_ = 0;
    std::optional<int64_t> recording_started_us_;
    std::optional<int64_t> host_left_us_;
    int hosts_ = 0;
    bool session_ended_ = false;
};

} // namespace roomrec::domain
