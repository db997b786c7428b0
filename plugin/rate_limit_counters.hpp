// How many signals of each kind this node refused for their sender's rate (457), since start:
// the Admin API status shows them. Signalling thread only (handlers count, status reads).
#pragma once

#include "common/json.hpp"
#include "domain/room_rate_limits.hpp"

#include <array>
#include <cstdint>

namespace roomrec::plugin {

class RateLimitCounters {
public:
    void count(domain::SignalKind kind) { ++refused_[static_cast<size_t>(kind)]; }
    uint64_t refused(domain::SignalKind kind) const { return refused_[static_cast<size_t>(kind)]; }
    // {"reactions": n, "chat": n, "likes": n, "questions": n, "answers": n, "votes": n, "hands": n}
    common::JsonPtr describe() const;

private:
    std::array<uint64_t, domain::kSignalKinds> refused_{};
};

} // namespace roomrec::plugin
