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

// Config (plugin → worker): {"output", "width", "height", "fps", "video_bitrate_kbps",
// "audio_bitrate_bps", "fragment_ms", "x264_preset"}; only "output" is required.
struct WorkerConfig {
    std::string output;                    // the MP4 file to write
    int width = 1920;                      // even, 16-7680
    int height = 1080;                     // even, 16-4320
    int fps = 30;                          // 1-60
    int video_bitrate_kbps = 4000;         // 100-100000
    int audio_bitrate_bps = 128000;        // 16000-512000
    int fragment_ms = 1000;                // 100-60000: what a kill -9 may lose at most
    std::string x264_preset = "ultrafast"; // one of x264's speed presets

    bool operator==(const WorkerConfig &) const = default;
};

enum class MediaKind { Audio, Video };
enum class StreamSource { Webcam, Stage };
enum class Codec { Vp8, Vp9, H264, Opus };

// AddStream (plugin → worker): {"kind": "audio"|"video", "source": "webcam"|"stage",
// "codec": "vp8"|"vp9"|"h264"|"opus", "payload_type": 0-127, "participant"}; "kind",
// "codec" and "payload_type" are required, and the codec must be of that kind.
struct StreamSpec {
    MediaKind kind = MediaKind::Video;
    StreamSource source = StreamSource::Webcam;
    Codec codec = Codec::Vp8;
    int payload_type = 96;
    std::string participant; // the publisher's participant id

    bool operator==(const StreamSpec &) const = default;
};

// Event (worker → plugin): {"event": "first_frame", "path"}, {"event": "finished",
// "wall_seconds", "dropped_packets"} or {"event": "error", "message"}; every field of the kind
// is required.
struct WorkerEvent {
    enum class Kind { FirstFrame, Finished, Error };
    Kind kind = Kind::Error;
    std::string path;             // FirstFrame: the file that now holds a frame
    double wall_seconds = 0;      // Finished: from the pipeline's start to the end of the file
    uint64_t dropped_packets = 0; // Finished: packets the worker could not queue
    std::string message;          // Error: what failed

    static WorkerEvent first_frame(std::string path);
    static WorkerEvent finished(double wall_seconds, uint64_t dropped_packets);
    static WorkerEvent error(std::string message);

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
