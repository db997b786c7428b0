// Custom report requests (analytics/core/report_filters.hpp) from hostile JSON and hostile
// command lines (the input split at NUL bytes): whatever comes in, an accepted request has a
// whole-day range of 1-366 days, at most 1,000 ids per filter, each an identifier of 1-128
// characters from [A-Za-z0-9_.:-], and a refused one has a short, well-formed UTF-8 error.
#include "analytics/core/report_filters.hpp"
#include "common/utf8.hpp"
#include "fuzz/fuzz_check.hpp"

#include <string>
#include <string_view>
#include <vector>

using namespace roomrec;
using namespace roomrec::analytics;

namespace {

void check_ids(const std::vector<std::string> &ids) {
    FUZZ_CHECK(ids.size() <= kMaxFilterIds);
    for (const std::string &id : ids) {
        FUZZ_CHECK(!id.empty() && id.size() <= kMaxIdLength);
        for (char c : id)
            FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                       c == '-' || c == '.' || c == ':');
    }
}

void check(bool ok, const CustomReportRequest &request, const std::string &error) {
    if (!ok) {
        FUZZ_CHECK(!error.empty() && error.size() < 400 && common::valid_utf8(error));
        return;
    }
    FUZZ_CHECK(custom_report_from_name(custom_report_name(request.report)) == request.report);
    FUZZ_CHECK(request.from_s % 86400 == 0 && request.to_s % 86400 == 0);
    FUZZ_CHECK(request.to_s > request.from_s && request.to_s - request.from_s <= kMaxRangeDays * 86400LL);
    check_ids(request.filters.entry_ids);
    check_ids(request.filters.user_ids);
    check_ids(request.filters.cue_point_ids);
    check_ids(request.filters.virtual_event_ids);
    check_ids(request.filters.parent_entry_ids);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view input(reinterpret_cast<const char *>(data), size);
    const int64_t now = 1710084600; // 2024-03-10 15:30 UTC
    CustomReportRequest request;
    std::string error;
    check(parse_report_request_json(input, now, request, error), request, error);
    std::vector<std::string> args;
    size_t start = 0;
    for (size_t i = 0; i <= input.size(); ++i)
        if (i == input.size() || input[i] == '\0') {
            args.emplace_back(input.substr(start, i - start));
            start = i + 1;
        }
    CustomReportRequest from_args;
    error.clear();
    check(parse_report_request_args(args, now, from_args, error), from_args, error);
    return 0;
}
