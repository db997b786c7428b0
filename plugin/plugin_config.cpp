#include "plugin/plugin_config.hpp"

#include "plugin/cluster_config.hpp"
#include "plugin/config_values.hpp"

#include "common/json.hpp"
#include "plugin/janus_api.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <tuple>

namespace roomrec::plugin {
namespace {

struct ConfigDestroy {
    void operator()(janus_config *config) const { janus_config_destroy(config); }
};

// jcfg values are text: integers and booleans are converted by key so one validator serves both
// the API and the configuration.
const std::set<std::string> kIntegerRoomKeys = {"max_session_duration", "max_participants", "reaction_burst",
                                                "reactions_per_minute"};
const std::set<std::string> kBooleanRoomKeys = {"public"};

common::JsonPtr category_as_json(janus_config *config, janus_config_category *category, const std::string &room_id) {
    common::JsonPtr object = common::json_object_ptr();
    json_object_set_new(object.get(), "room", json_string(room_id.c_str()));
    GList *items = janus_config_get_items(config, category);
    for (GList *it = items; it != nullptr; it = it->next) {
        auto *item = static_cast<janus_config_item *>(it->data);
        if (item->name == nullptr || item->value == nullptr) continue;
        if (kIntegerRoomKeys.count(item->name)) {
            char *end = nullptr;
            errno = 0;
            const long long number = std::strtoll(item->value, &end, 10);
            if (errno == 0 && end != item->value && *end == '\0') {
                json_object_set_new(object.get(), item->name, json_integer(number));
                continue;
            }
        }
        if (kBooleanRoomKeys.count(item->name) &&
            (!std::strcmp(item->value, "true") || !std::strcmp(item->value, "false"))) {
            json_object_set_new(object.get(), item->name, json_boolean(!std::strcmp(item->value, "true")));
            continue;
        }
        json_object_set_new(object.get(), item->name, json_string(item->value));
    }
    g_list_free(items);
    return object;
}

// The "limits" category: "<kind>_burst" and "<kind>_per_minute" for every signal kind, and the
// per-user shares of the chat history and of the open questions.
std::string read_limits(janus_config *config, domain::ActivityLimits &limits) {
    janus_config_category *category = janus_config_get(config, nullptr, janus_config_type_category, "limits");
    if (category == nullptr) return {};
    for (size_t i = 0; i < domain::kSignalKinds; ++i) {
        domain::SignalLimit &limit = limits.signals.by_kind[i];
        const std::string kind = domain::signal_kind_name(static_cast<domain::SignalKind>(i));
        int64_t burst = limit.burst, per_minute = limit.per_minute;
        for (const std::string &problem :
             {read_config_integer(config, category, "limits", (kind + "_burst").c_str(), 1, domain::kMaxSignalBurst,
                                  burst),
              read_config_integer(config, category, "limits", (kind + "_per_minute").c_str(), 1,
                                  domain::kMaxSignalsPerMinute, per_minute)})
            if (!problem.empty()) return problem;
        limit = {static_cast<int>(burst), static_cast<int>(per_minute)};
    }
    auto history = static_cast<int64_t>(limits.chat_history_per_user);
    auto questions = static_cast<int64_t>(limits.open_questions_per_user);
    for (const std::string &problem : {read_config_integer(config, category, "limits", "chat_history_per_user", 1,
                                                           static_cast<long long>(limits.max_messages), history),
                                       read_config_integer(config, category, "limits", "open_questions_per_user", 1,
                                                           static_cast<long long>(limits.max_questions), questions)})
        if (!problem.empty()) return problem;
    limits.chat_history_per_user = static_cast<size_t>(history);
    limits.open_questions_per_user = static_cast<size_t>(questions);
    return {};
}

} // namespace

std::variant<PluginConfig, std::string> load_plugin_config(const std::string &folder) {
    PluginConfig settings;
    const std::string path = folder + "/janus.plugin.roomrec.jcfg";
    std::unique_ptr<janus_config, ConfigDestroy> config(janus_config_parse(path.c_str()));
    if (!config) {
        if (g_file_test(path.c_str(), G_FILE_TEST_EXISTS)) return "cannot parse " + path;
        return settings;
    }
    janus_config_category *general = janus_config_get(config.get(), nullptr, janus_config_type_category, "general");
    if (const char *value = config_value(config.get(), general, "admin_secret")) settings.admin_secret = value;
    if (const char *value = config_value(config.get(), general, "token_secret")) settings.token_secret = value;
    if (const char *value = config_value(config.get(), general, "node_id")) {
        if (!domain::is_identifier(value, 64)) return "general.node_id must be 1-64 characters of [A-Za-z0-9_-]";
        settings.node_id = value;
    }
    for (const std::string &problem :
         {read_config_integer(config.get(), general, "general", "pli_min_interval_ms", 100, 60000,
                              settings.pli_min_interval_ms),
          read_config_integer(config.get(), general, "general", "recording_video_bitrate_kbps", 500, 20000,
                              settings.recording_video_bitrate_kbps),
          read_config_integer(config.get(), general, "general", "recorder_max_restarts", 0, 100,
                              settings.recorder_max_restarts),
          read_config_integer(config.get(), general, "general", "recorder_memory_limit_mib", 0,
                              recorder::kMaxMemoryLimitMib, settings.recorder_memory_limit_mib),
          read_config_integer(config.get(), general, "general", "host_leave_timeout", 1, 7 * 24 * 3600,
                              settings.host_leave_timeout_s),
          read_config_integer(config.get(), general, "general", "max_recording_duration", 1, 72 * 3600,
                              settings.max_recording_duration_s),
          read_config_path(config.get(), general, "general", "recordings_root", settings.recordings_root),
          read_config_path(config.get(), general, "general", "recorder_path", settings.recorder_path),
          read_config_path(config.get(), general, "general", "ffmpeg_path", settings.ffmpeg_path)})
        if (!problem.empty()) return problem;
    for (const std::string &problem :
         {read_config_integer(config.get(), general, "general", "kick_ban_seconds", 0, 72 * 3600, settings.kick_ban_s),
          read_config_integer(config.get(), general, "general", "max_subscriber_handles", 1, 64,
                              settings.max_subscriber_handles)})
        if (!problem.empty()) return problem;
    for (auto [key, folder, target] :
         {std::tuple("file_mode", false, &settings.file_mode), std::tuple("dir_mode", true, &settings.dir_mode)}) {
        const char *value = config_value(config.get(), general, key);
        if (value == nullptr) continue;
        std::string problem;
        const auto mode = common::parse_file_mode(value, folder, std::string("general.") + key, problem);
        if (!mode) return problem;
        *target = *mode;
    }
    if (settings.recorder_memory_limit_mib != 0 && settings.recorder_memory_limit_mib < recorder::kMinMemoryLimitMib)
        return "general.recorder_memory_limit_mib must be 0 (no limit) or " +
               std::to_string(recorder::kMinMemoryLimitMib) + "-" + std::to_string(recorder::kMaxMemoryLimitMib);
    for (auto [key, target] : {std::pair{"recording_max_stage_size", &settings.recording_max_stage_size},
                               std::pair{"recording_max_webcam_size", &settings.recording_max_webcam_size}}) {
        const char *value = config_value(config.get(), general, key);
        if (value == nullptr) continue;
        std::string problem;
        const auto bound = recorder::parse_size_bound(value, problem);
        if (!bound) return std::string("general.") + key + " " + problem;
        *target = *bound;
    }
    if (const char *value = config_value(config.get(), general, "recording_x264_preset")) {
        static const std::set<std::string> kPresets = {"ultrafast", "superfast", "veryfast",
                                                       "faster",    "fast",      "medium"};
        if (!kPresets.count(value))
            return "general.recording_x264_preset must be one of ultrafast, superfast, veryfast, faster, fast, medium";
        settings.x264_preset = value;
    }
    if (const char *value = config_value(config.get(), general, "events")) settings.notify_events = config_bool(value);
    if (const char *value = config_value(config.get(), general, "recording_tracks"))
        settings.recording_tracks = config_bool(value);
    if (const char *value = config_value(config.get(), general, "publisher_bitrate_max")) {
        char *end = nullptr;
        const long long bitrate = std::strtoll(value, &end, 10);
        if (end == value || *end != '\0' || (bitrate != 0 && (bitrate < 64000 || bitrate > 50'000'000)))
            return "general.publisher_bitrate_max must be 0 or an integer from 64000 to 50000000 (bits/s)";
        settings.publisher_bitrate_max = bitrate;
    }

    if (const std::string problem = read_delivery_config(config.get(), settings.delivery); !problem.empty())
        return problem;
    if (const std::string problem = read_cluster_config(config.get(), settings.node_id, settings.cluster);
        !problem.empty())
        return problem;
    if (const std::string problem = read_limits(config.get(), settings.activity); !problem.empty()) return problem;
    if (janus_config_category *telemetry = janus_config_get(config.get(), nullptr, janus_config_type_category,
                                                            "telemetry")) {
        if (const char *value = config_value(config.get(), telemetry, "postgres")) settings.telemetry.postgres = value;
        if (const std::string problem = read_config_path(config.get(), telemetry, "telemetry", "spool",
                                                         settings.telemetry.spool_folder);
            !problem.empty())
            return problem;
        if (const std::string problem = read_config_integer(config.get(), telemetry, "telemetry", "retention_days", 0,
                                                            3650, settings.telemetry.retention_days);
            !problem.empty())
            return problem;
        if (const std::string problem = read_config_integer(config.get(), telemetry, "telemetry", "queue_max_mib", 1,
                                                            4096, settings.telemetry.queue_max_mib);
            !problem.empty())
            return problem;
    }

    if (janus_config_category *reports = janus_config_get(config.get(), nullptr, janus_config_type_category,
                                                          "reports")) {
        if (const char *value = config_value(config.get(), reports, "postgres")) settings.reports.postgres = value;
        if (const std::string problem = read_config_integer(config.get(), reports, "reports", "queue", 1, 10000,
                                                            settings.reports.queue);
            !problem.empty())
            return problem;
        if (const std::string problem = read_config_integer(config.get(), reports, "reports", "statement_timeout_ms",
                                                            100, 600000, settings.reports.statement_timeout_ms);
            !problem.empty())
            return problem;
        if (const std::string problem = read_config_integer(config.get(), reports, "reports", "burst", 1, 1000,
                                                            settings.reports.burst);
            !problem.empty())
            return problem;
        if (const std::string problem = read_config_integer(config.get(), reports, "reports", "per_minute", 1, 60000,
                                                            settings.reports.per_minute);
            !problem.empty())
            return problem;
    }

    GList *categories = janus_config_get_categories(config.get(), nullptr);
    std::string error;
    for (GList *it = categories; it != nullptr && error.empty(); it = it->next) {
        auto *category = static_cast<janus_config_category *>(it->data);
        if (category->name == nullptr || std::strncmp(category->name, "room-", 5) != 0) continue;
        const std::string room_id = category->name + 5;
        common::JsonPtr description = category_as_json(config.get(), category, room_id);
        auto parsed = domain::parse_room_settings(description.get());
        if (auto *invalid = std::get_if<domain::ValidationError>(&parsed)) {
            error = std::string(category->name) + ": " + invalid->message;
            break;
        }
        auto room = std::get<domain::RoomSettings>(std::move(parsed));
        room.is_static = true;
        settings.static_rooms.push_back(std::move(room));
    }
    g_list_free(categories);
    if (!error.empty()) return error;
    return settings;
}

} // namespace roomrec::plugin
