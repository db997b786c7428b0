// The PDF summary's input (docs/ANALYTICS.md, "PDF session summary") from the report engine's answers:
// the one place where the dashboard reports' field names (overview, timeline, attendees,
// recordings; docs/API.md "Reports") become the names analytics/core/summary_json reads.
// A missing or null figure (a rate without heartbeats) becomes 0; counts become integers. Pure.
#pragma once

#include "common/json.hpp"

#include <jansson.h>

#include <string>

namespace roomrec::analytics {

struct SummarySources {
    std::string room;
    std::string title;        // the session's title ("" when unknown)
    const json_t *overview;   // the overview report's data
    const json_t *timeline;   // the timeline report's data ({"minutes": [...]})
    const json_t *attendees;  // an array: the attendees report's rows, most minutes first
    const json_t *recordings; // the recordings report's data ({"recordings": [...]})
};

// The input object; never null (absent sources give empty lists and zeros).
common::JsonPtr summary_input(const SummarySources &sources);

} // namespace roomrec::analytics
