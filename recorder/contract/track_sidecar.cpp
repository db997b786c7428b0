#include "recorder/contract/track_sidecar.hpp"

#include "common/json.hpp"
#include "recorder/contract/field_reader.hpp"

#include <jansson.h>

namespace roomrec::recorder {
namespace {

// Offsets and durations in ms: a day either way is far past any recording.
constexpr int kMaxTrackMs = 7 * 24 * 3600 * 1000;

} // namespace

const char *track_extension(Codec codec) { return codec == Codec::H264 ? "mp4" : "mkv"; }

std::string encode(const TrackSidecar &sidecar) {
    common::JsonPtr object(json_loads(encode(sidecar.spec).c_str(), 0, nullptr));
    if (!object) return {};
    json_object_set_new(object.get(), "stream", json_integer(sidecar.stream));
    json_object_set_new(object.get(), "file", json_string(sidecar.file.c_str()));
    json_object_set_new(object.get(), "start_offset_ms", json_integer(sidecar.start_offset_ms));
    json_object_set_new(object.get(), "duration_ms", json_integer(sidecar.duration_ms));
    return common::json_compact(object);
}

Decoded<TrackSidecar> decode_track_sidecar(std::string_view json) {
    TrackSidecar sidecar;
    {
        FieldReader reader(json, "track sidecar");
        reader.integer("stream", sidecar.stream, Presence::Required, 0, 65535);
        reader.text("file", sidecar.file, Presence::Required, true);
        reader.check(sidecar.file[0] != '.' && sidecar.file.find('/') == std::string::npos, "file",
                     "must name a file in the sidecar's own folder");
        reader.integer("start_offset_ms", sidecar.start_offset_ms, Presence::Required, -kMaxTrackMs, kMaxTrackMs);
        reader.integer("duration_ms", sidecar.duration_ms, Presence::Required, -1, kMaxTrackMs);
        if (!reader.ok()) return reader.error();
    }
    // The rest is the stream's description, decoded (and refused) as the worker's AddStream is.
    common::JsonPtr object(json_loadb(json.data(), json.size(), 0, nullptr));
    for (const char *own : {"stream", "file", "start_offset_ms", "duration_ms"}) json_object_del(object.get(), own);
    auto spec = decode_stream_spec(common::json_compact(object));
    if (const auto *refused = std::get_if<ContractError>(&spec)) return *refused;
    sidecar.spec = std::get<StreamSpec>(spec);
    return sidecar;
}

} // namespace roomrec::recorder
