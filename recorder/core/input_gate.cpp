#include "recorder/core/input_gate.hpp"

namespace roomrec::recorder {

bool InputGate::refuses(const FrameHeader &header) const {
    return header.malformed || (header.sets_size && !bound_.fits(header.size));
}

InputGate::Decision InputGate::admit(const FrameHeader &header, int64_t now_us) {
    const bool refused = refuses(header);
    if (!refused && !configuration_refused_ && (!blocked_ || header.key)) {
        blocked_ = false;
        return {};
    }
    if (refused) refused_size_ = header.malformed ? FrameSize{} : header.size;
    ++dropped_;
    return drop(now_us);
}

InputGate::Decision InputGate::configure(const FrameHeader &configuration, int64_t now_us) {
    if (!refuses(configuration)) {
        configuration_refused_ = false;
        return {};
    }
    configuration_refused_ = true;
    refused_size_ = configuration.malformed ? FrameSize{} : configuration.size;
    return drop(now_us);
}

// A new run of drops is reported at once; a long one again every interval.
InputGate::Decision InputGate::drop(int64_t now_us) {
    Decision decision{false, false};
    if (!blocked_ || !reported_ || now_us - reported_us_ >= kReportIntervalUs) {
        decision.report = true;
        reported_ = true;
        reported_us_ = now_us;
    }
    blocked_ = true;
    return decision;
}

} // namespace roomrec::recorder
