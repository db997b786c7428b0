// Which published m-line is the webcam and which is the stage (R4): the client's
// "descriptions" name each mid, and at most one audio and one video exist per source.
#pragma once

#include "domain/request_schema.hpp"
#include "domain/request_table.hpp"

#include <jansson.h>

#include <array>
#include <string>
#include <variant>
#include <vector>

namespace roomrec::plugin {

enum class MediaKind { Audio, Video };
enum class StreamSource { Webcam, Stage };

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
