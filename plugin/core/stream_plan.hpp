// Which published m-line is the webcam and which is the stage (R4): the client's
// "descriptions" name each mid, and at most one audio and one video exist per source.
#pragma once

#include "domain/request_schema.hpp"

#include <jansson.h>

#include <array>
#include <string>
#include <variant>
#include <vector>

namespace roomrec::plugin {

enum class MediaKind { Audio, Video };
enum class StreamSource { Webcam, Stage };

// One element of publish's "descriptions": the request table validates each before the handler runs.
inline constexpr std::array kDescriptionParams{
    domain::ParamSpec{"mid", domain::JsonKind::String, true, 32, 0, nullptr, 0, nullptr, true},
    domain::ParamSpec{"description", domain::JsonKind::String, true, 16, 0, nullptr, 0, "webcam|stage"},
};

const char *media_kind_name(MediaKind kind);
const char *stream_source_name(StreamSource source);

struct OfferedLine {
    int index = 0;
    std::string mid;
    MediaKind kind = MediaKind::Audio;
    bool sending = true; // the offerer sends on it (sendonly/sendrecv)
};

struct PlannedStream {
    int index = 0;
    std::string mid;
    MediaKind kind = MediaKind::Audio;
    StreamSource source = StreamSource::Webcam;
};

// descriptions: optional JSON array of {"mid": "...", "description": "webcam"|"stage"};
// undescribed sending lines are webcam. Lines that do not send are left out of the plan.
std::variant<std::vector<PlannedStream>, domain::ValidationError> plan_streams(const std::vector<OfferedLine> &offered,
                                                                               const json_t *descriptions);

} // namespace roomrec::plugin
