#include "plugin/library_playback.hpp"

#include "common/log.hpp"

namespace roomrec::plugin {
namespace {
constexpr common::Logger kLog("telemetry");
} // namespace

void LibraryPlaybackRecorder::on_library_playback(const storage::LibraryPlayback &playback) {
    const auto kind = analytics::kind_from_name(playback.kind);
    if (!kind) { // a kind this build's telemetry does not store yet
        kLog.warning("library playback " + playback.kind + " is not a telemetry kind: not recorded");
        return;
    }
    analytics::TelemetryEvent event;
    event.room_id = playback.room;
    event.session_id = ""; // no live room session
    event.participant_id = playback.viewer;
    event.subject_id = playback.recording;
    event.kind = *kind;
    if (*kind != analytics::TelemetryKind::PlaybackImpression) {
        event.value = playback.buckets;
        common::JsonPtr body(json_pack("{s:s, s:I, s:I}", "play", playback.play.c_str(), "duration_ms",
                                       json_int_t(playback.duration_ms), "watched", playback.watched.c_str()));
        if (playback.from_ms >= 0) { // a seek: from → to
            json_object_set_new(body.get(), "from_ms", json_integer(playback.from_ms));
            json_object_set_new(body.get(), "to_ms", json_integer(playback.position_ms));
        } else {
            json_object_set_new(body.get(), "position_ms", json_integer(playback.position_ms));
        }
        // Seeks too: a play's last row gives its minutes viewed (A5).
        json_object_set_new(body.get(), "watched_ms", json_integer(playback.watched_ms));
        event.body_json = common::json_compact(body);
    }
    telemetry_.record_event(std::move(event));
}

} // namespace roomrec::plugin
