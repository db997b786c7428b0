// A JanusGateway that records what the plugin asks of Janus, for the request handler tests.
// Calls arrive on the plugin's signalling thread; tests wait for them with a deadline.
#pragma once

#include "plugin/janus_gateway.hpp"

#include <jansson.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace roomrec::test {

class FakeGateway final : public plugin::JanusGateway {
public:
    struct Pushed {
        janus_plugin_session *handle;
        std::string transaction;
        std::string json; // the message, compact
        bool has_jsep;
    };

    int push_event(janus_plugin_session *handle, const char *transaction, json_t *message, json_t *jsep) override {
        char *text = json_dumps(message, JSON_COMPACT | JSON_SORT_KEYS);
        std::lock_guard lock(mutex_);
        pushed_.push_back({handle, transaction ? transaction : "", text ? text : "", jsep != nullptr});
        free(text);
        changed_.notify_all();
        return refuse_jsep_ && jsep != nullptr ? -1 : 0;
    }
    void relay_rtp(janus_plugin_session *, janus_plugin_rtp *) override {}
    void send_pli(janus_plugin_session *handle, int) override { count(plis_, handle); }
    void send_remb(janus_plugin_session *, uint32_t) override {}
    void close_pc(janus_plugin_session *handle) override { count(closed_, handle); }
    bool events_enabled() override { return true; }
    void notify_event(janus_plugin_session *, json_t *event) override {
        char *text = json_dumps(event, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(event);
        std::lock_guard lock(mutex_);
        notified_.push_back(text ? text : "");
        free(text);
        changed_.notify_all();
    }

    // The first message pushed to handle whose JSON contains every fragment, waiting up to 5 s;
    // "" if none came. Matched messages are consumed, so a test can wait for the next one.
    std::string wait_push(janus_plugin_session *handle, const std::vector<std::string> &fragments) {
        std::unique_lock lock(mutex_);
        std::string found;
        changed_.wait_for(lock, std::chrono::seconds(5), [&] { return take(handle, fragments, found); });
        return found;
    }
    // Whether such a message is already waiting (no wait): for "nobody was told" checks after
    // a request that answered synchronously.
    bool has_push(janus_plugin_session *handle, const std::vector<std::string> &fragments) {
        std::lock_guard lock(mutex_);
        for (const auto &entry : pushed_)
            if (entry.handle == handle && contains_all(entry.json, fragments)) return true;
        return false;
    }
    bool wait_notified(const std::vector<std::string> &fragments) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(5), [&] {
            for (const auto &entry : notified_)
                if (contains_all(entry, fragments)) return true;
            return false;
        });
    }
    int closed(janus_plugin_session *handle) { return counted(closed_, handle); }
    int plis(janus_plugin_session *handle) { return counted(plis_, handle); }
    void refuse_jsep(bool refuse) {
        std::lock_guard lock(mutex_);
        refuse_jsep_ = refuse;
    }

private:
    static bool contains_all(const std::string &json, const std::vector<std::string> &fragments) {
        for (const auto &fragment : fragments)
            if (json.find(fragment) == std::string::npos) return false;
        return true;
    }
    bool take(janus_plugin_session *handle, const std::vector<std::string> &fragments, std::string &found) {
        for (auto it = pushed_.begin(); it != pushed_.end(); ++it)
            if (it->handle == handle && contains_all(it->json, fragments)) {
                found = it->json;
                pushed_.erase(it);
                return true;
            }
        return false;
    }
    void count(std::vector<janus_plugin_session *> &calls, janus_plugin_session *handle) {
        std::lock_guard lock(mutex_);
        calls.push_back(handle);
        changed_.notify_all();
    }
    int counted(const std::vector<janus_plugin_session *> &calls, janus_plugin_session *handle) {
        std::lock_guard lock(mutex_);
        int n = 0;
        for (auto *call : calls) n += call == handle;
        return n;
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Pushed> pushed_;
    std::vector<std::string> notified_;
    std::vector<janus_plugin_session *> closed_;
    std::vector<janus_plugin_session *> plis_;
    bool refuse_jsep_ = false;
};

} // namespace roomrec::test
