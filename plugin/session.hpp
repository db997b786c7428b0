// One Janus handle as the plugin sees it, and a room with its live participants.
#pragma once

#include "core/room.hpp"
#include "media_streams.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace roomrec {

enum class SessionKind { Unbound, Participant, Subscriber };

struct Session {
    explicit Session(janus_plugin_session *handle) : handle(handle) {}

    HandleRef handle;
    const std::shared_ptr<MediaGate> gate = std::make_shared<MediaGate>();
    std::atomic<bool> destroyed{false};
    // Snapshots the media threads read; replaced whole by the signalling thread.
    std::atomic<std::shared_ptr<const Publication>> publication{std::make_shared<const Publication>()};
    std::atomic<std::shared_ptr<const Subscription>> subscription{std::make_shared<const Subscription>()};

    // Signalling thread only.
    SessionKind kind = SessionKind::Unbound;
    std::string room_id;
    std::string participant_id; // a subscriber handle carries its owner's id
    std::string private_id;     // secret that binds subscriber handles to this participant
    int64_t destroyed_at_us = 0;
};

struct LiveRoom {
    core::RoomSettings settings;
    core::Roster roster;
    std::map<std::string, std::shared_ptr<Session>> participants;  // participant id → its handle
    std::vector<std::shared_ptr<Session>> subscribers;             // subscriber handles in this room
};

} // namespace roomrec
