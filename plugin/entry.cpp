// The only C boundary: the janus_plugin table and create(). Every callback
// forwards to the C++ Plugin and no exception ever crosses into Janus.
#include "common/log.hpp"
#include "plugin/janus_callbacks_gateway.hpp"
#include "plugin/janus_log_sink.hpp"
#include "plugin/plugin.hpp"

#include <atomic>
#include <exception>
#include <memory>

namespace {

constexpr roomrec::common::Logger kLog("plugin");

using roomrec::plugin::Plugin;

constexpr int kVersion = 1;
constexpr const char *kVersionString = "0.1.0";

// Read by Janus's threads in every callback, replaced only at init and destroy.
std::atomic<Plugin *> plugin{nullptr};
// The plugin's way to the core; outlives the plugin (set at init, freed after destroy).
std::unique_ptr<roomrec::plugin::JanusCallbacksGateway> gateway;

template <typename Fn> auto guarded(const char *where, Fn &&fn, decltype(fn()) fallback) noexcept -> decltype(fn()) {
    try {
        return fn();
    } catch (const std::exception &error) {
        kLog.error(roomrec::common::format_text("%s: %s", where, error.what()));
    } catch (...) {
        kLog.error(roomrec::common::format_text("%s: unknown exception", where));
    }
    return fallback;
}

int roomrec_init(janus_callbacks *callback, const char *config_path);
void roomrec_destroy();
int roomrec_api_compatibility() { return JANUS_PLUGIN_API_VERSION; }
int roomrec_version() { return kVersion; }
const char *roomrec_version_string() { return kVersionString; }
const char *roomrec_description() { return "Meeting-room SFU with cloud recording and engagement analytics."; }
const char *roomrec_name() { return "roomrec"; }
const char *roomrec_author() { return "roomrec developers"; }
const char *roomrec_package() { return roomrec::plugin::kPackage; }

void roomrec_create_session(janus_plugin_session *handle, int *error) {
    *error = -1;
    guarded(
        "create_session",
        [&] {
        if (Plugin *p = plugin.load()) p->create_session(handle, error);
        return 0;
        },
        0);
}

janus_plugin_result *roomrec_handle_message(janus_plugin_session *handle, char *transaction, json_t *message,
                                            json_t *jsep) {
    janus_plugin_result *result = guarded(
        "handle_message",
        [&]() -> janus_plugin_result * {
            Plugin *p = plugin.load();
            if (p == nullptr) {
                g_free(transaction);
                json_decref(message);
                json_decref(jsep);
                return janus_plugin_result_new(JANUS_PLUGIN_ERROR, "plugin not initialized", nullptr);
            }
            return p->handle_message(handle, transaction, message, jsep);
        },
        nullptr);
    return result != nullptr ? result : janus_plugin_result_new(JANUS_PLUGIN_ERROR, "internal error", nullptr);
}

json_t *roomrec_handle_admin_message(json_t *message) {
    return guarded(
        "handle_admin_message",
        [&]() -> json_t * {
            Plugin *p = plugin.load();
            return p ? p->handle_admin_message(message) : nullptr;
        },
        nullptr);
}

void roomrec_setup_media(janus_plugin_session *handle) {
    guarded(
        "setup_media",
        [&] {
        if (Plugin *p = plugin.load()) p->setup_media(handle);
        return 0;
        },
        0);
}

void roomrec_incoming_rtp(janus_plugin_session *handle, janus_plugin_rtp *packet) {
    guarded(
        "incoming_rtp",
        [&] {
        if (Plugin *p = plugin.load()) p->incoming_rtp(handle, packet);
        return 0;
        },
        0);
}

void roomrec_incoming_rtcp(janus_plugin_session *handle, janus_plugin_rtcp *packet) {
    guarded(
        "incoming_rtcp",
        [&] {
        if (Plugin *p = plugin.load()) p->incoming_rtcp(handle, packet);
        return 0;
        },
        0);
}

void roomrec_incoming_data(janus_plugin_session *, janus_plugin_data *) {}
void roomrec_data_ready(janus_plugin_session *) {}
void roomrec_slow_link(janus_plugin_session *, int, gboolean, gboolean) {}

void roomrec_hangup_media(janus_plugin_session *handle) {
    guarded(
        "hangup_media",
        [&] {
        if (Plugin *p = plugin.load()) p->hangup_media(handle);
        return 0;
        },
        0);
}

void roomrec_destroy_session(janus_plugin_session *handle, int *error) {
    *error = -1;
    guarded(
        "destroy_session",
        [&] {
        if (Plugin *p = plugin.load()) p->destroy_session(handle, error);
        return 0;
        },
        0);
}

json_t *roomrec_query_session(janus_plugin_session *handle) {
    return guarded(
        "query_session",
        [&]() -> json_t * {
            Plugin *p = plugin.load();
            return p ? p->query_session(handle) : nullptr;
        },
        nullptr);
}

// Positional, in the exact declaration order of struct janus_plugin (JANUS_PLUGIN_INIT is C-only).
janus_plugin roomrec_plugin = {
    roomrec_init,           roomrec_destroy,         roomrec_api_compatibility,
    roomrec_version,        roomrec_version_string,  roomrec_description,
    roomrec_name,           roomrec_author,          roomrec_package,
    roomrec_create_session, roomrec_handle_message,  roomrec_handle_admin_message,
    roomrec_setup_media,    roomrec_incoming_rtp,    roomrec_incoming_rtcp,
    roomrec_incoming_data,  roomrec_data_ready,      roomrec_slow_link,
    roomrec_hangup_media,   roomrec_destroy_session, roomrec_query_session,
};

int roomrec_init(janus_callbacks *callback, const char *config_path) {
    return guarded(
        "init",
        [&] {
        if (callback == nullptr || config_path == nullptr) return -1;
        roomrec::plugin::install_janus_log_sink();
        auto loaded = roomrec::plugin::load_plugin_config(config_path);
        if (const auto *error = std::get_if<std::string>(&loaded)) {
            kLog.error(roomrec::common::format_text("configuration error: %s", error->c_str()));
            return -1;
        }
        gateway = std::make_unique<roomrec::plugin::JanusCallbacksGateway>(callback, &roomrec_plugin);
        plugin.store(new Plugin(*gateway, std::get<roomrec::plugin::PluginConfig>(std::move(loaded))));
        return 0;
        },
        -1);
}

void roomrec_destroy() {
    // Janus has stopped its sessions (without destroy_session for their handles: see ~Plugin)
    // before it destroys plugins, so no callback is in flight.
    guarded(
        "destroy",
        [&] {
        delete plugin.exchange(nullptr);
        gateway.reset();
        roomrec::plugin::remove_janus_log_sink();
        return 0;
        },
        0);
}

} // namespace

extern "C" __attribute__((visibility("default"))) janus_plugin *create(void) { return &roomrec_plugin; }
