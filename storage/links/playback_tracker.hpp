// The recordings library's playback progress (E6 outside a live room): one domain::PlayProgress
// per play, at most max_plays of them (the least recently reported play is forgotten first,
// so memory stays bounded whatever viewers send), and rate limits per viewer and per signed link.
#pragma once

#include "domain/playback_buckets.hpp"
#include "domain/rate_limiter.hpp"

#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>

namespace roomrec::storage {

struct PlayState {
    domain::ProgressVerdict verdict = domain::ProgressVerdict::Accepted;
    int buckets = 0;
    double watched_s = 0;
    std::string watched; // the watched buckets, 25 hex digits (domain::PlayProgress::watched_hex)
};

class PlaybackTracker {
public:
    // burst reports at once per viewer, then one per refill_us; link_burst per signed link,
    // then one per link_refill_us.
    PlaybackTracker(size_t max_plays, int burst, int64_t refill_us, int link_burst = 30,
                    int64_t link_refill_us = 200000);

    // False when the viewer sent too many reports lately.
    bool allow(const std::string &viewer, int64_t now_us);
    // False when reports under this link (its signature) came too fast lately.
    bool allow_link(const std::string &sig, int64_t now_us);
    // A position report of the play `key`, or (from_s >= 0) a seek from from_s to position_s;
    // a rejected report changes nothing.
    PlayState report(const std::string &key, double position_s, double duration_s, double from_s = -1);
    size_t plays() const { return plays_.size(); }

private:
    using Order = std::list<std::string>; // most recently reported first
    struct Play {
        domain::PlayProgress progress;
        Order::iterator position;
    };
    size_t max_plays_;
    Order order_;
    std::unordered_map<std::string, Play> plays_;
    domain::RateLimiter limiter_;
    domain::RateLimiter link_limiter_;
};

} // namespace roomrec::storage
