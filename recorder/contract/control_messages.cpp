#include "recorder/contract/control_messages.hpp"

#include "recorder/contract/field_reader.hpp"

#include "common/json.hpp"

#include <jansson.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>

namespace roomrec::recorder {
namespace {

using common::JsonPtr;

constexpr std::array<Choice<MediaKind>, 2> kKinds{{{"audio", MediaKind::Audio}, {"video", MediaKind::Video}}};
constexpr std::array<Choice<StreamSource>, 2> kSources{
    {{"webcam", StreamSource::Webcam}, {"stage", StreamSource::Stage}}};
constexpr std::array<Choice<Codec>, 4> kCodecs{
    {{"vp8", Codec::Vp8}, {"vp9", Codec::Vp9}, {"h264", Codec::H264}, {"opus", Codec::Opus}}};
constexpr std::array<Choice<WorkerEvent::Kind>, 4> kEventKinds{{{"first_frame", WorkerEvent::Kind::FirstFrame},
                                                                {"finished", WorkerEvent::Kind::Finished},
                                                                {"error", WorkerEvent::Kind::Error},
                                                                {"input_rejected", WorkerEvent::Kind::InputRejected}}};
// A frame side the size parsers can report: VP8 14 bits, VP9 16, H.264 saturates larger.
constexpr int kMaxReportedSide = std::numeric_limits<int>::max();
// x264enc's speed-preset names; the plugin's configuration allows a subset.
constexpr std::array<std::string_view, 10> kX264Presets{"ultrafast", "superfast", "veryfast", "faster",   "fast",
                                                        "medium",    "slow",      "slower",   "veryslow", "placebo"};

template <typename T, size_t N> const char *name_of(const std::array<Choice<T>, N> &choices, T value) {
    for (const auto &choice : choices)
        if (choice.value == value) return choice.name;
    return "";
}

std::string dump(json_t *object) { return common::json_compact(JsonPtr(object)); }

json_int_t as_json_count(uint64_t count) {
    return static_cast<json_int_t>(std::min<uint64_t>(count, std::numeric_limits<json_int_t>::max()));
}

} // namespace

WorkerEvent WorkerEvent::first_frame(std::string path) {
    WorkerEvent event;
    event.kind = Kind::FirstFrame;
    event.path = std::move(path);
    return event;
}

WorkerEvent WorkerEvent::finished(double wall_seconds, uint64_t dropped_packets, uint64_t dropped_frames) {
    WorkerEvent event;
    event.kind = Kind::Finished;
    event.wall_seconds = wall_seconds;
    event.dropped_packets = dropped_packets;
    event.dropped_frames = dropped_frames;
    return event;
}

WorkerEvent WorkerEvent::input_rejected(uint16_t stream, int width, int height, uint64_t dropped_frames) {
    WorkerEvent event;
    event.kind = Kind::InputRejected;
    event.stream = stream;
    event.width = width;
    event.height = height;
    event.dropped_frames = dropped_frames;
    return event;
}

WorkerEvent WorkerEvent::error(std::string message) {
    WorkerEvent event;
    event.kind = Kind::Error;
    event.message = std::move(message);
    return event;
}

const char *codec_name(Codec codec) { return name_of(kCodecs, codec); }

std::optional<Codec> codec_from_name(std::string_view name) {
    for (const auto &choice : kCodecs)
        if (name == choice.name) return choice.value;
    return std::nullopt;
}

MediaKind codec_kind(Codec codec) { return codec == Codec::Opus ? MediaKind::Audio : MediaKind::Video; }

std::string encode(const WorkerConfig &config) {
    return dump(json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:s, s:i, s:i, s:i, s:i, s:i, s:s}", "output",
                          config.output.c_str(), "width", config.width, "height", config.height, "fps", config.fps,
                          "video_bitrate_kbps", config.video_bitrate_kbps, "audio_bitrate_bps",
                          config.audio_bitrate_bps, "fragment_ms", config.fragment_ms, "x264_preset",
                          config.x264_preset.c_str(), "max_stage_width", config.max_stage_width, "max_stage_height",
                          config.max_stage_height, "max_webcam_width", config.max_webcam_width, "max_webcam_height",
                          config.max_webcam_height, "memory_limit_mib", config.memory_limit_mib, "tracks",
                          config.tracks.c_str()));
}

std::string encode(const StreamSpec &spec) {
    return dump(json_pack("{s:s, s:s, s:s, s:i, s:s, s:s}", "kind", name_of(kKinds, spec.kind), "source",
                          name_of(kSources, spec.source), "codec", codec_name(spec.codec), "payload_type",
                          spec.payload_type, "participant", spec.participant.c_str(), "label", spec.label.c_str()));
}

