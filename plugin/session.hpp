// One Janus handle as the plugin sees it, and a room with its live participants.
#pragma once

#include "domain/playback_buckets.hpp"
#include "domain/recording_policy.hpp"
#include "domain/room.hpp"
#include "domain/room_activity.hpp"
#include "domain/room_bans.hpp"
#include "plugin/media_streams.hpp"
#include "plugin/recording/recorder_link.hpp"
#include "plugin/recording/recording_store.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace roomrec::plugin {

enum class SessionKind { Unbound, Participant, Subscriber };

inline const char *session_kind_name(SessionKind kind) {
    switch (kind) {
    case SessionKind::Participant: return "participant";
    case SessionKind::Subscriber: return "subscriber";
    case SessionKind::Unbound: return "unbound";
    }
    return "unbound";
}

// What a handle is bound to, as the Admin API shows it; replaced whole on every change so any
// thread can read it without waiting for the signalling thread.
struct Binding {
    SessionKind kind = SessionKind::Unbound;
    std::string room_id;
    std::string participant_id;
    std::string role;
    bool on_stage = false;
};

struct Session {
    explicit Session(janus_plugin_session *handle) : handle(handle, HandleRef::Adopt{}) {}

    HandleRef handle;
    const std::shared_ptr<MediaGate> gate = std::make_shared<MediaGate>();
    std::atomic<bool> destroyed{false};
    // Snapshots the media threads read; replaced whole by the signalling thread.
    std::atomic<std::shared_ptr<const Publication>> publication{std::make_shared<const Publication>()};
    std::atomic<std::shared_ptr<const Subscription>> subscription{std::make_shared<const Subscription>()};
    std::atomic<std::shared_ptr<const Binding>> binding{std::make_shared<const Binding>()};
    // Bumped on every bind and every hang-up the plugin itself orders; a PeerConnection set up
    // in an older generation is stale, and its late hangup_media must not undo newer state.
    std::atomic<uint64_t> generation{0};
    std::atomic<uint64_t> media_generation{0}; // generation when the current PeerConnection came up

    // Signalling thread only.
    SessionKind kind = SessionKind::Unbound;
    std::string room_id;
    std::string participant_id; // a subscriber handle carries its owner's id
    std::string private_id;     // secret that binds subscriber handles to this participant
};

// The room's recording while it runs and until its file is stored (signalling thread).
// What a recording's link thread counts for its metadata row (S5).
struct LinkTally {
    int64_t first_frame_ms = 0;
    int gaps = 0;
    double gap_seconds = 0;
};

struct ActiveRecording {
    RecordingManifest manifest;
    std::string folder;
    std::string initiator_participant;
    std::shared_ptr<RecorderLink> link; // running: set before the recording is attached to its room
    // Recorded streams: published stream → (its id on the wire, the stream itself).
    std::map<const PublishedStream *, std::pair<uint16_t, std::weak_ptr<PublishedStream>>> streams;
    uint16_t next_stream_id = 1;
    int64_t started_unix_ms = 0; // when the first frame was written
    // Set on the signalling thread before the link stops; the link thread reads it when the file
    // is stored (the delivered event's reason decides whether its people are mailed). Shared on
    // its own: the link thread must never hold the recording, whose last release there would
    // destroy the link from its own thread.
    std::shared_ptr<std::atomic<domain::StopReason>> stop_reason = std::make_shared<std::atomic<domain::StopReason>>(
        domain::StopReason::Requested);
    double gap_seconds = 0;
    int gaps = 0;
};

struct LiveRoom {
    domain::RoomSettings settings;
    std::optional<domain::RoomPolicy> policy; // from the first join until the room session ends
    std::shared_ptr<ActiveRecording> recording;
    domain::Roster roster;
    std::map<std::string, std::shared_ptr<Session>> participants; // participant id → its handle
    std::vector<std::shared_ptr<Session>> subscribers;            // subscriber handles in this room
    // The live session (a meeting): from the first join until the room closes.
    std::string session_id;
    std::optional<domain::RoomActivity> activity;      // signals state (E3-E5)
    std::map<std::string, int64_t> last_heartbeat_us;  // participant → monotonic µs
    std::map<std::string, domain::PlayProgress> plays; // "<participant>/<play>" → buckets watched (E6)
    domain::RoomBans bans;                             // users kicked from this session (R7)
    // Participants whose stage stream (screen share) is published: participant → (mid, codec).
    std::map<std::string, std::pair<std::string, std::string>> presenting;
    bool opened_as_breakout = false; // by the "breakout" request: destroyed when closed (R8)
    std::string opened_by;           // that request's lead (user id), named by breakout.open
    // user id → the address its signed token vouched for (email=), for this room session: a
    // recording's owner and initiator are mailed there (never at a client-declared user.email).
    std::map<std::string, std::string> token_emails;
};

} // namespace roomrec::plugin
