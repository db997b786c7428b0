#include "recorder/core/input_gate.hpp"

namespace roomrec::recorder {

InputGate::Decision InputGate::admit(const FrameHeader &header, int64_t now_us) {
    const bool refused = header.malformed || (header.sets_size && !bound_.fits(header.size));
    if (!refused && (!blocked_ || header.key)) {
        blocked_ = false;
        return {};
    }
    Decision decision{false, false};
    if (refused) refused_size_ = header.malformed ? FrameSize{} : header.size;
    // A new run of drops is reported at once; a long one again every interval.
    if (!blocked_ || !reported_ || now_us - reported_us_ >= kReportIntervalUs) {
        decision.report = true;
        reported_ = true;
        reported_us_ = now_us;
    }
    blocked_ = true;
    ++dropped_;
    return decision;
}

} // namespace roomrec::recorder
