#include "recorder/core/audio_timeline.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace roomrec::recorder {

namespace {
constexpr int64_t kSecondNs = 1000000000;
}

AudioTimeline::AudioTimeline(AudioTimelineSettings settings) : settings_(settings) {
    settings_.rate = std::max(settings_.rate, 1);
    settings_.channels = std::max(settings_.channels, 1);
}

void AudioTimeline::reset() {
    started_ = false;
    waiting_ = false;
}

// In two parts, so that a day of frames times 10^9 cannot overflow.
int64_t AudioTimeline::next_pts_ns() const {
    const int64_t rate = settings_.rate;
    return origin_ns_ + output_frames_ / rate * kSecondNs + output_frames_ % rate * kSecondNs / rate;
}

int64_t AudioTimeline::frames_for(int64_t ns) const { return (ns * settings_.rate + kSecondNs / 2) / kSecondNs; }

void AudioTimeline::quiet_run(const float *samples, size_t frames, size_t &first, size_t &length) const {
    const auto channels = static_cast<size_t>(settings_.channels);
    first = length = 0;
    size_t run_start = 0;
    for (size_t frame = 0; frame <= frames; ++frame) {
        bool quiet = frame < frames;
        for (size_t c = 0; quiet && c < channels; ++c)
            quiet = std::fabs(samples[frame * channels + c]) <= settings_.quiet_level;
        if (quiet) continue;
        if (frame - run_start > length) {
            first = run_start;
            length = frame - run_start;
        }
        run_start = frame + 1;
    }
}

size_t AudioTimeline::quietest_frame(const float *samples, size_t frames) const {
    const auto channels = static_cast<size_t>(settings_.channels);
    size_t best = 0;
    float best_level = INFINITY;
    for (size_t frame = 0; frame < frames; ++frame) {
        float level = 0;
        for (size_t c = 0; c < channels; ++c) level = std::max(level, std::fabs(samples[frame * channels + c]));
        if (level < best_level) {
            best_level = level;
            best = frame;
        }
    }
    return best;
}

void AudioTimeline::edit(const float *samples, size_t frames, size_t at, int64_t count, std::vector<float> &out) const {
    const auto channels = static_cast<size_t>(settings_.channels);
    out.assign(samples, samples + at * channels);
    if (count < 0) out.resize(out.size() + static_cast<size_t>(-count) * channels, 0.0f);
    const size_t resume = count > 0 ? at + static_cast<size_t>(count) : at;
    out.insert(out.end(), samples + resume * channels, samples + frames * channels);
}

AudioTimeline::Placed AudioTimeline::place(int64_t pts_ns, const float *samples, size_t frames,
                                           std::vector<float> &out) {
    if (!started_ || std::llabs(next_pts_ns() - pts_ns) > settings_.jump_ns) {
        if (started_) ++jumps_;
        started_ = true;
        waiting_ = false;
        origin_ns_ = pts_ns;
        output_frames_ = static_cast<int64_t>(frames);
        return {pts_ns, true, false, frames};
    }
    const int64_t next = next_pts_ns();
    const int64_t late_ns = next - pts_ns; // > 0: the stream now wants its samples earlier
    if (std::llabs(late_ns) <= settings_.tolerance_ns || frames == 0) {
        waiting_ = false;
        output_frames_ += static_cast<int64_t>(frames);
        return {next, false, false, frames};
    }
    if (!waiting_) {
        waiting_ = true;
        waiting_since_ns_ = pts_ns;
    }
    const int64_t owed = frames_for(std::llabs(late_ns));
    const auto margin = static_cast<size_t>(frames_for(settings_.margin_ns));
    size_t first = 0, length = 0;
    quiet_run(samples, frames, first, length);
    int64_t count = 0; // frames removed (> 0) or inserted (< 0)
    size_t at = 0;
    if (length > 2 * margin) {
        at = first + margin;
        // Silence is removed only from within the quiet stretch; added, it may be any length.
        count = late_ns > 0 ? std::min<int64_t>(owed, static_cast<int64_t>(length - 2 * margin)) : -owed;
    } else if (pts_ns - waiting_since_ns_ >= settings_.force_after_ns) {
        ++forced_moves_;
        at = quietest_frame(samples, frames);
        count = late_ns > 0 ? std::min<int64_t>(owed, static_cast<int64_t>(frames - at)) : -owed;
    }
    if (count == 0) {
        output_frames_ += static_cast<int64_t>(frames);
        return {next, false, false, frames};
    }
    edit(samples, frames, at, count, out);
    if (count > 0) removed_frames_ += count;
    else inserted_frames_ -= count;
    const size_t produced = static_cast<size_t>(static_cast<int64_t>(frames) - count);
    output_frames_ += static_cast<int64_t>(produced);
    waiting_ = owed - std::llabs(count) > frames_for(settings_.tolerance_ns);
    return {next, false, true, produced};
}

} // namespace roomrec::recorder
