#include "plugin/recording_controller.hpp"

#include "common/log.hpp"
#include "plugin/core/sender_report.hpp"
#include "plugin/delivery_bridge.hpp"
#include "plugin/media_relay.hpp"
#include "plugin/room_messenger.hpp"
#include "plugin/room_registry.hpp"
#include "plugin/signalling_worker.hpp"

#include "common/random_id.hpp"
#include "domain/ownership.hpp"
#include "domain/recording_name.hpp"
#include "recorder/contract/control_messages.hpp"

#include <unistd.h>

#include <filesystem>

namespace roomrec::plugin {
namespace {
constexpr common::Logger kLog("recording");
} // namespace

using domain::ErrorCode;
using domain::StopReason;

namespace {

bool leads(const domain::Member &member) { return domain::leads(member.role); }

// label names the publisher in an isolated track's file name: its user id (display names never
// go into recordings, domain/client_info.hpp).
std::string stream_spec(const PublishedStream &stream, const std::string &label) {
    const auto codec = recorder::codec_from_name(stream.codec.name);
    // Negotiation offers only codecs the recorder decodes; the worker leaves out a stream whose
    // (empty) description it cannot decode.
    if (!codec) return {};
    recorder::StreamSpec spec;
    spec.kind = stream.plan.kind == MediaKind::Video ? recorder::MediaKind::Video : recorder::MediaKind::Audio;
    spec.source = stream.plan.source == StreamSource::Stage ? recorder::StreamSource::Stage
                                                            : recorder::StreamSource::Webcam;
    spec.codec = *codec;
    spec.payload_type = stream.codec.payload_type;
    spec.participant = stream.feed_id;
    spec.label = label;
    return recorder::encode(spec);
}

constexpr int kRecoveryWaitSeconds = 120;
// The stop reason of a recording finalized at start-up: Janus stopped (crashed, was killed)
// before it could stop and store it.
constexpr const char *kRecoveredReason = "interrupted";

// A report older than this may no longer map the sender's clocks to within a few ms (their
// rates drift): the recorder then waits for the next one.
constexpr int64_t kMaxReportAgeUs = 10 * 1000 * 1000;
// The recorder ignores a report whose RTP time is before the first packet it saw, and one more
// than 1 s after the newest: the replayed report is dated a little after its first packets.
constexpr int64_t kReportLeadUs = 300 * 1000;

// The recorder lines a publisher's audio and video up by their sender reports, which browsers
// send only every 1-7 s: the last one, brought forward to now, lets it do so from the first
// packet instead of shifting a stream when the next reports come.
void replay_sender_report(const PublishedStream &stream, RecorderLink &link, uint16_t id) {
    int64_t received_us = 0;
    const std::vector<uint8_t> report = stream.last_sender_report.load(received_us);
    const int64_t age = g_get_monotonic_time() - received_us;
    if (report.empty() || age > kMaxReportAgeUs) return;
    const uint32_t clock_rate = stream.plan.kind == MediaKind::Video ? 90000 : 48000;
    const std::vector<uint8_t> packet = advance_sender_report(report.data(), report.size(), age + kReportLeadUs,
                                                              clock_rate);
    if (!packet.empty()) link.tap(recorder::WireType::Rtcp, id, packet.data(), packet.size());
}

// What the room and the event handlers hear of a recording's isolated tracks: the folder, and
// why one could not be stored.
void describe_tracks(json_t *details, const StoredRecording &stored) {
    if (!stored.tracks.location.empty())
        json_object_set_new(details, "tracks", json_string(stored.tracks.location.c_str()));
    if (!stored.tracks.error.empty()) {
        json_object_set_new(details, "tracks_error", json_string(stored.tracks.error.c_str()));
        kLog.error(common::format_text("recording %s: %s", stored.path.c_str(), stored.tracks.error.c_str()));
    }
}

} // namespace

RecordingController::RecordingController(const PluginConfig &config, RoomRegistry &rooms, RoomMessenger &messenger,
                                         JanusGateway &gateway, DeliveryBridge &delivery, SignallingWorker &worker,
                                         Listener &listener)
    : config_(config), rooms_(rooms), messenger_(messenger), gateway_(gateway), delivery_(delivery), worker_(worker),
      listener_(listener), store_(config.recordings_root, config.ffmpeg_path, config.file_mode, config.dir_mode) {}

RecordingController::~RecordingController() {
    stopping_ = true;
    if (recovery_.joinable()) recovery_.join();
}

void RecordingController::start_recovery() {
    recovery_ = std::thread([this] { recover_unfinished_recordings(); });
}

void RecordingController::shutdown(const std::function<void()> &close_rooms) {
    stopping_ = true;
    if (recovery_.joinable()) recovery_.join();
    // Recordings end with the plugin: each worker finishes its file, which is then stored.
    std::vector<std::shared_ptr<RecorderLink>> links;
    worker_.call<bool>(
        [&] {
        close_rooms();
        for (const auto &recording : recordings_) links.push_back(recording->link);
        return true;
        },
        std::chrono::seconds(15));
    for (const auto &link : links) link->join(); // the signalling thread still runs what they post
    worker_.call<bool>(
        [this] {
        recordings_.clear();
        return true;
        },
        std::chrono::seconds(15));
}

domain::PolicySettings RecordingController::policy_settings(const LiveRoom &room) const {
    domain::PolicySettings settings;
    settings.host_leave_timeout_us = config_.host_leave_timeout_s * G_USEC_PER_SEC;
    settings.max_recording_us = config_.max_recording_duration_s * G_USEC_PER_SEC;
    settings.max_session_us = room.settings.max_session_seconds * G_USEC_PER_SEC;
    return settings;
}

// After every join and leave: the first join starts the room session; hosts coming and
// going drive the host-leave timer (C5).
void RecordingController::membership_changed(LiveRoom &room) {
    ROOMREC_ON_SIGNALLING_THREAD();
    const int64_t now = g_get_monotonic_time();
    if (!room.policy) {
        if (room.roster.size() == 0) return;
        room.policy.emplace(policy_settings(room), now);
        listener_.on_room_session_started(room);
    }
    room.policy->hosts_present(static_cast<int>(room.roster.count(domain::Role::Host)), now);
}

common::JsonPtr RecordingController::describe_recording(const LiveRoom &room, const domain::Member &member) const {
    common::JsonPtr out = common::json_object_ptr();
    const auto state = room.policy ? room.policy->state() : domain::RecordingState::Idle;
    json_object_set_new(out.get(), "state", json_string(domain::recording_state_name(state)));
    const bool lead = domain::leads(member.role);
    if (room.recording) {
        json_object_set_new(out.get(), "recording", json_string(room.recording->manifest.recording_id.c_str()));
        // C3: the start time (for an elapsed-time counter) goes to those who may stop it.
        if (lead && room.recording->started_unix_ms != 0)
            json_object_set_new(out.get(), "started_at", json_integer(room.recording->started_unix_ms));
    }
    // C1: a mobile host sees the counter but is not offered a control it would be refused.
    if (domain::may_control_recording(member.role, member.client.kind) == domain::ControlDenied::None)
        json_object_set_new(out.get(), "can_control", json_true());
    return out;
}

void RecordingController::tell_recording(LiveRoom &room, const char *state,
                                         const std::function<bool(const domain::Member &)> &who,
                                         const std::function<void(json_t *)> &extra) {
    ROOMREC_ON_SIGNALLING_THREAD();
    for (const auto &[id, session] : room.participants) {
        const domain::Member *member = room.roster.find(id);
        if (member == nullptr || !who(*member)) continue;
        common::JsonPtr event = make_event("recording");
        json_object_update(event.get(), describe_recording(room, *member).get());
        json_object_set_new(event.get(), "state", json_string(state)); // the event's own state wins
        if (extra) extra(event.get());
        messenger_.push(*session, nullptr, reply_with(std::move(event)));
    }
}

// C1: the joined member who may start or stop the room's recording, or the refusal.
std::variant<std::pair<LiveRoom *, const domain::Member *>, Reply>
RecordingController::controller_of(Request &request, const char *verb) {
    Session &session = *request.session;
    LiveRoom *room = session.kind == SessionKind::Participant ? rooms_.room_of(session) : nullptr;
    const domain::Member *member = room ? room->roster.find(session.participant_id) : nullptr;
    if (member == nullptr) return reply_error(domain::ErrorCode::NotJoined, "join the room as a participant first");
    switch (domain::may_control_recording(member->role, member->client.kind)) {
    case domain::ControlDenied::Role:
        return reply_error(domain::ErrorCode::Forbidden,
                           std::string("only hosts and moderators may ") + verb + " a recording");
    case domain::ControlDenied::MobileClient:
        return reply_error(domain::ErrorCode::Forbidden,
                           std::string("a mobile client cannot ") + verb + " a recording");
    case domain::ControlDenied::None: break;
    }
    return std::make_pair(room, member);
}

Reply RecordingController::on_start_recording(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    auto controller = controller_of(request, "start");
    if (auto *refused = std::get_if<Reply>(&controller)) return std::move(*refused);
    auto [room, member] = std::get<std::pair<LiveRoom *, const domain::Member *>>(controller);
    if (room->recording)
        return reply_error(domain::ErrorCode::RecordingState,
                           room->policy && room->policy->state() != domain::RecordingState::Stopping
                               ? "the room is already being recorded"
                               : "the previous recording is still being stored; try again shortly");
    if (!room->policy) membership_changed(*room);
    const int64_t now = g_get_monotonic_time();
    if (!room->policy || !room->policy->start(now))
        return reply_error(domain::ErrorCode::RecordingState, "the room session has ended or is already recording");

    auto recording = std::make_shared<ActiveRecording>();
    recording->manifest.recording_id = common::random_id();
    recording->manifest.room_id = room->settings.id;
    recording->manifest.started_unix = g_get_real_time() / G_USEC_PER_SEC;
    recording->manifest.title = room->settings.title;
    recording->manifest.file_name = domain::recording_file_name(room->settings.title, recording->manifest.started_unix,
                                                                0, room->settings.id);
    recording->manifest.initiator = member->client.user_id;
    recording->manifest.owner = domain::recording_owner(room->settings, member->client.user_id);
    recording->initiator_participant = member->participant_id;
    // Only addresses a signed token vouched for (a client's own user.email is never mailed).
    const auto email_of = [room](const std::string &user) {
        const auto found = room->token_emails.find(user);
        return found == room->token_emails.end() ? std::string() : found->second;
    };
    recording->manifest.initiator_email = email_of(recording->manifest.initiator);
    recording->manifest.owner_email = email_of(recording->manifest.owner);
    std::string error;
    const auto lock = store_.begin(recording->manifest, recording->folder, error);
    RecorderSettings settings;
    settings.recorder_path = config_.recorder_path;
    settings.x264_preset = config_.x264_preset;
    settings.video_bitrate_kbps = static_cast<int>(config_.recording_video_bitrate_kbps);
    settings.max_restarts = static_cast<int>(config_.recorder_max_restarts);
    settings.file_mode = config_.file_mode;
    settings.max_stage_size = config_.recording_max_stage_size;
    settings.max_webcam_size = config_.recording_max_webcam_size;
    settings.memory_limit_mib = static_cast<int>(config_.recorder_memory_limit_mib);
    const json_t *tracks = json_object_get(request.body.get(), "tracks");
    settings.tracks = json_is_boolean(tracks) ? json_is_true(tracks) : config_.recording_tracks;
    if (lock) {
        // The link thread reports here through the signalling queue; it finalizes the file itself.
        std::weak_ptr<ActiveRecording> weak = recording;
        const int lock_fd = *lock;
        // Link thread only: what the delivered metadata needs (S5).
        auto tally = std::make_shared<LinkTally>();
        const auto stop_reason = recording->stop_reason;
        recording->link = std::make_shared<RecorderLink>(settings, recording->folder, lock_fd,
                                                         [this, weak, lock_fd, tally, stop_reason,
                                                          manifest = recording->manifest,
                                                          folder = recording->folder](const LinkEvent &event) {
            if (event.kind == LinkEvent::FirstFrame) {
                tally->first_frame_ms = g_get_real_time() / 1000;
                delivery_.deliver_recording(storage::DeliveryEventType::RecordingStarted, manifest.room_id,
                                            DeliveryBridge::recording_facts(manifest));
            } else if (event.kind == LinkEvent::GapClosed) {
                tally->gaps++;
                tally->gap_seconds += event.gap_seconds;
                if (!store_.record_gaps(folder, {tally->gaps, tally->gap_seconds}))
                    kLog.warning("cannot keep the gap tally in " + folder + ": a recovery after a crash would miss it");
            }
            if (event.kind != LinkEvent::Finished) {
                worker_.post([this, weak, event] {
                    if (auto owned = weak.lock()) on_link_event(owned, event);
                });
                return;
            }
            const StoredRecording stored = store_.finalize(folder, manifest, event.segments);
            close(lock_fd);
            deliver_stored(manifest, stored, event, *tally, stop_reason->load());
            worker_.post([this, weak, event, stored] {
                if (auto owned = weak.lock()) on_recording_stored(owned, event, stored);
            });
        });
        if (!recording->link->start(error)) {
            close(lock_fd);
            std::error_code ignored;
            std::filesystem::remove_all(recording->folder, ignored);
        }
    }
    if (!error.empty()) {
        room->policy->finished();
        kLog.error(common::format_text("room %s: recording not started: %s", room->settings.id.c_str(), error.c_str()));
        return reply_error(domain::ErrorCode::RecorderUnavailable, "the recorder could not start; see the server log");
    }
    room->recording = recording;
    recordings_.push_back(recording);
    sync_recorded_streams(*room);
    // C2: everyone hears that recording will start momentarily.
    tell_recording(*room, "starting", [](const domain::Member &) { return true; });
    common::JsonPtr details = common::json_object_ptr();
    json_object_set_new(details.get(), "recording", json_string(recording->manifest.recording_id.c_str()));
    messenger_.notify("recording_starting", std::move(details), request.session.get());
    kLog.info(common::format_text("room %s: recording %s starting", room->settings.id.c_str(),
                                  recording->manifest.recording_id.c_str()));
    common::JsonPtr data = make_event("recording");
    json_object_set_new(data.get(), "state", json_string("starting"));
    json_object_set_new(data.get(), "recording", json_string(recording->manifest.recording_id.c_str()));
    return reply_with(std::move(data));
}

Reply RecordingController::on_stop_recording(Request &request) {
    ROOMREC_ON_SIGNALLING_THREAD();
    auto controller = controller_of(request, "stop");
    if (auto *refused = std::get_if<Reply>(&controller)) return std::move(*refused);
    LiveRoom *room = std::get<std::pair<LiveRoom *, const domain::Member *>>(controller).first;
    if (!room->recording || !room->policy || !room->policy->stop())
        return reply_error(domain::ErrorCode::RecordingState, "the room is not being recorded");
    const std::string id = room->recording->manifest.recording_id;
    stop_recording(*room, domain::StopReason::Requested);
    common::JsonPtr data = make_event("recording");
    json_object_set_new(data.get(), "state", json_string("stopped"));
    json_object_set_new(data.get(), "recording", json_string(id.c_str()));
    return reply_with(std::move(data));
}

// The policy has already moved to Stopping; this ends the tap and tells the room (C4).
void RecordingController::stop_recording(LiveRoom &room, domain::StopReason reason) {
    ROOMREC_ON_SIGNALLING_THREAD();
    const auto recording = room.recording;
    if (!recording) return;
    recording->stop_reason->store(reason);
    for (auto &[key, entry] : recording->streams)
        if (const auto stream = entry.second.lock()) stream->tap.store(nullptr);
    recording->streams.clear();
    recording->link->stop();
    const char *why = domain::stop_reason_name(reason);
    auto with_reason = [why](json_t *event) { json_object_set_new(event, "reason", json_string(why)); };
    tell_recording(room, "stopped", leads, with_reason);
    tell_recording(
        room, "completed", [](const domain::Member &member) { return !leads(member); }, with_reason);
    common::JsonPtr details = common::json_object_ptr();
    json_object_set_new(details.get(), "room", json_string(room.settings.id.c_str()));
    json_object_set_new(details.get(), "recording", json_string(recording->manifest.recording_id.c_str()));
    json_object_set_new(details.get(), "reason", json_string(why));
    messenger_.notify("recording_stopped", std::move(details));
    kLog.info(common::format_text("room %s: recording %s stopped (%s)", room.settings.id.c_str(),
                                  recording->manifest.recording_id.c_str(), why));
}

// Keeps the recorder's inputs equal to what the room publishes (M2: the layout follows).
void RecordingController::sync_recorded_streams(LiveRoom &room) {
    ROOMREC_ON_SIGNALLING_THREAD();
    const auto recording = room.recording;
    if (!recording || !room.policy || room.policy->state() == domain::RecordingState::Stopping) return;
    std::map<const PublishedStream *, std::shared_ptr<PublishedStream>> published;
    for (const auto &[id, session] : room.participants)
        for (const auto &stream : session->publication.load()->by_mindex)
            if (stream) published[stream.get()] = stream;
    for (auto it = recording->streams.begin(); it != recording->streams.end();) {
        if (published.count(it->first)) {
            ++it;
            continue;
        }
        if (const auto stream = it->second.second.lock()) stream->tap.store(nullptr);
        recording->link->remove_stream(it->second.first);
        it = recording->streams.erase(it);
    }
    for (const auto &[key, stream] : published) {
        if (recording->streams.count(key)) continue;
        const uint16_t id = recording->next_stream_id++;
        const domain::Member *publisher = room.roster.find(stream->feed_id);
        recording->link->add_stream(id, stream_spec(*stream, publisher ? publisher->client.user_id : std::string()));
        recording->streams[key] = {id, stream};
        stream->tap.store(std::make_shared<const RecorderTap>(RecorderTap{recording->link, id}));
        prime_worker_input(*stream, *recording->link, id);
    }
}

// A worker's new input: the stream's last sender report lines a publisher's audio and video up
// from its first packet, and (M5) decoding starts at a keyframe, so one is asked for now.
void RecordingController::prime_worker_input(const PublishedStream &stream, RecorderLink &link, uint16_t id) {
    replay_sender_report(stream, link, id);
    if (stream.plan.kind == MediaKind::Video) gateway_.send_pli(stream.publisher.get(), stream.plan.index);
}

LiveRoom *RecordingController::room_recording(const std::shared_ptr<ActiveRecording> &recording) {
    LiveRoom *room = rooms_.find(recording->manifest.room_id);
    return room != nullptr && room->recording == recording ? room : nullptr;
}

void RecordingController::on_link_event(const std::shared_ptr<ActiveRecording> &recording, const LinkEvent &event) {
    ROOMREC_ON_SIGNALLING_THREAD();
    LiveRoom *room = room_recording(recording);
    const char *room_id = recording->manifest.room_id.c_str();
    const char *id = recording->manifest.recording_id.c_str();
    common::JsonPtr details = common::json_object_ptr();
    json_object_set_new(details.get(), "room", json_string(room_id));
    json_object_set_new(details.get(), "recording", json_string(id));
    switch (event.kind) {
    case LinkEvent::FirstFrame:
        recording->started_unix_ms = g_get_real_time() / 1000;
        if (room && room->policy && room->policy->first_frame_written(g_get_monotonic_time()))
            tell_recording(*room, "started", [](const domain::Member &) { return true; }); // C2
        messenger_.notify("recording_started", std::move(details));
        kLog.info(common::format_text("room %s: recording %s started", room_id, id));
        break;
    case LinkEvent::WorkerDied:
        counts_.restarts.fetch_add(1, std::memory_order_relaxed);
        // M6: the worker runs again with a new segment, every stream a new input of it.
        for (const auto &[key, entry] : recording->streams)
            if (const auto stream = entry.second.lock()) prime_worker_input(*stream, *recording->link, entry.first);
        json_object_set_new(details.get(), "message", json_string(event.message.c_str()));
        messenger_.notify("recorder_restarted", std::move(details));
        kLog.warning(
            common::format_text("room %s: recorder of %s died (%s); restarted", room_id, id, event.message.c_str()));
        break;
    case LinkEvent::GapClosed:
        recording->gaps++;
        recording->gap_seconds += event.gap_seconds;
        json_object_set_new(details.get(), "gap_seconds", json_real(event.gap_seconds));
        messenger_.notify("recording_gap", std::move(details));
        kLog.warning(common::format_text("room %s: recording %s lost %.1f s to a recorder restart", room_id, id,
                                         event.gap_seconds));
        break;
    case LinkEvent::InputRejected: {
        // Issue 11: the stream stays empty in the recording until a keyframe within the bound;
        // ask its publisher for one (rate-limited like a subscriber's request).
        std::shared_ptr<PublishedStream> stream;
        for (const auto &[key, entry] : recording->streams)
            if (entry.first == event.stream) stream = entry.second.lock();
        if (stream) request_keyframe(gateway_, *stream, g_get_monotonic_time());
        const bool stage = stream && stream->plan.source == StreamSource::Stage;
        const recorder::SizeBound bound = stage ? config_.recording_max_stage_size : config_.recording_max_webcam_size;
        const std::string participant = stream ? stream->feed_id : std::string();
        json_object_set_new(details.get(), "participant", json_string(participant.c_str()));
        json_object_set_new(details.get(), "source", json_string(stage ? "stage" : "webcam"));
        json_object_set_new(details.get(), "width", json_integer(event.width));
        json_object_set_new(details.get(), "height", json_integer(event.height));
        json_object_set_new(details.get(), "max_size", json_string(recorder::to_string(bound).c_str()));
        json_object_set_new(details.get(), "dropped_frames",
                            json_integer(static_cast<json_int_t>(event.dropped_frames)));
        messenger_.notify("recording_input_rejected", std::move(details));
        kLog.warning(common::format_text(
            "room %s: recording %s: %s of %s sent %dx%d frames, over its bound %s; dropped until a smaller keyframe "
            "(%llu frames so far)",
            room_id, id, stage ? "stage" : "webcam", participant.c_str(), event.width, event.height,
            recorder::to_string(bound).c_str(), static_cast<unsigned long long>(event.dropped_frames)));
        break;
    }
    case LinkEvent::Finished: break; // arrives through on_recording_stored
    }
}

void RecordingController::on_recording_stored(const std::shared_ptr<ActiveRecording> &recording, const LinkEvent &event,
                                              const StoredRecording &stored) {
    ROOMREC_ON_SIGNALLING_THREAD();
    std::erase(recordings_, recording);
    (stored.ok ? counts_.stored : counts_.failed).fetch_add(1, std::memory_order_relaxed);
    if (recording->link) counts_.tap_dropped_finished.fetch_add(recording->link->dropped_packets());
    LiveRoom *room = room_recording(recording);
    if (room) {
        // The worker gave up on its own (not on a stop request): the room hears it stopped.
        if (room->policy && room->policy->state() != domain::RecordingState::Stopping && room->policy->stop())
            stop_recording(*room, domain::StopReason::Failed);
        room->recording.reset();
        if (room->policy) room->policy->finished();
    }
    const auto &manifest = recording->manifest;
    common::JsonPtr details = common::json_object_ptr();
    json_object_set_new(details.get(), "room", json_string(manifest.room_id.c_str()));
    json_object_set_new(details.get(), "recording", json_string(manifest.recording_id.c_str()));
    json_object_set_new(details.get(), "reason", json_string(domain::stop_reason_name(recording->stop_reason->load())));
    if (stored.ok) {
        json_object_set_new(details.get(), "location", json_string(stored.location.c_str()));
        json_object_set_new(details.get(), "owner", json_string(manifest.owner.c_str()));
        json_object_set_new(details.get(), "gaps", json_integer(recording->gaps));
        json_object_set_new(details.get(), "gap_seconds", json_real(recording->gap_seconds));
        if (event.failed) json_object_set_new(details.get(), "incomplete", json_string(event.message.c_str()));
        describe_tracks(details.get(), stored);
        kLog.info(common::format_text("room %s: recording %s stored as %s", manifest.room_id.c_str(),
                                      manifest.recording_id.c_str(), stored.path.c_str()));
    } else {
        const std::string why = event.message.empty() ? stored.error : event.message + "; " + stored.error;
        json_object_set_new(details.get(), "error", json_string(why.c_str()));
        kLog.error(common::format_text("room %s: recording %s failed: %s", manifest.room_id.c_str(),
                                       manifest.recording_id.c_str(), why.c_str()));
    }
    if (room) {
        // C4: the file's location goes to its owner, its initiator, hosts and moderators.
        auto entitled = [&manifest](const domain::Member &member) {
            return leads(member) || member.client.user_id == manifest.owner ||
                   member.client.user_id == manifest.initiator;
        };
        tell_recording(*room, stored.ok ? "available" : "failed", entitled,
                       [&details](json_t *event) { json_object_update(event, details.get()); });
    }
    messenger_.notify(stored.ok ? "recording_available" : "recording_failed", std::move(details));
}

// Link thread, right after the file is stored: the event is durable before anyone is told.
void RecordingController::deliver_stored(const RecordingManifest &manifest, const StoredRecording &stored,
                                         const LinkEvent &event, const LinkTally &tally, domain::StopReason reason) {
    storage::RecordingFacts facts = DeliveryBridge::recording_facts(manifest);
    facts.ended_ms = g_get_real_time() / 1000;
    if (tally.first_frame_ms > 0)
        facts.duration_ms = std::max<int64_t>(0, facts.ended_ms - tally.first_frame_ms -
                                                     static_cast<int64_t>(tally.gap_seconds * 1000));
    facts.gaps = tally.gaps;
    facts.gap_seconds = tally.gap_seconds;
    facts.file_path = stored.path;
    facts.location = stored.location;
    facts.files = stored.tracks.files;
    if (stored.ok && event.failed) facts.incomplete = event.message;
    if (!stored.ok) facts.error = event.message.empty() ? stored.error : event.message + "; " + stored.error;
    delivery_.deliver_recording(stored.ok ? storage::DeliveryEventType::RecordingAvailable
                                          : storage::DeliveryEventType::RecordingFailed,
                                manifest.room_id, std::move(facts), domain::stop_reason_name(reason));
}

uint64_t RecordingController::tap_dropped_running() const {
    ROOMREC_ON_SIGNALLING_THREAD();
    uint64_t dropped = 0;
    for (const auto &recording : recordings_)
        if (recording->link) dropped += recording->link->dropped_packets();
    return dropped;
}

void RecordingController::tick(int64_t now_us) {
    ROOMREC_ON_SIGNALLING_THREAD();
    for (auto &[id, room] : rooms_.all()) {
        if (!room.policy) continue;
        for (const domain::PolicyAction &action : room.policy->tick(now_us)) {
            if (action.kind == domain::PolicyAction::StopRecording) {
                stop_recording(room, action.reason);
            } else {
                listener_.on_room_session_expired(room, domain::stop_reason_name(action.reason));
                break; // closing the room ended this session's policy
            }
        }
    }
}

// M4: work folders that nobody holds were left by a crash (of Janus or of the machine). Each
// is finalized like a normal recording and announced to event handlers. Runs on its own thread.
void RecordingController::recover_unfinished_recordings() {
    std::vector<std::string> pending = store_.unfinished();
    const int64_t give_up = g_get_monotonic_time() + kRecoveryWaitSeconds * G_USEC_PER_SEC;
    while (!pending.empty() && !stopping_.load()) {
        for (auto it = pending.begin(); it != pending.end();) {
            // A worker orphaned by a Janus crash still holds the lock while it ends its file.
            const auto lock = RecordingStore::try_lock(*it);
            if (!lock) {
                ++it;
                continue;
            }
            const auto manifest = RecordingStore::read_manifest(*it);
            const RecordedGaps gaps = RecordingStore::read_gaps(*it); // before finalize removes the folder
            StoredRecording stored;
            if (manifest) stored = store_.finalize(*it, *manifest, RecordingStore::segments_in(*it));
            close(*lock);
            common::JsonPtr details = common::json_object_ptr();
            json_object_set_new(details.get(), "recovered", json_true());
            // Janus went away before it could stop and store the recording.
            json_object_set_new(details.get(), "reason", json_string(kRecoveredReason));
            if (manifest) {
                json_object_set_new(details.get(), "room", json_string(manifest->room_id.c_str()));
                json_object_set_new(details.get(), "recording", json_string(manifest->recording_id.c_str()));
                json_object_set_new(details.get(), "owner", json_string(manifest->owner.c_str()));
            }
            if (stored.ok) {
                json_object_set_new(details.get(), "location", json_string(stored.location.c_str()));
                json_object_set_new(details.get(), "gaps", json_integer(gaps.count));
                json_object_set_new(details.get(), "gap_seconds", json_real(gaps.seconds));
                describe_tracks(details.get(), stored);
                kLog.info(common::format_text("recovered an unfinished recording as %s", stored.path.c_str()));
            } else {
                const std::string why = manifest ? stored.error : "unreadable manifest";
                json_object_set_new(details.get(), "error", json_string(why.c_str()));
                kLog.error(common::format_text("cannot recover the recording in %s: %s", it->c_str(), why.c_str()));
            }
            if (manifest) {
                storage::RecordingFacts facts = DeliveryBridge::recording_facts(*manifest);
                facts.recovered = true;
                facts.gaps = gaps.count;
                facts.gap_seconds = gaps.seconds;
                facts.file_path = stored.path;
                facts.location = stored.location;
                facts.files = stored.tracks.files;
                facts.error = stored.error;
                delivery_.deliver_recording(stored.ok ? storage::DeliveryEventType::RecordingAvailable
                                                      : storage::DeliveryEventType::RecordingFailed,
                                            manifest->room_id, std::move(facts), kRecoveredReason);
            }
            worker_.post(
                [this, details = std::make_shared<common::JsonPtr>(std::move(details)), ok = stored.ok]() mutable {
                messenger_.notify(ok ? "recording_available" : "recording_failed", std::move(*details));
            });
            it = pending.erase(it);
        }
        if (g_get_monotonic_time() > give_up) {
            for (const auto &folder : pending)
                kLog.warning(common::format_text("%s is still locked; left for the next start", folder.c_str()));
            return;
        }
        if (!pending.empty()) g_usleep(200000);
    }
}

} // namespace roomrec::plugin
