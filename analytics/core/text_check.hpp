// Checks on text before it reaches a COPY stream: one bad row would make Postgres refuse the
// whole batch, so the writer refuses the event instead (and counts it).
#pragma once

#include <string>
#include <string_view>

namespace roomrec::analytics {

// "" when text is one JSON object that Postgres' jsonb accepts, else why not. Beyond JSON
// itself jsonb refuses \u0000 and unpaired surrogate escapes; nesting is capped at 64.
std::string check_json_object(std::string_view text);

} // namespace roomrec::analytics
