// Recording control: the start/stop requests, the lifecycle events everyone hears, the room
// policy timers (host-leave timeout, caps), the tap on published streams, and recovery of what
// a crash left behind. Signalling thread, except the link callbacks and the recovery thread,
// which only write durably and post here.
#pragma once

#include "domain/recording_policy.hpp"
#include "plugin/janus_gateway.hpp"
#include "plugin/plugin_config.hpp"
#include "plugin/recording/recording_store.hpp"
#include "plugin/replies.hpp"
#include "plugin/request.hpp"
#include "plugin/session.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <variant>
#include <vector>

namespace roomrec::plugin {

class DeliveryBridge;
class RoomMessenger;
class RoomRegistry;
class SignallingWorker;

class RecordingController {
public:
    class Listener {
    public:
        virtual ~Listener() = default;
        // The room's first join started its session (signalling thread).
        virtual void on_room_session_started(LiveRoom &room) = 0;
        // The room's policy ended the session (its maximum length): close the room.
        virtual void on_room_session_expired(LiveRoom &room, const char *reason) = 0;
    };

    RecordingController(const PluginConfig &config, RoomRegistry &rooms, RoomMessenger &messenger,
                        JanusGateway &gateway, DeliveryBridge &delivery, SignallingWorker &worker, Listener &listener);
    ~RecordingController();
    RecordingController(const RecordingController &) = delete;
    RecordingController &operator=(const RecordingController &) = delete;

    // Finalizes, on a thread of its own, the recordings a crash left behind.
    void start_recovery();
    // Stops recovery and lets every running recording finish its file (blocks until stored;
    // the signalling thread must keep running meanwhile).
    void shutdown(const std::function<void()> &close_rooms);

    Reply on_start_recording(Request &request);
    Reply on_stop_recording(Request &request);

    // After every join and leave: the first join starts the room session; hosts coming and
    // going drive the host-leave timer.
    void membership_changed(LiveRoom &room);
    // Keeps the recorder's inputs equal to what the room publishes (the layout follows).
    void sync_recorded_streams(LiveRoom &room);
    // The policy has already moved to Stopping: ends the tap and tells the room.
    void stop_recording(LiveRoom &room, domain::StopReason reason);
    // About once a second: the policy's timers.
    void tick(int64_t now_us);
    // The recording state as this participant sees it (join, events): its role and client kind.
    common::JsonPtr describe_recording(const LiveRoom &room, const domain::Member &member) const;
    size_t active() const { return recordings_.size(); }

    // Since this node started (metrics: any thread reads them).
    struct Counts {
        std::atomic<uint64_t> stored{0}, failed{0}, restarts{0};
        std::atomic<uint64_t> tap_dropped_finished{0}; // tap packets dropped by recordings that ended
    };
    const Counts &counts() const { return counts_; }
    // Tap packets the running recordings dropped so far (signalling thread).
    uint64_t tap_dropped_running() const;

private:
    domain::PolicySettings policy_settings(const LiveRoom &room) const;
    std::variant<std::pair<LiveRoom *, const domain::Member *>, Reply> controller_of(Request &request,
                                                                                     const char *verb);
    void tell_recording(LiveRoom &room, const char *state, const std::function<bool(const domain::Member &)> &who,
                        const std::function<void(json_t *)> &extra = {});
    void prime_worker_input(const PublishedStream &stream, RecorderLink &link, uint16_t id);
    LiveRoom *room_recording(const std::shared_ptr<ActiveRecording> &recording);
    void on_link_event(const std::shared_ptr<ActiveRecording> &recording, const LinkEvent &event);
    void on_recording_stored(const std::shared_ptr<ActiveRecording> &recording, const LinkEvent &event,
                             const StoredRecording &stored);
    void deliver_stored(const RecordingManifest &manifest, const StoredRecording &stored, const LinkEvent &event,
                        const LinkTally &tally, domain::StopReason reason);
    void recover_unfinished_recordings();

    const PluginConfig &config_;
    RoomRegistry &rooms_;
    RoomMessenger &messenger_;
    JanusGateway &gateway_;
    DeliveryBridge &delivery_;
    SignallingWorker &worker_;
    Listener &listener_;
    RecordingStore store_;
    std::vector<std::shared_ptr<ActiveRecording>> recordings_; // running or finalizing (signalling thread)
    std::atomic<bool> stopping_{false};
    Counts counts_;
    std::thread recovery_;
};

} // namespace roomrec::plugin
