#include "plugin/core/stream_plan.hpp"

#include <array>
#include <map>
#include <set>

namespace roomrec::plugin {
const char *media_kind_name(MediaKind kind) { return kind == MediaKind::Video ? "video" : "audio"; }
const char *stream_source_name(StreamSource source) { return source == StreamSource::Stage ? "stage" : "webcam"; }

std::variant<std::vector<PlannedStream>, domain::ValidationError> plan_streams(const std::vector<OfferedLine> &offered,
                                                                               const json_t *descriptions) {
    std::map<std::string, StreamSource> described;
    if (descriptions != nullptr && !json_is_null(descriptions)) {
        if (!json_is_array(descriptions))
            return domain::ValidationError{domain::ErrorCode::InvalidElement, "descriptions must be an array"};
        size_t i;
        const json_t *entry;
        json_array_foreach(descriptions, i, entry) {
            if (auto invalid = domain::validate_params(entry, domain::kDescriptionParams, "descriptions[].")) {
                if (invalid->code == domain::ErrorCode::InvalidBody) invalid->code = domain::ErrorCode::InvalidElement;
                return *invalid;
            }
            const std::string mid = json_string_value(json_object_get(entry, "mid"));
            const std::string what = json_string_value(json_object_get(entry, "description"));
            if (what != "webcam" && what != "stage")
                return domain::ValidationError{domain::ErrorCode::InvalidElement,
                                               "descriptions[].description must be \"webcam\" or \"stage\""};
            if (!described.emplace(mid, what == "stage" ? StreamSource::Stage : StreamSource::Webcam).second)
                return domain::ValidationError{domain::ErrorCode::InvalidElement,
                                               "descriptions names mid " + mid + " twice"};
        }
    }
    std::set<std::string> offered_mids;
    for (const OfferedLine &line : offered) offered_mids.insert(line.mid);
    for (const auto &[mid, source] : described)
        if (!offered_mids.count(mid))
            return domain::ValidationError{domain::ErrorCode::InvalidElement,
                                           "descriptions names mid " + mid + " that the offer lacks"};

    std::vector<PlannedStream> plan;
    std::set<std::pair<StreamSource, MediaKind>> taken;
    for (const OfferedLine &line : offered) {
        if (!line.sending) continue;
        const auto it = described.find(line.mid);
        const StreamSource source = it == described.end() ? StreamSource::Webcam : it->second;
        if (!taken.insert({source, line.kind}).second)
            return domain::ValidationError{domain::ErrorCode::UnsupportedMedia,
                                           std::string("more than one ") + media_kind_name(line.kind) +
                                               " stream for the " + stream_source_name(source) + " (mid " + line.mid +
                                               "): describe it as webcam or stage"};
        plan.push_back({line.index, line.mid, line.kind, source});
    }
    return plan;
}

} // namespace roomrec::plugin
