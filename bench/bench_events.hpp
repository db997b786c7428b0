// The telemetry the benchmarks write: a busy room's mix (one reaction per seven heartbeats)
// spread over 50 rooms, 2,000 participants and 1,500 users.
#pragma once

#include "analytics/core/telemetry_event.hpp"

#include <cstdint>
#include <string>

namespace roomrec::bench {

inline analytics::TelemetryEvent make_bench_event(int64_t i, int64_t now_us) {
    analytics::TelemetryEvent event;
    event.room_id = "room-" + std::to_string(i % 50);
    event.session_id = "sess-" + std::to_string(i % 50);
    event.participant_id = "p" + std::to_string(i % 2000);
    event.user_id = "u" + std::to_string(i % 1500);
    event.subject_id = "s" + std::to_string(i);
    event.kind = i % 8 == 0 ? analytics::TelemetryKind::Reaction : analytics::TelemetryKind::Heartbeat;
    event.at_us = now_us + i;
    event.value = 10;
    if (i % 8 == 0) event.body_json = R"({"emoji":"clap"})";
    return event;
}

} // namespace roomrec::bench
