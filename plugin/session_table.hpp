// Which Session each Janus handle is. Janus calls the plugin on several threads (request
// threads, the handle's event loop, the admin thread), so lookups and removal share one mutex
// and hand out references: a Session lives as long as anyone still holds it, never for a fixed
// time after it is destroyed.
//
// The media callbacks (incoming_rtp/rtcp) read handle->plugin_handle without the mutex. That is
// safe because Janus delivers a handle's media and its destroy_session on the same event-loop
// thread, and calls nothing on the handle once destroy_session has returned.
#pragma once

#include "plugin/janus_api.hpp"
#include "plugin/session.hpp"

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace roomrec::plugin {

class SessionTable {
public:
    // Registers a handle's session and points handle->plugin_handle at it.
    void add(janus_plugin_session *handle, std::shared_ptr<Session> session);
    // The handle's session, unless it is destroyed or unknown.
    std::shared_ptr<Session> find(janus_plugin_session *handle) const;
    // Marks the handle's session destroyed and removes it; the caller's reference is the last
    // one the table gave out (others may still hold theirs). Null if it was not registered.
    std::shared_ptr<Session> remove(janus_plugin_session *handle);
    // Every live session, copied out so callers never call Janus while holding the lock.
    std::vector<std::shared_ptr<Session>> snapshot() const;
    size_t size() const;
    void clear();

    // The media threads' lock-free read: the handle's session if Janus has not stopped the
    // handle and the plugin has not destroyed the session.
    static Session *media_session(janus_plugin_session *handle);

private:
    mutable std::mutex mutex_;
    std::unordered_map<janus_plugin_session *, std::shared_ptr<Session>> sessions_;
};

} // namespace roomrec::plugin
