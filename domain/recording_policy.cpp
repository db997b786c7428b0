#include "domain/recording_policy.hpp"

namespace roomrec::domain {

const char *recording_state_name(RecordingState state) {
    switch (state) {
    case RecordingState::Idle: return "idle";
    case RecordingState::Starting: return "starting";
    case RecordingState::Recording: return "recording";
    case RecordingState::Stopping: return "stopping";
    }
    return "idle";
}

const char *stop_reason_name(StopReason reason) {
    switch (reason) {
    case StopReason::Requested: return "requested";
    case StopReason::HostLeftTimeout: return "host_left_timeout";
    case StopReason::MaxRecordingDuration: return "max_recording_duration";
    case StopReason::MaxSessionDuration: return "max_session_duration";
    case StopReason::SessionClosed: return "session_closed";
    case StopReason::Failed: return "failed";
    }
    return "requested";
}

ControlDenied may_control_recording(Role role, ClientKind client) {
    if (!is_allowed(role, Action::ControlRecording, false)) return ControlDenied::Role;
    if (client == ClientKind::Mobile) return ControlDenied::MobileClient;
    return ControlDenied::None;
}

RoomPolicy::RoomPolicy(PolicySettings settings, int64_t session_start_us)
    : settings_(settings), session_start_us_(session_start_us) {}

bool RoomPolicy::start(int64_t now_us) {
    if (state_ != RecordingState::Idle || session_ended_) return false;
    state_ = RecordingState::Starting;
    recording_requested_us_ = now_us;
    recording_started_us_.reset();
    return true;
}

bool RoomPolicy::first_frame_written(int64_t now_us) {
    if (state_ != RecordingState::Starting) return false;
    state_ = RecordingState::Recording;
    recording_started_us_ = now_us;
    return true;
}

bool RoomPolicy::stop() {
    if (state_ != RecordingState::Starting && state_ != RecordingState::Recording) return false;
    state_ = RecordingState::Stopping;
    return true;
}

void RoomPolicy::finished() {
    state_ = RecordingState::Idle;
    recording_started_us_.reset();
}

void RoomPolicy::hosts_present(int count, int64_t now_us) {
    if (count > 0) host_left_us_.reset();
    else if (hosts_ > 0 && !host_left_us_) host_left_us_ = now_us; // the last host just left
    hosts_ = count;
}

std::vector<PolicyAction> RoomPolicy::tick(int64_t now_us) {
    std::vector<PolicyAction> due;
    if (session_ended_) return due;
    const bool active = state_ == RecordingState::Starting || state_ == RecordingState::Recording;
    // The cap counts from the start request: a recording that never writes a frame is capped too.
    if (active && now_us - recording_requested_us_ >= settings_.max_recording_us) {
        stop();
        due.push_back({PolicyAction::StopRecording, StopReason::MaxRecordingDuration});
    }
    std::optional<StopReason> end;
    if (host_left_us_ && now_us - *host_left_us_ >= settings_.host_leave_timeout_us) end = StopReason::HostLeftTimeout;
    if (now_us - session_start_us_ >= settings_.max_session_us) end = StopReason::MaxSessionDuration;
    if (end) {
        // C7: ending the session always finalizes its recording.
        if (stop()) due.push_back({PolicyAction::StopRecording, *end});
        due.push_back({PolicyAction::EndSession, *end});
        session_ended_ = true;
        host_left_us_.reset();
    }
    return due;
}

} // namespace roomrec::domain
