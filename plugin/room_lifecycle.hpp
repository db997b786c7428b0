// Taking participants, subscribers and whole rooms apart, and the per-handle state changes
// that go with it (signalling thread only).
#pragma once

#include "plugin/janus_gateway.hpp"
#include "plugin/session.hpp"

namespace roomrec::plugin {

class DeliveryBridge;
class RecordingController;
class RoomMessenger;
class RoomRegistry;
class TelemetryBridge;

class RoomLifecycle {
public:
    RoomLifecycle(RoomRegistry &rooms, RoomMessenger &messenger, JanusGateway &gateway, RecordingController &recording,
                  TelemetryBridge &telemetry, DeliveryBridge &delivery)
        : rooms_(rooms), messenger_(messenger), gateway_(gateway), recording_(recording), telemetry_(telemetry),
          delivery_(delivery) {}

    void drop_publication(Session &session);
    // Drops a publication and tells the room; false if there was none.
    bool unpublish(Session &session);
    void drop_subscription(Session &session);
    // Closes the handle's PeerConnection (unless Janus is destroying it); its late hangup_media
    // is then recognised as stale.
    void hang_up(Session &session);
    // Publishes the handle's binding for the Admin API (any thread reads it).
    void publish_binding(Session &session);
    // Resets a handle to unbound and hangs up its PeerConnection.
    void reset_session(Session &session);
    void remove_participant(LiveRoom &room, Session &session, const char *reason);
    // A handle leaves whatever it joined (destroyed, or a new join elsewhere).
    void unbind(Session &session);
    // Ending the session always finalizes its recording. A room's breakouts close with it (those
    // the breakout request opened are destroyed).
    void close_room(LiveRoom &room, const char *reason);

private:
    RoomRegistry &rooms_;
    RoomMessenger &messenger_;
    JanusGateway &gateway_;
    RecordingController &recording_;
    TelemetryBridge &telemetry_;
    DeliveryBridge &delivery_;
};

} // namespace roomrec::plugin
