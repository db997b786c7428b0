#include "plugin/session_table.hpp"

namespace roomrec::plugin {

void SessionTable::add(janus_plugin_session *handle, std::shared_ptr<Session> session) {
    std::lock_guard lock(mutex_);
    handle->plugin_handle = session.get();
    sessions_[handle] = std::move(session);
}

std::shared_ptr<Session> SessionTable::find(janus_plugin_session *handle) const {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(handle);
    if (it == sessions_.end() || it->second->destroyed.load(std::memory_order_acquire)) return nullptr;
    return it->second;
}

std::shared_ptr<Session> SessionTable::remove(janus_plugin_session *handle) {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(handle);
    if (it == sessions_.end()) return nullptr;
    std::shared_ptr<Session> session = std::move(it->second);
    sessions_.erase(it);
    session->destroyed.store(true, std::memory_order_release);
    session->gate->closed.store(true, std::memory_order_release);
    return session;
}

std::vector<std::shared_ptr<Session>> SessionTable::snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<Session>> sessions;
    sessions.reserve(sessions_.size());
    for (const auto &[handle, session] : sessions_) sessions.push_back(session);
    return sessions;
}

size_t SessionTable::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

void SessionTable::clear() {
    std::lock_guard lock(mutex_);
    for (auto &[handle, session] : sessions_) {
        session->destroyed.store(true, std::memory_order_release);
        session->gate->closed.store(true, std::memory_order_release);
    }
    sessions_.clear();
}

Session *SessionTable::media_session(janus_plugin_session *handle) {
    if (handle == nullptr || g_atomic_int_get(&handle->stopped)) return nullptr;
    auto *session = static_cast<Session *>(handle->plugin_handle);
    return session != nullptr && !session->destroyed.load(std::memory_order_acquire) ? session : nullptr;
}

} // namespace roomrec::plugin
