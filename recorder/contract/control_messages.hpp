// The JSON payloads of the plugin ⇄ worker control messages (wire_protocol.hpp frames them),
// typed. The plugin encodes the config and the stream specs, the worker decodes them; the
// worker encodes its events. Decoding checks every field before it returns anything: a caller
// gets a complete, valid value or an error that names the field, never a partial one.
//
// Fields that have a default (the struct's initial value) may be absent; a present field must
// be valid, and a field this contract does not know is refused (a misspelt name would
// otherwise fall back to a default without a word).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace roomrec::recorder {

// Limits of a stream's size bound, each side: below 64 no real camera is accepted; above 8192
// (8K) one decoded frame is 100 MB, which no recording needs.
constexpr int kMinBoundSide = 64;
constexpr int kMaxBoundSide = 8192;
// Limits of the worker's memory limit: a 1080p composite needs ~150-250 MiB.
constexpr int kMinMemoryLimitMib = 256;
constexpr int kMaxMemoryLimitMib = 65536;

// Config (plugin → worker): {"output", "width", "height", "fps", "video_bitrate_kbps",
// "audio_bitrate_bps", "fragment_ms", "x264_preset", "max_stage_width", "max_stage_height",
// "max_webcam_width", "max_webcam_height", "memory_limit_mib"}; only "output" is required.
struct WorkerConfig {
    std::string output;                    // the MP4 file to write
    int width = 1920;                      // even, 16-7680
    int height = 1080;                     // even, 16-4320
    int fps = 30;                          // 1-60
    int video_bitrate_kbps = 4000;         // 100-100000
    int audio_bitrate_bps = 128000;        // 16000-512000
    int fragment_ms = 1000;                // 100-60000: what a kill -9 may lose at most
    std::string x264_preset = "ultrafast"; // one of x264's speed presets
    // The largest frame a stage / webcam stream may send (either orientation, see SizeBound);
    // 64-8192 each. Bigger keyframes never reach a decoder.
    int max_stage_width = 3840;
    int max_stage_height = 2160;
    int max_webcam_width = 1920;
    int max_webcam_height = 1080;
    // The worker's resident memory limit: past it the worker reports an error and exits (the
    // plugin restarts it). 0: none; else 256-65536.
    int memory_limit_mib = 1024;
    // Isolated tracks: a folder where each stream is also remuxed, untranscoded, into a file of
    // its own beside a JSON sidecar (recorder/worker/track_writer.hpp). Empty: none.
    std::string tracks;

    bool operator==(const WorkerConfig &) const = default;
};

enum class MediaKind { Audio, Video };
enum class StreamSource { Webcam, Stage };
enum class Codec { Vp8, Vp9, H264, Opus };

// AddStream (plugin → worker): {"kind": "audio"|"video", "source": "webcam"|"stage",
// "codec": "vp8"|"vp9"|"h264"|"opus", "payload_type": 0-127, "participant", "label"}; "kind",
// "codec" and "payload_type" are required, and the codec must be of that kind.
struct StreamSpec {
    MediaKind kind = MediaKind::Video;
    StreamSource source = StreamSource::Webcam;
    Codec codec = Codec::Vp8;
    int payload_type = 96;
    std::string participant; // the publisher's participant id
    std::string label;       // optional: the publisher's display name, kept in a track's sidecar

    bool operator==(const StreamSpec &) const = default;
};

// Event (worker → plugin): {"event": "first_frame", "path"}, {"event": "finished",
// "wall_seconds", "dropped_packets", "dropped_frames"}, {"event": "error", "message"} or
// {"event": "input_rejected", "stream", "width", "height", "dropped_frames"}; every field of
// the kind is required.
struct WorkerEvent {
    enum class Kind { FirstFrame, Finished, Error, InputRejected };
    Kind kind = Kind::Error;
    std::string path;             // FirstFrame: the file that now holds a frame
    double wall_seconds = 0;      // Finished: from the pipeline's start to the end of the file
    uint64_t dropped_packets = 0; // Finished: packets the worker could not queue
    // Finished: frames kept from the decoders, all streams; InputRejected: this stream's so far.
    uint64_t dropped_frames = 0;
    std::string message; // Error: what failed
    // InputRejected: a video stream sent a frame past its size bound (or an unreadable one);
    // it is dropped until a keyframe within the bound (a keyframe request helps).
    int stream = 0; // the stream id of the wire messages, 0-65535
    int width = 0;  // the refused size; 0x0 when the header was unreadable
    int height = 0;

    static WorkerEvent first_frame(std::string path);
    static WorkerEvent finished(double wall_seconds, uint64_t dropped_packets, uint64_t dropped_frames = 0);
    static WorkerEvent error(std::string message);
    static WorkerEvent input_rejected(uint16_t stream, int width, int height, uint64_t dropped_frames);

    bool operator==(const WorkerEvent &) const = default;
};

struct ContractError {
    std::string field;   // the offending field; empty when the payload itself is unusable
    std::string message; // a sentence for logs and the plugin, naming the field
};

template <typename T> using Decoded = std::variant<T, ContractError>;

std::string encode(const WorkerConfig &config);
std::string encode(const StreamSpec &spec);
std::string encode(const WorkerEvent &event);

Decoded<WorkerConfig> decode_worker_config(std::string_view json);
Decoded<StreamSpec> decode_stream_spec(std::string_view json);
Decoded<WorkerEvent> decode_worker_event(std::string_view json);

// The codec's name as the plugin's SDP negotiation and this contract spell it ("vp8").
const char *codec_name(Codec codec);
std::optional<Codec> codec_from_name(std::string_view name);
MediaKind codec_kind(Codec codec);

} // namespace roomrec::recorder
