// Per-user rate limits of one room session's signals (E3-E5): one token bucket per user for each
// kind of signal, so a flood of chat from one user leaves that user's likes, and everyone else,
// untouched. The defaults are far above what a person in a meeting does by hand; a script hits
// them at once. Pure; not thread-safe (one instance per room session, on the signalling thread).
#pragma once

#include "domain/rate_limiter.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace roomrec::domain {

enum class SignalKind {
    Reaction, // react
    Chat,     // chat send, including replies
    Like,     // chat like
    Question, // qa ask
    Answer,   // qa answer
    Vote,     // poll answer and poll create
    Hand,     // hand raise and lower
};
inline constexpr size_t kSignalKinds = 7;
// "reactions", "chat", "likes", "questions", "answers", "votes", "hands": the jcfg key prefix and
// the Admin API counter name.
const char *signal_kind_name(SignalKind kind);
// What a person does: "reactions", "chat messages", "likes", ... for refusal texts.
const char *signal_kind_noun(SignalKind kind);

struct SignalLimit {
    int burst;      // signals a user may send at once, 1..1000
    int per_minute; // sustained rate once the burst is spent, 1..60000
};
inline constexpr int kMaxSignalBurst = 1000;
inline constexpr int kMaxSignalsPerMinute = 60000;

struct SignalLimits {
    // By SignalKind: reactions 5 then 1/2 s, chat 10 then 1/2 s, likes 20 then 2/s, questions 3
    // then 1/10 s, answers 10 then 1/2 s, votes 5 then 1/s, hands 4 then 1/5 s.
    std::array<SignalLimit, kSignalKinds> by_kind{{{5, 30}, {10, 30}, {20, 120}, {3, 6}, {10, 30}, {5, 60}, {4, 12}}};
    size_t max_users = 20'000; // tracked users per kind and room session

    SignalLimit &operator[](SignalKind kind) { return by_kind[static_cast<size_t>(kind)]; }
    const SignalLimit &operator[](SignalKind kind) const { return by_kind[static_cast<size_t>(kind)]; }
};

// The token bucket settings of one limit (out-of-range values are clamped by RateLimiter).
RateLimitSettings bucket_settings(const SignalLimit &limit, size_t max_users);

class RoomRateLimits {
public:
    explicit RoomRateLimits(const SignalLimits &limits = {});

    RateVerdict try_acquire(SignalKind kind, std::string_view user_id, int64_t now_us);
    int64_t retry_after_us(SignalKind kind, std::string_view user_id, int64_t now_us) const;
    const SignalLimit &limit(SignalKind kind) const { return limits_[kind]; }

private:
    SignalLimits limits_;
    std::array<RateLimiter, kSignalKinds> buckets_;
};

// "too many chat messages: at most 10 at once, then 30 per minute; retry in 2 s"
std::string rate_limit_text(SignalKind kind, const SignalLimit &limit, int64_t retry_after_us);

} // namespace roomrec::domain
