// Settings read from janus.plugin.roomrec.jcfg (O1; conf/ documents every key).
#pragma once

#include "analytics/core/telemetry_event.hpp"
#include "common/file_mode.hpp"
#include "domain/room.hpp"
#include "domain/room_activity.hpp"
#include "domain/room_home.hpp"
#include "plugin/delivery_config.hpp"
#include "recorder/core/frame_size.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace roomrec::plugin {

// The package name Janus, janus.js clients and signed tokens know this plugin by.
inline constexpr const char *kPackage = "janus.plugin.roomrec";

struct PluginConfig {
    std::string admin_secret;                  // required by API create/destroy; empty: those are refused
    std::string token_secret;                  // HMAC secret of signed tokens; empty: tokens are refused
    std::string node_id = "node-1";            // names this Janus node in events (scale-out)
    int64_t pli_min_interval_ms = 500;         // at most one keyframe request per stream per interval
    bool notify_events = true;                 // forward lifecycle events to Janus event handlers
    int64_t publisher_bitrate_max = 2'000'000; // REMB cap sent to publishers, bits/s; 0: none
    // Recording (C5, C6, M, S1).
    std::string recordings_root = "/var/lib/roomrec/recordings";
    // Recordings, their folders and work files under recordings_root (the spools stay 0700).
    unsigned file_mode = common::kDefaultFileMode;
    unsigned dir_mode = common::kDefaultFolderMode;
    std::string recorder_path = ROOMREC_DEFAULT_RECORDER_PATH;
    std::string ffmpeg_path = "/usr/bin/ffmpeg";
    std::string x264_preset = "ultrafast";
    int64_t recording_video_bitrate_kbps = 4000;
    int64_t recorder_max_restarts = 5;
    // Isolated tracks by default (start_recording's "tracks" overrides it per recording).
    bool recording_tracks = false;
    // The largest frame a recorded stage / webcam stream may send (issue 11); bigger keyframes
    // are dropped before the recorder decodes them.
    recorder::SizeBound recording_max_stage_size{3840, 2160};
    recorder::SizeBound recording_max_webcam_size{1920, 1080};
    int64_t recorder_memory_limit_mib = 1024; // per worker; 0: none
    int64_t host_leave_timeout_s = 15 * 60;
    int64_t max_recording_duration_s = 24 * 3600;
    // Seats and kicks (R2, R7).
    int64_t kick_ban_s = 3600;          // a kicked user's rejoin is refused this long (or until the session ends)
    int64_t max_subscriber_handles = 8; // per participant
    DeliveryConfig delivery;            // S2-S5
    struct Telemetry {
        std::string postgres;         // libpq conninfo; empty: delivery.postgres
        std::string spool_folder;     // empty: <recordings_root>/.telemetry
        int64_t retention_days = 365; // older days are dropped daily; 0: kept forever
        int64_t queue_max_mib = 64;   // the writer's queue: bytes its events may hold
    } telemetry;                      // E1-E7
    // The telemetry database: its own, else delivery's (empty: none).
    const std::string &telemetry_postgres() const {
        return telemetry.postgres.empty() ? delivery.postgres : telemetry.postgres;
    }
    struct Reports {
        std::string postgres;                 // libpq conninfo; empty: the telemetry database
        int64_t queue = 64;                   // report requests waiting for the report worker (1-10000)
        int64_t statement_timeout_ms = 10000; // the longest one report may run (100-600000)
        int64_t burst = 20;                   // report requests one credential may send at once (1-1000)
        int64_t per_minute = 120;             // then this many a minute (1-60000)
    } reports;                                // A1-A10
    const std::string &reports_postgres() const {
        return reports.postgres.empty() ? telemetry_postgres() : reports.postgres;
    }
    // The "limits" category: per-user signal rates and history shares of a room session (E3-E5).
    domain::ActivityLimits activity;
    std::vector<domain::RoomSettings> static_rooms;
    // The nodes sharing this database, by id (empty: one node). A room lives on its home node
    // (domain/room_home); the others refuse to open it and name that node.
    std::vector<domain::ClusterNode> cluster;
    // Sees every telemetry event the plugin records, with or without a database (handler tests).
    std::function<void(const analytics::TelemetryEvent &)> telemetry_observer;
};

// Reads <folder>/janus.plugin.roomrec.jcfg; a missing file gives the defaults, a bad one an error.
std::variant<PluginConfig, std::string> load_plugin_config(const std::string &folder);

} // namespace roomrec::plugin
