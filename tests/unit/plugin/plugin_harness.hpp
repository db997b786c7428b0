// A Plugin driven the way Janus drives it, with a FakeGateway in place of the core: handles are
// real janus_plugin_session structs, requests go through handle_message, and the test reads
// what was answered synchronously or pushed asynchronously. No database, no recorder binary.
#pragma once

#include "common/log.hpp"
#include "domain/signed_token.hpp"
#include "plugin/plugin.hpp"
#include "tests/unit/plugin/fake_gateway.hpp"

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace roomrec::test {

inline bool has(const std::string &text, const char *fragment) { return text.find(fragment) != std::string::npos; }

inline void free_test_handle(const janus_refcount *ref) {
    g_free(janus_refcount_containerof(ref, janus_plugin_session, ref));
}

class PluginHarness {
public:
    // adjust changes the test configuration before the plugin starts (e.g. tighter limits).
    explicit PluginHarness(const std::function<void(plugin::PluginConfig &)> &adjust = {}) {
        // Log lines are kept for the tests to read (printed too with ROOMREC_TEST_LOG set).
        common::set_log_sink([this](const common::LogRecord &record) {
            const std::string line = common::format_log_line(record);
            if (std::getenv("ROOMREC_TEST_LOG")) std::fprintf(stderr, "%s\n", line.c_str());
            std::lock_guard lock(log_mutex_);
            log_lines_.push_back(line);
        });
        char folder[] = "/tmp/roomrec-plugin-test-XXXXXX";
        root_ = mkdtemp(folder);
        plugin::PluginConfig config;
        config.admin_secret = "admin-secret";
        config.token_secret = "token-secret";
        config.recordings_root = root_ + "/recordings";
        config.recorder_path = root_ + "/no-such-recorder"; // a recording cannot start here
        config.telemetry.retention_days = 0;
        config.telemetry_observer = [this](const analytics::TelemetryEvent &event) {
            std::lock_guard lock(rows_mutex_);
            rows_.push_back(event);
        };
        if (adjust) adjust(config);
        plugin_ = std::make_unique<plugin::Plugin>(gateway, std::move(config));
    }
    ~PluginHarness() {
        for (auto *handle : handles_) destroy(handle);
        plugin_.reset();
        for (auto *handle : handles_) janus_refcount_decrease(&handle->ref); // Janus's own reference
        common::set_log_sink({});
        std::error_code ignored;
        std::filesystem::remove_all(root_, ignored);
    }

    // The first log line so far that contains every fragment ("" if none).
    std::string log_line(const std::vector<std::string> &fragments) {
        std::lock_guard lock(log_mutex_);
        for (const auto &line : log_lines_) {
            bool all = true;
            for (const auto &fragment : fragments) all = all && line.find(fragment) != std::string::npos;
            if (all) return line;
        }
        return "";
    }
    // The telemetry events recorded so far (no database needed), optionally of one kind.
    std::vector<analytics::TelemetryEvent> rows(const char *kind = nullptr) {
        std::lock_guard lock(rows_mutex_);
        std::vector<analytics::TelemetryEvent> out;
        for (const auto &row : rows_)
            if (kind == nullptr || analytics::kind_name(row.kind) == kind) out.push_back(row);
        return out;
    }
    PluginHarness(const PluginHarness &) = delete;
    PluginHarness &operator=(const PluginHarness &) = delete;

    janus_plugin_session *attach() {
        auto *handle = static_cast<janus_plugin_session *>(g_malloc0(sizeof(janus_plugin_session)));
        janus_refcount_init(&handle->ref, free_test_handle);
        int error = 1;
        plugin_->create_session(handle, &error); // the plugin adopts the first reference
        janus_refcount_increase(&handle->ref);   // and Janus keeps one of its own, as it does
        handles_.push_back(handle);
        return handle;
    }
    void destroy(janus_plugin_session *handle) {
        if (g_atomic_int_get(&handle->stopped)) return;
        g_atomic_int_set(&handle->stopped, 1); // as Janus does before destroy_session
        int error = 0;
        plugin_->destroy_session(handle, &error);
    }

    // Sends a plugin message; returns the synchronous answer's JSON, or "wait" when the answer
    // comes later through push_event.
    std::string request(janus_plugin_session *handle, const std::string &body, const char *transaction = "tx") {
        json_error_t error;
        json_t *message = json_loads(body.c_str(), 0, &error);
        if (message == nullptr) return std::string("bad test JSON: ") + error.text;
        janus_plugin_result *result = plugin_->handle_message(handle, g_strdup(transaction), message, nullptr);
        std::string answer = result->type == JANUS_PLUGIN_OK_WAIT ? "wait" : dump(result->content);
        if (result->type == JANUS_PLUGIN_ERROR) answer = std::string("error: ") + (result->text ? result->text : "");
        janus_plugin_result_destroy(result);
        return answer;
    }
    std::string admin(const std::string &body) {
        json_t *message = json_loads(body.c_str(), 0, nullptr);
        json_t *answer = plugin_->handle_admin_message(message);
        json_decref(message);
        std::string text = dump(answer);
        json_decref(answer);
        return text;
    }

    // What the Janus Admin API shows of a handle.
    std::string query(janus_plugin_session *handle) {
        json_t *answer = plugin_->query_session(handle);
        std::string text = dump(answer);
        json_decref(answer);
        return text;
    }

    void create_room(const std::string &room, const std::string &extra = "") {
        const std::string answer = request(attach(), R"({"request":"create","admin_secret":"admin-secret","room":")" +
                                                         room +
                                                         R"(","title":"Weekly sync","host_secret":"h",)"
                                                         R"("moderator_secret":"m","viewer_secret":"v")" +
                                                         extra + "}");
        if (answer.find("\"created\"") == std::string::npos) throw std::runtime_error("create failed: " + answer);
    }
    // A signed join token for user in room with role, valid for an hour.
    static std::string token(const std::string &room, const std::string &role, const std::string &user) {
        const long long expiry = g_get_real_time() / G_USEC_PER_SEC + 3600;
        return domain::sign_token(std::to_string(expiry) + ",janus.plugin.roomrec,room=" + room + ",user=" + user +
                                      ",role=" + role,
                                  "token-secret");
    }
    // Joins a new handle as user (a signed token names them); returns the handle, its
    // participant id in *id.
    janus_plugin_session *join(const std::string &room, const char *role, const std::string &user, std::string *id,
                               const std::string &client = "desktop") {
        return join_with(R"({"request":"join","room":")" + room + R"(","token":")" + token(room, role, user) +
                             R"(","user":{"display":")" + user + R"(","client":")" + client + R"("}})",
                         user, id);
    }
    // Joins a new handle with the room secret of role: the server names the guest.
    janus_plugin_session *join_guest(const std::string &room, const char *role, const std::string &display,
                                     std::string *id) {
        const char *secret = role[0] == 'h' ? "h" : role[0] == 'm' ? "m" : "v";
        return join_with(R"({"request":"join","room":")" + room + R"(","role":")" + role + R"(","secret":")" +
                             secret + R"(","user":{"display":")" + display + R"("}})",
                         display, id);
    }
    janus_plugin_session *join_with(const std::string &body, const std::string &who, std::string *id) {
        janus_plugin_session *handle = attach();
        request(handle, body);
        const std::string joined = gateway.wait_push(handle, {"\"roomrec\":\"joined\""});
        if (joined.empty()) throw std::runtime_error("join of " + who + " got no joined event");
        if (id) *id = field(joined, "id");
        last_joined = joined;
        return handle;
    }

    // The usual cast: room "weekly" with alice as host and bob as viewer.
    struct Meeting {
        janus_plugin_session *host;
        janus_plugin_session *viewer;
        std::string host_id;
        std::string viewer_id;
    };
    Meeting meet() {
        create_room("weekly");
        Meeting meeting{};
        meeting.host = join("weekly", "host", "alice", &meeting.host_id);
        meeting.viewer = join("weekly", "viewer", "bob", &meeting.viewer_id);
        return meeting;
    }

    // The string value of a top-level field of a compact JSON text ("" if absent).
    static std::string field(const std::string &json, const char *name) {
        json_t *value = json_loads(json.c_str(), 0, nullptr);
        const char *text = json_string_value(json_object_get(value, name));
        std::string out = text ? text : "";
        json_decref(value);
        return out;
    }
    // The string at object.member of a compact JSON text ("" if absent).
    static std::string nested(const std::string &json, const char *object, const char *member) {
        json_t *value = json_loads(json.c_str(), 0, nullptr);
        const char *text = json_string_value(json_object_get(json_object_get(value, object), member));
        std::string out = text ? text : "";
        json_decref(value);
        return out;
    }
    static long long integer(const std::string &json, const char *name) {
        json_t *value = json_loads(json.c_str(), 0, nullptr);
        const long long out = json_integer_value(json_object_get(value, name));
        json_decref(value);
        return out;
    }

    FakeGateway gateway;
    std::string last_joined;

private:
    static std::string dump(const json_t *value) {
        char *text = value ? json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS) : nullptr;
        std::string out = text ? text : "";
        free(text);
        return out;
    }

    std::mutex rows_mutex_;
    std::vector<analytics::TelemetryEvent> rows_;
    std::mutex log_mutex_;
    std::vector<std::string> log_lines_;
    std::string root_;
    std::unique_ptr<plugin::Plugin> plugin_; // after gateway: destroyed first
    std::vector<janus_plugin_session *> handles_;
};

// The error_code of a reply (0 for a success).
inline long long code(const std::string &answer) { return PluginHarness::integer(answer, "error_code"); }

// One field of a recorded telemetry row's body, as text ("" when absent or neither a string
// nor an integer).
inline std::string body_field(const analytics::TelemetryEvent &row, const char *key) {
    json_t *body = json_loads(row.body_json.c_str(), 0, nullptr);
    const json_t *value = json_object_get(body, key);
    std::string out = json_is_string(value)    ? json_string_value(value)
                      : json_is_integer(value) ? std::to_string(json_integer_value(value))
                                               : "";
    json_decref(body);
    return out;
}

} // namespace roomrec::test
