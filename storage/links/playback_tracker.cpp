#include "storage/links/playback_tracker.hpp"

namespace roomrec::storage {

PlaybackTracker::PlaybackTracker(size_t max_plays, int burst, int64_t refill_us, int link_burst, int64_t link_refill_us)
    : max_plays_(max_plays == 0 ? 1 : max_plays),
      limiter_(domain::RateLimitSettings{burst, refill_us, max_plays == 0 ? 1 : max_plays}),
      link_limiter_(domain::RateLimitSettings{link_burst, link_refill_us, max_plays == 0 ? 1 : max_plays}) {}

bool PlaybackTracker::allow_link(const std::string &sig, int64_t now_us) {
    return link_limiter_.try_acquire(sig, now_us) == domain::RateVerdict::Allowed;
}

bool PlaybackTracker::allow(const std::string &viewer, int64_t now_us) {
    return limiter_.try_acquire(viewer, now_us) == domain::RateVerdict::Allowed;
}

PlayState PlaybackTracker::report(const std::string &key, double position_s, double duration_s, double from_s) {
    auto found = plays_.find(key);
    if (found == plays_.end()) {
        if (plays_.size() >= max_plays_) {
            plays_.erase(order_.back());
            order_.pop_back();
        }
        order_.push_front(key);
        found = plays_.emplace(key, Play{domain::PlayProgress(), order_.begin()}).first;
    } else {
        order_.splice(order_.begin(), order_, found->second.position);
    }
    PlayState state;
    domain::PlayProgress &progress = found->second.progress;
    state.verdict = from_s >= 0 ? progress.seek(from_s, position_s, duration_s)
                                : progress.report(position_s, duration_s);
    state.buckets = progress.distinct_buckets();
    state.watched_s = progress.watched_seconds();
    state.watched = progress.watched_hex();
    return state;
}

} // namespace roomrec::storage
