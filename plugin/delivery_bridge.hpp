// The plugin's side of delivery: starts the delivery worker when the jcfg names a Postgres
// database, and hands it each lifecycle event, durably, on the thread where the event happens
// (a link thread, the recovery thread, or the signalling thread for the once-per-session
// session.ended). The worker's own notices go to the listener, on the delivery thread.
#pragma once

#include "common/json.hpp"
#include "plugin/plugin_config.hpp"
#include "plugin/recording/recording_store.hpp"
#include "storage/core/delivery_event.hpp"

#include <memory>
#include <string>

namespace roomrec::storage {
class DeliveryWorker;
}

namespace roomrec::plugin {

class DeliveryBridge {
public:
    class Listener {
    public:
        virtual ~Listener() = default;
        // Delivery thread: e.g. recording_uploaded, delivery_failed, for the Janus event handlers.
        virtual void on_delivery_notice(const std::string &what, common::JsonPtr details) = 0;
    };

    DeliveryBridge(const PluginConfig &config, Listener &listener);
    ~DeliveryBridge();
    DeliveryBridge(const DeliveryBridge &) = delete;
    DeliveryBridge &operator=(const DeliveryBridge &) = delete;

    void start(); // without delivery.postgres, or if the worker cannot start: events are dropped, logged
    void stop();  // what is not delivered waits in the spool and the outbox for the next start
    bool running() const { return worker_ != nullptr; }

    // Any thread but the media threads: a durable write to the spool, then the worker's.
    void deliver(storage::DeliveryEvent event);
    void deliver_recording(storage::DeliveryEventType type, const std::string &room_id, storage::RecordingFacts facts);
    static storage::RecordingFacts recording_facts(const RecordingManifest &manifest);
    // The delivery counters for the Admin API status, or null without delivery.
    common::JsonPtr describe_counters() const;

private:
    const PluginConfig &config_;
    Listener &listener_;
    std::unique_ptr<storage::DeliveryWorker> worker_; // null without delivery.postgres
};

} // namespace roomrec::plugin
