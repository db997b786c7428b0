// The plugin's side of engagement telemetry: starts the telemetry writer (and its retention
// thread) when a database is configured, gives each room session an id, and records attendance,
// breakout sessions and every room signal. record() only enqueues: the writer's own thread does
// COPY, spooling and replay, so neither the signalling nor any media thread ever waits on it.
#pragma once

#include "analytics/core/telemetry_event.hpp"
#include "common/json.hpp"
#include "plugin/plugin_config.hpp"
#include "plugin/session.hpp"

#include <memory>
#include <string>

namespace roomrec::analytics {
class TelemetryWriter;
}

namespace roomrec::plugin {

class TelemetryRetention;

class TelemetryBridge {
public:
    explicit TelemetryBridge(const PluginConfig &config);
    ~TelemetryBridge();
    TelemetryBridge(const TelemetryBridge &) = delete;
    TelemetryBridge &operator=(const TelemetryBridge &) = delete;

    void start();
    void stop(); // what is queued goes to Postgres or the spool

    // Never blocks: a full queue refuses the event and the writer counts it.
    void record(const LiveRoom &room, analytics::TelemetryKind kind, const domain::Member *member,
                const std::string &subject = "", int64_t value = 0, common::JsonPtr body = nullptr);
    // An event outside any live room (the recordings library's playback): room, session and
    // participant set by the caller; `at` set here. Never blocks.
    void record_event(analytics::TelemetryEvent event);
    // Who joined or left, as what, from which device and country. A leave first closes what the
    // member had open: their unwritten refused reactions, their presentation, their stage seat.
    void record_attendance(LiveRoom &room, analytics::TelemetryKind kind, const domain::Member &member,
                           const char *reason);
    // A reaction over the limit: counted, and a reaction.refused row when one is due.
    void record_refused_reaction(LiveRoom &room, const domain::Member &member);
    // The participant's publication changed: present.start / present.stop when its stage stream
    // (the screen share) appeared or went away.
    void sync_presentation(LiveRoom &room, const Session &session);
    // A host or moderator (by) brought a viewer on or off stage.
    void record_stage(LiveRoom &room, const domain::Member &member, bool on_stage, const domain::Member *by);
    // A room session begins with its first participant; a child room's session is a breakout.
    void start_room_session(LiveRoom &room);
    // Everyone still in the room leaves with it; then the session's signal state goes.
    void end_room_session(LiveRoom &room, const char *reason);

    // The right to erasure, on the Admin API's thread (it waits on Postgres): the reply data.
    common::JsonPtr erase_user(const std::string &user_id) const;
    // The writer's counters for the Admin API status, or null without telemetry.
    common::JsonPtr describe_counters() const;

private:
    void close_member(LiveRoom &room, const domain::Member &member, const char *reason);

    const PluginConfig &config_;
    std::unique_ptr<analytics::TelemetryWriter> writer_; // null without a telemetry database
    std::unique_ptr<TelemetryRetention> retention_;      // null without one, or with retention_days = 0
};

} // namespace roomrec::plugin
