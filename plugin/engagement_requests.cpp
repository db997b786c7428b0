#include "plugin/engagement_requests.hpp"

#include "plugin/room_registry.hpp"
#include "plugin/room_signal_helpers.hpp"
#include "plugin/signalling_worker.hpp"
#include "plugin/telemetry_bridge.hpp"

#include "domain/engagement_rule.hpp"
#include "domain/playback_buckets.hpp"

namespace roomrec::plugin {

using domain::ErrorCode;

namespace {

constexpr int64_t kMinHeartbeatGapUs = 5 * G_USEC_PER_SEC; // clients send one per 10 s
constexpr size_t kMaxPlays = 10000;                        // per room session: progress is kept per play

bool flag(const Request &request, const char *name) { return json_is_true(json_object_get(request.body.get(), name)); }

bool presents_stage(const Session &session) {
    for (const auto &stream : session.publication.load()->by_mindex)
        if (stream && stream->plan.source == StreamSource::Stage) return true;
    return false;
}

} // namespace

Reply EngagementRequests::on_heartbeat(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    auto who = find_signaller(rooms_, request);
    if (auto *refusal = std::get_if<Reply>(&who)) return std::move(*refusal);
    auto &[room, member, actor] = std::get<Signaller>(who);
    const int64_t now = g_get_monotonic_time();
    int64_t &last = room->last_heartbeat_us[member->participant_id];
    if (last != 0 && now - last < kMinHeartbeatGapUs)
        return reply_error(domain::ErrorCode::RateLimited, "one heartbeat per 10 s is enough");
    last = now;
    // The client reports what it sees; the server knows who is on stage.
    domain::HeartbeatBits bits = 0;
    if (flag(request, "focused")) bits |= domain::kTabFocused;
    if (flag(request, "fullscreen")) bits |= domain::kFullScreen;
    if (flag(request, "sound")) bits |= domain::kSoundOn;
    if (flag(request, "camera")) bits |= domain::kCameraOn;
    if (member->on_stage || presents_stage(*request.session)) bits |= domain::kOnStage;
    telemetry_.record(*room, analytics::TelemetryKind::Heartbeat, member, "", bits);
    common::JsonPtr data = make_event("heartbeat");
    json_object_set_new(data.get(), "engaged", json_boolean(domain::EngagementRule{}.engaged(bits)));
    return reply_with(std::move(data));
}

Reply EngagementRequests::on_download(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    auto who = find_signaller(rooms_, request);
    if (auto *refusal = std::get_if<Reply>(&who)) return std::move(*refusal);
    auto &[room, member, actor] = std::get<Signaller>(who);
    const std::string attachment = body_text(request, "attachment");
    telemetry_.record(*room, analytics::TelemetryKind::Download, member, attachment, 0,
                      common::JsonPtr(json_pack("{s:s}", "name", body_text(request, "name").c_str())));
    return reply_with(make_event("download_recorded"));
}

Reply EngagementRequests::on_playback(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    auto who = find_signaller(rooms_, request);
    if (auto *refusal = std::get_if<Reply>(&who)) return std::move(*refusal);
    auto &[room, member, actor] = std::get<Signaller>(who);
    const std::string event = body_text(request, "event");
    static const std::pair<const char *, analytics::TelemetryKind> kEvents[] = {
        {"impression", analytics::TelemetryKind::PlaybackImpression},
        {"play", analytics::TelemetryKind::PlaybackPlay},
        {"progress", analytics::TelemetryKind::PlaybackProgress},
        {"seek", analytics::TelemetryKind::PlaybackSeek}};
    const auto *kind = std::find_if(std::begin(kEvents), std::end(kEvents),
                                    [&](const auto &known) { return event == known.first; });
    if (kind == std::end(kEvents))
        return reply_error(domain::ErrorCode::InvalidElement, "event must be impression, play, progress or seek");
    const std::string recording = body_text(request, "recording");
    if (kind->second == analytics::TelemetryKind::PlaybackImpression) {
        telemetry_.record(*room, kind->second, member, recording);
        return reply_with(make_event("playback_recorded"));
    }
    const bool seek = kind->second == analytics::TelemetryKind::PlaybackSeek;
    const std::string play = body_text(request, "play");
    const json_t *position = json_object_get(request.body.get(), "position_ms");
    const json_t *duration = json_object_get(request.body.get(), "duration_ms");
    const json_t *from = json_object_get(request.body.get(), "from_ms");
    if (play.empty() || duration == nullptr)
        return reply_error(domain::ErrorCode::MissingElement, "play and duration_ms are required");
    if (seek && (position == nullptr || from == nullptr))
        return reply_error(domain::ErrorCode::MissingElement, "a seek needs from_ms and position_ms (where it landed)");
    const std::string key = member->participant_id + "/" + play;
    if (!room->plays.count(key) && room->plays.size() >= kMaxPlays)
        return reply_error(domain::ErrorCode::ActivityState, "too many plays in this session");
    // E6: the distinct 1 % buckets this play has watched so far (A5 takes each play's last value).
    domain::PlayProgress &progress = room->plays[key];
    const double duration_s = json_integer_value(duration) / 1000.0;
    const double position_s = json_integer_value(position) / 1000.0;
    const auto verdict = seek ? progress.seek(json_integer_value(from) / 1000.0, position_s, duration_s)
                              : progress.report(position_s, duration_s);
    if (verdict != domain::ProgressVerdict::Accepted)
        return reply_error(domain::ErrorCode::InvalidElement,
                           std::string("progress refused: ") + domain::progress_verdict_name(verdict) +
                               " (duration_ms 1 ms..7 days, the same for the whole play; "
                               "position_ms and from_ms within it)");
    const std::string watched = progress.watched_hex();
    // A seek carries watched_ms too: a play's last row gives its minutes viewed (A5), and the
    // step to from_ms was watched.
    common::JsonPtr body =
        seek ? common::JsonPtr(json_pack("{s:s, s:I, s:I, s:I, s:I, s:s}", "play", play.c_str(), "from_ms",
                                         json_integer_value(from), "to_ms", json_integer_value(position), "duration_ms",
                                         json_integer_value(duration), "watched_ms",
                                         json_int_t(progress.watched_seconds() * 1000), "watched", watched.c_str()))
             : common::JsonPtr(json_pack("{s:s, s:I, s:I, s:I, s:s}", "play", play.c_str(), "position_ms",
                                         json_integer_value(position), "duration_ms", json_integer_value(duration),
                                         "watched_ms", json_int_t(progress.watched_seconds() * 1000), "watched",
                                         watched.c_str()));
    telemetry_.record(*room, kind->second, member, recording, progress.distinct_buckets(), std::move(body));
    common::JsonPtr data = make_event("playback_recorded");
    json_object_set_new(data.get(), "buckets", json_integer(progress.distinct_buckets()));
    json_object_set_new(data.get(), "watched", json_string(watched.c_str()));
    return reply_with(std::move(data));
}

} // namespace roomrec::plugin
