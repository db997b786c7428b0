#include "domain/room_rate_limits.hpp"

#include <algorithm>
#include <utility>

namespace roomrec::domain {
namespace {

template <size_t... I>
std::array<RateLimiter, kSignalKinds> make_buckets(const SignalLimits &limits, std::index_sequence<I...>) {
    return {RateLimiter(bucket_settings(limits.by_kind[I], limits.max_users))...};
}

} // namespace

const char *signal_kind_name(SignalKind kind) {
    switch (kind) {
    case SignalKind::Reaction: return "reactions";
    case SignalKind::Chat: return "chat";
    case SignalKind::Like: return "likes";
    case SignalKind::Question: return "questions";
    case SignalKind::Answer: return "answers";
    case SignalKind::Vote: return "votes";
    case SignalKind::Hand: return "hands";
    }
    return "signals";
}

const char *signal_kind_noun(SignalKind kind) {
    switch (kind) {
    case SignalKind::Reaction: return "reactions";
    case SignalKind::Chat: return "chat messages";
    case SignalKind::Like: return "likes";
    case SignalKind::Question: return "questions";
    case SignalKind::Answer: return "answers";
    case SignalKind::Vote: return "poll votes";
    case SignalKind::Hand: return "hand raises";
    }
    return "signals";
}

RateLimitSettings bucket_settings(const SignalLimit &limit, size_t max_users) {
    const int per_minute = std::clamp(limit.per_minute, 1, kMaxSignalsPerMinute);
    return RateLimitSettings{std::clamp(limit.burst, 1, kMaxSignalBurst), 60'000'000 / per_minute, max_users};
}

RoomRateLimits::RoomRateLimits(const SignalLimits &limits)
    : limits_(limits), buckets_(make_buckets(limits, std::make_index_sequence<kSignalKinds>{})) {}

RateVerdict RoomRateLimits::try_acquire(SignalKind kind, std::string_view user_id, int64_t now_us) {
    return buckets_[static_cast<size_t>(kind)].try_acquire(user_id, now_us);
}

int64_t RoomRateLimits::retry_after_us(SignalKind kind, std::string_view user_id, int64_t now_us) const {
    return buckets_[static_cast<size_t>(kind)].retry_after_us(user_id, now_us);
}

std::string rate_limit_text(SignalKind kind, const SignalLimit &limit, int64_t retry_after_us) {
    // Rounded up to whole seconds: retrying at the stated time always succeeds.
    const int64_t seconds = std::max<int64_t>(1, (retry_after_us + 999'999) / 1'000'000);
    return std::string("too many ") + signal_kind_noun(kind) + ": at most " + std::to_string(limit.burst) +
           " at once, then " + std::to_string(limit.per_minute) + " per minute; retry in " + std::to_string(seconds) +
           " s";
}

} // namespace roomrec::domain
