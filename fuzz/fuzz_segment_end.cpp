// Where a recording's segment is cut for the join (plugin/core/segment_end.hpp), from ffprobe's
// JSON as the plugin reads it: any bytes either give nothing or an end within a 48 h segment,
// after the segment's start, its length no more than the end itself.
#include "fuzz/fuzz_check.hpp"
#include "plugin/core/segment_end.hpp"

#include <cmath>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const auto end = roomrec::plugin::segment_end(std::string_view(reinterpret_cast<const char *>(data), size));
    if (!end) return 0;
    FUZZ_CHECK(std::isfinite(end->outpoint_s) && std::isfinite(end->length_s));
    FUZZ_CHECK(end->outpoint_s > 0 && end->outpoint_s <= 48 * 3600);
    FUZZ_CHECK(end->length_s > 0 && end->length_s <= end->outpoint_s);
    return 0;
}