std::string encode(const WorkerEvent &event) {
    const char *kind = name_of(kEventKinds, event.kind);
    switch (event.kind) {
    case WorkerEvent::Kind::FirstFrame: return dump(json_pack("{s:s, s:s}", "event", kind, "path", event.path.c_str()));
    case WorkerEvent::Kind::Finished:
        return dump(json_pack("{s:s, s:f, s:I, s:I}", "event", kind, "wall_seconds", event.wall_seconds,
                              "dropped_packets", as_json_count(event.dropped_packets), "dropped_frames",
                              as_json_count(event.dropped_frames)));
    case WorkerEvent::Kind::InputRejected:
        return dump(json_pack("{s:s, s:i, s:i, s:i, s:I}", "event", kind, "stream", event.stream, "width", event.width,
                              "height", event.height, "dropped_frames", as_json_count(event.dropped_frames)));
    case WorkerEvent::Kind::Error: break;
    }
    return dump(json_pack("{s:s, s:s}", "event", kind, "message", event.message.c_str()));
}

Decoded<WorkerConfig> decode_worker_config(std::string_view json) {
    FieldReader reader(json, "config");
    WorkerConfig config;
    reader.text("output", config.output, Presence::Required, true);
    reader.integer("width", config.width, Presence::Optional, 16, 7680);
    reader.check(config.width % 2 == 0, "width", "must be even (4:2:0 video)");
    reader.integer("height", config.height, Presence::Optional, 16, 4320);
    reader.check(config.height % 2 == 0, "height", "must be even (4:2:0 video)");
    reader.integer("fps", config.fps, Presence::Optional, 1, 60);
    reader.integer("video_bitrate_kbps", config.video_bitrate_kbps, Presence::Optional, 100, 100000);
    reader.integer("audio_bitrate_bps", config.audio_bitrate_bps, Presence::Optional, 16000, 512000);
    reader.integer("fragment_ms", config.fragment_ms, Presence::Optional, 100, 60000);
    reader.text("x264_preset", config.x264_preset, Presence::Optional);
    reader.check(std::find(kX264Presets.begin(), kX264Presets.end(), config.x264_preset) != kX264Presets.end(),
                 "x264_preset", "must be one of x264's speed presets, ultrafast to placebo");
    reader.integer("max_stage_width", config.max_stage_width, Presence::Optional, kMinBoundSide, kMaxBoundSide);
    reader.integer("max_stage_height", config.max_stage_height, Presence::Optional, kMinBoundSide, kMaxBoundSide);
    reader.integer("max_webcam_width", config.max_webcam_width, Presence::Optional, kMinBoundSide, kMaxBoundSide);
    reader.integer("max_webcam_height", config.max_webcam_height, Presence::Optional, kMinBoundSide, kMaxBoundSide);
    reader.integer("memory_limit_mib", config.memory_limit_mib, Presence::Optional, 0, kMaxMemoryLimitMib);
    reader.check(config.memory_limit_mib == 0 || config.memory_limit_mib >= kMinMemoryLimitMib, "memory_limit_mib",
                 "must be 0 (no limit) or at least " + std::to_string(kMinMemoryLimitMib));
    reader.text("tracks", config.tracks, Presence::Optional);
    if (!reader.finish()) return reader.error();
    return config;
}

Decoded<StreamSpec> decode_stream_spec(std::string_view json) {
    FieldReader reader(json, "stream spec");
    StreamSpec spec;
    reader.choice("kind", spec.kind, Presence::Required, kKinds);
    reader.choice("source", spec.source, Presence::Optional, kSources);
    reader.choice("codec", spec.codec, Presence::Required, kCodecs);
    reader.check(codec_kind(spec.codec) == spec.kind, "codec",
                 std::string("must be ") + (spec.kind == MediaKind::Audio ? "an audio" : "a video") +
                     " codec for a stream of kind " + name_of(kKinds, spec.kind));
    reader.integer("payload_type", spec.payload_type, Presence::Required, 0, 127);
    reader.text("participant", spec.participant, Presence::Optional);
    reader.text("label", spec.label, Presence::Optional);
    if (!reader.finish()) return reader.error();
    return spec;
}

Decoded<WorkerEvent> decode_worker_event(std::string_view json) {
    FieldReader reader(json, "event");
    WorkerEvent event;
    reader.choice("event", event.kind, Presence::Required, kEventKinds);
    if (reader.ok()) {
        switch (event.kind) {
        case WorkerEvent::Kind::FirstFrame: reader.text("path", event.path, Presence::Required, true); break;
        case WorkerEvent::Kind::Finished:
            reader.number("wall_seconds", event.wall_seconds, Presence::Required, 0);
            reader.count("dropped_packets", event.dropped_packets, Presence::Required);
            reader.count("dropped_frames", event.dropped_frames, Presence::Required);
            break;
        case WorkerEvent::Kind::Error: reader.text("message", event.message, Presence::Required); break;
        case WorkerEvent::Kind::InputRejected:
            reader.integer("stream", event.stream, Presence::Required, 0, 65535);
            reader.integer("width", event.width, Presence::Required, 0, kMaxReportedSide);
            reader.integer("height", event.height, Presence::Required, 0, kMaxReportedSide);
            reader.count("dropped_frames", event.dropped_frames, Presence::Required);
            break;
        }
    }
    if (!reader.finish()) return reader.error();
    return event;
}

} // namespace roomrec::recorder
