// One SOCK_SEQPACKET record across the plugin <-> recorder worker boundary
// (recorder/contract/wire_protocol.hpp) and the control payloads it frames
// (control_messages.hpp). Either side may be the hostile one: a worker that was compromised
// through its media input, or bytes injected into the socket. A record that decodes encodes back
// to the same bytes; a control payload that decodes encodes to JSON that decodes to the same value.
#include "common/utf8.hpp"
#include "fuzz/fuzz_check.hpp"
#include "recorder/contract/control_messages.hpp"
#include "recorder/contract/wire_protocol.hpp"

#include <cstring>
#include <optional>
#include <string>
#include <variant>

using namespace roomrec::recorder;

namespace {

// The decoded value, after checking that it survives encode + decode unchanged.
template <typename T, typename Decode> std::optional<T> round_trip(std::string_view payload, Decode decode) {
    Decoded<T> decoded = decode(payload);
    if (const auto *error = std::get_if<ContractError>(&decoded)) {
        FUZZ_CHECK(!error->message.empty());
        FUZZ_CHECK(roomrec::common::valid_utf8(error->message));
        return std::nullopt;
    }
    const T &value = std::get<T>(decoded);
    const std::string encoded = encode(value);
    const Decoded<T> again = decode(encoded);
    FUZZ_CHECK(std::holds_alternative<T>(again));
    FUZZ_CHECK(std::get<T>(again) == value);
    FUZZ_CHECK(encode(std::get<T>(again)) == encoded);
    return std::get<T>(std::move(decoded));
}

void check_config(const WorkerConfig &config) {
    FUZZ_CHECK(!config.output.empty());
    FUZZ_CHECK(config.width >= 16 && config.width <= 7680 && config.width % 2 == 0);
    FUZZ_CHECK(config.height >= 16 && config.height <= 4320 && config.height % 2 == 0);
    FUZZ_CHECK(config.fps >= 1 && config.fps <= 60);
    FUZZ_CHECK(config.video_bitrate_kbps >= 100 && config.video_bitrate_kbps <= 100000);
    FUZZ_CHECK(config.audio_bitrate_bps >= 16000 && config.audio_bitrate_bps <= 512000);
    FUZZ_CHECK(config.fragment_ms >= 100 && config.fragment_ms <= 60000);
}

void check_spec(const StreamSpec &spec) {
    FUZZ_CHECK(spec.payload_type >= 0 && spec.payload_type <= 127);
    FUZZ_CHECK(codec_kind(spec.codec) == spec.kind);
    FUZZ_CHECK(codec_from_name(codec_name(spec.codec)) == spec.codec);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const auto message = decode_wire(data, size);
    if (!message) {
        FUZZ_CHECK(size < kWireHeader || size > kMaxWireMessage || size == 0 ||
                   !(data[0] >= 1 && data[0] <= 6) && data[0] != 16);
    } else {
        FUZZ_CHECK(size >= kWireHeader && size <= kMaxWireMessage);
        const auto again = encode_wire(message->type, message->stream, message->payload);
        FUZZ_CHECK(again.size() == size && std::memcmp(again.data(), data, size) == 0);
    }
    // Every decoder sees every payload (the frame's, or the whole input when it is no frame):
    // the type byte is the sender's claim, not a guarantee.
    const std::string_view payload =
        message ? message->payload : std::string_view(reinterpret_cast<const char *>(data), size);
    if (const auto config = round_trip<WorkerConfig>(payload, decode_worker_config)) check_config(*config);
    if (const auto spec = round_trip<StreamSpec>(payload, decode_stream_spec)) check_spec(*spec);
    round_trip<WorkerEvent>(payload, decode_worker_event);
    return 0;
}
