#include "plugin/core/segment_end.hpp"

#include "common/json.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

namespace roomrec::plugin {
namespace {

constexpr double kLongestSeconds = 48 * 3600;
// The worker's mix always has sound (silence when nobody speaks), so its audio ends within a
// fragment of its picture. An audio track that ends earlier than this is not that: cutting there
// would drop the picture after it, so such a segment is joined at its end as a whole.
constexpr double kLongestTrimSeconds = 1.0;

// ffprobe writes times as strings ("3.925333"); none for a missing, malformed or
// out-of-range one.
std::optional<double> seconds_field(const json_t *object, const char *name) {
    const char *text = json_string_value(json_object_get(object, name));
    if (text == nullptr || *text == '\0') return std::nullopt;
    char *end = nullptr;
    const double seconds = std::strtod(text, &end);
    if (*end != '\0' || !std::isfinite(seconds) || seconds < 0 || seconds > kLongestSeconds) return std::nullopt;
    return seconds;
}

} // namespace

std::optional<SegmentEnd> segment_end(std::string_view ffprobe_json) {
    const common::JsonPtr root(json_loadb(ffprobe_json.data(), ffprobe_json.size(), 0, nullptr));
    const json_t *format = json_object_get(root.get(), "format");
    const auto start = seconds_field(format, "start_time");
    const auto duration = seconds_field(format, "duration");
    if (!start || !duration) return std::nullopt;
    double end = *start + *duration;
    size_t index = 0;
    const json_t *stream = nullptr;
    json_array_foreach(json_object_get(root.get(), "streams"), index, stream) {
        const char *type = json_string_value(json_object_get(stream, "codec_type"));
        if (type == nullptr || std::string_view(type) != "audio") continue;
        const auto audio_start = seconds_field(stream, "start_time");
        const auto audio_duration = seconds_field(stream, "duration");
        if (audio_start && audio_duration && *audio_start + *audio_duration >= end - kLongestTrimSeconds)
            end = *audio_start + *audio_duration;
        break;
    }
    if (end <= *start || end > kLongestSeconds) return std::nullopt;
    return SegmentEnd{end, end - *start};
}

} // namespace roomrec::plugin
