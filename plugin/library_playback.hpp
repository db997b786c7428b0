// The recordings library's playback reports (E6 outside a live room), from the link server,
// recorded as telemetry rows: room_id = the recording's room, session_id = '' (no live
// session), participant_id = the player's viewer id, subject = the recording id.
#pragma once

#include "plugin/telemetry_bridge.hpp"
#include "storage/links/link_server.hpp"

namespace roomrec::plugin {

class LibraryPlaybackRecorder final : public storage::LinkServer::Listener {
public:
    explicit LibraryPlaybackRecorder(TelemetryBridge &telemetry) : telemetry_(telemetry) {}
    // The link server's thread: only enqueues.
    void on_library_playback(const storage::LibraryPlayback &playback) override;

private:
    TelemetryBridge &telemetry_;
};

} // namespace roomrec::plugin
