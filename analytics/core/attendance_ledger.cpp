#include "attendance_ledger.hpp"

#include <algorithm>
#include <limits>

namespace roomrec::core {

const char *attendance_result_name(AttendanceResult result) {
    switch (result) {
    case AttendanceResult::Accepted: return "accepted";
    case AttendanceResult::Duplicate: return "duplicate";
    case AttendanceResult::IgnoredAfterLeave: return "ignored_after_leave";
    case AttendanceResult::IgnoredNotPresent: return "ignored_not_present";
    case AttendanceResult::OutOfRange: return "out_of_range";
    case AttendanceResult::TooMany: return "too_many";
    }
    return "out_of_range";
}

const char *minute_state_name(MinuteState state) {
    switch (state) {
    case MinuteState::Offline: return "offline";
    case MinuteState::NotEngaged: return "not_engaged";
    case MinuteState::Engaged: return "engaged";
    }
    return "offline";
}

namespace {

AttendanceSettings clamped(AttendanceSettings settings, int64_t start_us) {
    constexpr int64_t kHour = 3600LL * 1000000;
    settings.heartbeat_period_us = std::clamp<int64_t>(settings.heartbeat_period_us, 1, kHour);
    // Never shorter than a period: an interval closed as offline must end before the next opens.
    settings.offline_after_us = std::clamp<int64_t>(settings.offline_after_us, settings.heartbeat_period_us, kHour);
    settings.max_session_us = std::clamp<int64_t>(settings.max_session_us, AttendanceLedger::kMinuteUs, int64_t{1} << 50);
    // Absolute times handed back (start + offset + a period) must not overflow either.
    const int64_t room = std::numeric_limits<int64_t>::max() - 3 * kHour;
    if (start_us > 0 && room - start_us < settings.max_session_us) settings.max_session_us = std::max<int64_t>(room - start_us, 0);
    settings.max_participants = std::max<size_t>(settings.max_participants, 1);
    settings.max_records_per_participant = std::max<size_t>(settings.max_records_per_participant, 2);
    return settings;
}

} // namespace

AttendanceLedger::AttendanceLedger(int64_t session_start_us, AttendanceSettings settings)
    : start_us_(session_start_us), settings_(clamped(settings, session_start_us)) {}

std::optional<int64_t> AttendanceLedger::offset(int64_t at_us) const {
    int64_t at;
    if (at_us < start_us_ || __builtin_sub_overflow(at_us, start_us_, &at) || at > settings_.max_session_us)
        return std::nullopt;
    if (ended_at_ && at > *ended_at_) return std::nullopt;
    return at;
}

int64_t AttendanceLedger::clamp_now(int64_t now_us) const {
    int64_t limit = settings_.max_session_us + settings_.heartbeat_period_us;
    if (ended_at_) limit = std::min(limit, *ended_at_);
    int64_t now;
    if (now_us <= start_us_) return 0;
    if (__builtin_sub_overflow(now_us, start_us_, &now)) return limit;
    return std::min(now, limit);
}

AttendanceLedger::Participant *AttendanceLedger::find_or_add(std::string_view user_id) {
    auto found = participants_.find(std::string(user_id));
    if (found != participants_.end()) return &found->second;
    if (participants_.size() >= settings_.max_participants) return nullptr;
    return &participants_.emplace(std::string(user_id), Participant{}).first->second;
}

const AttendanceLedger::Participant *AttendanceLedger::find(std::string_view user_id) const {
    auto found = participants_.find(std::string(user_id));
    return found == participants_.end() ? nullptr : &found->second;
}

bool AttendanceLedger::room_for_record(const Participant &participant) const {
    return participant.intervals.size() + participant.engaged.size() < settings_.max_records_per_participant;
}

void AttendanceLedger::open_interval(Participant &participant, int64_t at) {
    participant.intervals.push_back({at, at, at, IntervalEnd::Open});
}

void AttendanceLedger::close_open(Participant &participant, int64_t at, IntervalEnd how) {
    Interval &open = participant.intervals.back();
    open.end = std::max(at, open.start);
    open.how = how;
}

AttendanceResult AttendanceLedger::cover(Participant &participant, int64_t at, HeartbeatBits bits) {
    if (!settings_.rule.engaged(bits)) return AttendanceResult::Accepted;
    const Span add{at, at + settings_.heartbeat_period_us};
    auto &spans = participant.engaged;
    // The first span that ends at or after the new one starts: it and its successors up to
    // the new end merge with it (touching spans merge too, so steady heartbeats make one span).
    auto first = std::lower_bound(spans.begin(), spans.end(), add.start,
                                  [](const Span &span, int64_t start) { return span.end < start; });
    if (first == spans.end() || first->start > add.end) {
        if (!room_for_record(participant)) return AttendanceResult::TooMany;
        spans.insert(first, add);
        return AttendanceResult::Accepted;
    }
    auto last = first;
    while (std::next(last) != spans.end() && std::next(last)->start <= add.end) ++last;
    first->start = std::min(first->start, add.start);
    first->end = std::max(last->end, add.end);
    spans.erase(std::next(first), std::next(last));
    return AttendanceResult::Accepted;
}

AttendanceResult AttendanceLedger::join(std::string_view user_id, int64_t at_us) {
    const auto at = offset(at_us);
    if (!at) return AttendanceResult::OutOfRange;
    Participant *participant = find_or_add(user_id);
    if (participant == nullptr) return AttendanceResult::TooMany;
    auto &intervals = participant->intervals;
    if (!intervals.empty() && intervals.back().how == IntervalEnd::Open) {
        const Interval &open = intervals.back();
        if (*at <= open.last_seen + settings_.offline_after_us) return AttendanceResult::Duplicate;
        close_open(*participant, open.last_seen + settings_.heartbeat_period_us, IntervalEnd::Offline);
    }
    if (!room_for_record(*participant)) return AttendanceResult::TooMany;
    participant->left = false;
    // A join stamped before the end of the previous interval (reordered) must not overlap it.
    open_interval(*participant, intervals.empty() ? *at : std::max(*at, intervals.back().end));
    return AttendanceResult::Accepted;
}

AttendanceResult AttendanceLedger::leave(std::string_view user_id, int64_t at_us) {
    const auto at = offset(at_us);
    if (!at) return AttendanceResult::OutOfRange;
    Participant *participant = find_or_add(user_id); // remembered, so later heartbeats are ignored
    if (participant == nullptr) return AttendanceResult::TooMany;
    const bool was_present = !participant->intervals.empty();
    participant->left = true;
    if (!was_present) return AttendanceResult::IgnoredNotPresent;
    const Interval &last = participant->intervals.back();
    if (last.how != IntervalEnd::Open) return AttendanceResult::Accepted; // already offline
    if (*at > last.last_seen + settings_.offline_after_us)
        close_open(*participant, last.last_seen + settings_.heartbeat_period_us, IntervalEnd::Offline);
    else
        close_open(*participant, *at, IntervalEnd::Leave);
    return AttendanceResult::Accepted;
}

AttendanceResult AttendanceLedger::heartbeat(std::string_view user_id, int64_t at_us, HeartbeatBits bits) {
    const auto at = offset(at_us);
    if (!at) return AttendanceResult::OutOfRange;
    Participant *participant = find_or_add(user_id);
    if (participant == nullptr) return AttendanceResult::TooMany;
    auto &intervals = participant->intervals;
    if (intervals.empty()) {
        if (participant->left) return AttendanceResult::IgnoredAfterLeave;
        open_interval(*participant, *at); // never joined as far as we know: an implicit join
        return cover(*participant, *at, bits);
    }
    Interval &last = intervals.back();
    if (last.how == IntervalEnd::Open) {
        if (*at > last.last_seen + settings_.offline_after_us) { // silent too long: offline, then back
            if (!room_for_record(*participant)) return AttendanceResult::TooMany;
            close_open(*participant, last.last_seen + settings_.heartbeat_period_us, IntervalEnd::Offline);
            open_interval(*participant, *at);
            return cover(*participant, *at, bits);
        }
        if (*at >= last.start) {
            last.last_seen = std::max(last.last_seen, *at);
            return cover(*participant, *at, bits);
        }
    } else if (!participant->left && !ended_at_ && last.how == IntervalEnd::Offline && *at > last.last_seen) {
        // Closed as offline (close_silent) before this heartbeat arrived: within the limit it
        // was never offline, so the interval goes on; beyond it a new interval starts.
        if (*at <= last.last_seen + settings_.offline_after_us) {
            last.how = IntervalEnd::Open;
            last.last_seen = *at;
            return cover(*participant, *at, bits);
        }
        if (!room_for_record(*participant)) return AttendanceResult::TooMany;
        open_interval(*participant, *at);
        return cover(*participant, *at, bits);
    }
    // A late heartbeat: it counts inside the interval it falls in, and nowhere else.
    auto within = std::upper_bound(intervals.begin(), intervals.end(), *at,
                                   [](int64_t time, const Interval &interval) { return time < interval.start; });
    if (within != intervals.begin()) {
        const Interval &candidate = *std::prev(within);
        if (candidate.how == IntervalEnd::Open || *at < candidate.end) return cover(*participant, *at, bits);
    }
    return participant->left ? AttendanceResult::IgnoredAfterLeave : AttendanceResult::IgnoredNotPresent;
}

void AttendanceLedger::close_silent(int64_t now_us) {
    const int64_t now = clamp_now(now_us);
    for (auto &[user, participant] : participants_) {
        if (participant.intervals.empty()) continue;
        const Interval &last = participant.intervals.back();
        if (last.how == IntervalEnd::Open && now > last.last_seen + settings_.offline_after_us)
            close_open(participant, last.last_seen + settings_.heartbeat_period_us, IntervalEnd::Offline);
    }
}

void AttendanceLedger::end_session(int64_t end_us) {
    if (ended_at_) return;
    const int64_t end = clamp_now(end_us);
    for (auto &[user, participant] : participants_) {
        if (participant.intervals.empty() || participant.intervals.back().how != IntervalEnd::Open) continue;
        const Interval &last = participant.intervals.back();
        if (end > last.last_seen + settings_.offline_after_us)
            close_open(participant, last.last_seen + settings_.heartbeat_period_us, IntervalEnd::Offline);
        else
            close_open(participant, end, IntervalEnd::SessionEnd);
    }
    ended_at_ = end;
}

std::vector<AttendanceLedger::Span> AttendanceLedger::presence(const Participant &participant, int64_t now) const {
    std::vector<Span> spans;
    for (const Interval &interval : participant.intervals) {
        int64_t end = interval.end;
        if (interval.how == IntervalEnd::Open)
            end = now > interval.last_seen + settings_.offline_after_us ? interval.last_seen + settings_.heartbeat_period_us
                                                                         : now;
        end = std::min(end, now);
        if (end > interval.start) spans.push_back({interval.start, end});
    }
    return spans;
}

std::vector<AttendanceLedger::Span> AttendanceLedger::engaged_presence(const Participant &participant,
                                                                       const std::vector<Span> &present) const {
    std::vector<Span> both;
    auto a = participant.engaged.begin();
    auto b = present.begin();
    while (a != participant.engaged.end() && b != present.end()) {
        const int64_t start = std::max(a->start, b->start), end = std::min(a->end, b->end);
        if (end > start) both.push_back({start, end});
        if (a->end < b->end) ++a;
        else ++b;
    }
    return both;
}

size_t AttendanceLedger::minutes_until(int64_t now) const { return size_t((now + kMinuteUs - 1) / kMinuteUs); }

AttendanceLedger::Figures AttendanceLedger::minute_figures(const Participant &participant, int64_t now,
                                                           size_t minutes) const {
    Figures figures{std::vector<int64_t>(minutes, 0), std::vector<int64_t>(minutes, 0)};
    const auto spread = [&](const std::vector<Span> &spans, std::vector<int64_t> &per_minute) {
        for (const Span &span : spans) {
            for (int64_t at = span.start; at < span.end;) {
                const size_t minute = size_t(at / kMinuteUs);
                if (minute >= minutes) break;
                const int64_t until = std::min(span.end, int64_t(minute + 1) * kMinuteUs);
                per_minute[minute] += until - at;
                at = until;
            }
        }
    };
    const std::vector<Span> present = presence(participant, now);
    spread(present, figures.present);
    spread(engaged_presence(participant, present), figures.engaged);
    return figures;
}

std::vector<PresenceInterval> AttendanceLedger::intervals(std::string_view user_id, int64_t now_us) const {
    std::vector<PresenceInterval> result;
    const Participant *participant = find(user_id);
    if (participant == nullptr) return result;
    const int64_t now = clamp_now(now_us);
    for (const Interval &interval : participant->intervals) {
        if (interval.start > now) break;
        IntervalEnd how = interval.how;
        int64_t end = interval.end;
        if (how == IntervalEnd::Open) {
            if (now > interval.last_seen + settings_.offline_after_us) {
                how = IntervalEnd::Offline; // as of now it is
                end = interval.last_seen + settings_.heartbeat_period_us;
            } else {
                end = now;
            }
        }
        if (end > now) { // asked about a past moment: it was still open then
            how = IntervalEnd::Open;
            end = now;
        }
        result.push_back({start_us_ + interval.start, start_us_ + end, how});
    }
    return result;
}

int64_t AttendanceLedger::present_us(std::string_view user_id, int64_t now_us) const {
    const Participant *participant = find(user_id);
    if (participant == nullptr) return 0;
    int64_t total = 0;
    for (const Span &span : presence(*participant, clamp_now(now_us))) total += span.end - span.start;
    return total;
}

int64_t AttendanceLedger::engaged_us(std::string_view user_id, int64_t now_us) const {
    const Participant *participant = find(user_id);
    if (participant == nullptr) return 0;
    int64_t total = 0;
    for (const Span &span : engaged_presence(*participant, presence(*participant, clamp_now(now_us))))
        total += span.end - span.start;
    return total;
}

std::vector<MinuteState> AttendanceLedger::heatmap(std::string_view user_id, int64_t now_us) const {
    const int64_t now = clamp_now(now_us);
    const size_t minutes = minutes_until(now);
    std::vector<MinuteState> cells(minutes, MinuteState::Offline);
    const Participant *participant = find(user_id);
    if (participant == nullptr) return cells;
    const Figures figures = minute_figures(*participant, now, minutes);
    for (size_t minute = 0; minute < minutes; ++minute) {
        if (figures.present[minute] == 0) continue;
        cells[minute] = 2 * figures.engaged[minute] >= figures.present[minute] ? MinuteState::Engaged : MinuteState::NotEngaged;
    }
    return cells;
}

std::vector<MinuteFigures> AttendanceLedger::timeline(int64_t now_us) const {
    const int64_t now = clamp_now(now_us);
    const size_t minutes = minutes_until(now);
    std::vector<MinuteFigures> timeline(minutes);
    for (const auto &[user, participant] : participants_) {
        const Figures figures = minute_figures(participant, now, minutes);
        for (size_t minute = 0; minute < minutes; ++minute) {
            if (figures.present[minute] == 0) continue;
            ++timeline[minute].unique_viewers;
            timeline[minute].present_us += figures.present[minute];
            timeline[minute].engaged_us += figures.engaged[minute];
        }
    }
    return timeline;
}

SessionFigures AttendanceLedger::totals(int64_t now_us) const {
    const int64_t now = clamp_now(now_us);
    SessionFigures totals;
    for (const auto &[user, participant] : participants_) {
        const std::vector<Span> present = presence(participant, now);
        if (present.empty()) continue;
        ++totals.unique_viewers;
        for (const Span &span : present) totals.present_us += span.end - span.start;
        for (const Span &span : engaged_presence(participant, present)) totals.engaged_us += span.end - span.start;
    }
    return totals;
}

} // namespace roomrec::core
