// Attendance and attention of one live session (SPEC E1, E2, A1, A2, A4), from join, leave and
// heartbeat events with an injected clock (microseconds of the plugin's monotonic clock).
//
// Rules (the numbers are AttendanceSettings; analytics/README.md "Engagement rules"):
// - A join opens a presence interval; a leave closes it at the leave time.
// - Heartbeats come every 10 s. A participant silent for more than 25 s (2.5 periods) went
//   offline: the interval ends at the last heartbeat + 10 s. A later heartbeat opens a new one.
// - Each engaged heartbeat (EngagementRule) covers the 10 s after it, capped at the interval
//   end. Overlapping coverage counts once, so duplicates and arrival order do not matter.
// - A heartbeat of a participant never seen opens an interval (the ledger may be rebuilt from a
//   window of stored events that misses the join). After a leave, heartbeats are ignored until
//   the next join. A late heartbeat adds coverage to the interval it falls in, or reopens the
//   last interval if it shows the participant was not silent for more than 25 s after all.
// Not thread-safe: the caller serializes events of one session.
#pragma once

#include "core/engagement_rule.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace roomrec::core {

struct AttendanceSettings {
    int64_t heartbeat_period_us = 10'000'000;          // each heartbeat covers this long
    int64_t offline_after_us = 25'000'000;             // silence longer than this is offline (>= a period)
    int64_t max_session_us = 7LL * 24 * 3600 * 1000000; // events later than start + this are refused
    size_t max_participants = 100'000;
    size_t max_records_per_participant = 20'000; // intervals + engaged spans (a day needs < 9000)
    EngagementRule rule;
};

enum class AttendanceResult {
    Accepted,
    Duplicate,           // a join while present
    IgnoredAfterLeave,   // a heartbeat between a leave and the next join
    IgnoredNotPresent,   // a leave without a join, or a late heartbeat from an offline gap
    OutOfRange,          // before the session start, past max_session_us, or after end_session
    TooMany,             // max_participants or max_records_per_participant reached
};
const char *attendance_result_name(AttendanceResult result);

enum class IntervalEnd { Open, Leave, Offline, SessionEnd };

struct PresenceInterval {
    int64_t start_us;
    int64_t end_us; // for an Open interval: the query time
    IntervalEnd end;
};

// A4 cell: Engaged when engaged for at least half of the time present in that minute.
enum class MinuteState : uint8_t { Offline, NotEngaged, Engaged };
const char *minute_state_name(MinuteState state);

// A2: one minute of the session, over all participants.
struct MinuteFigures {
    int unique_viewers = 0; // present at any time in the minute
    int64_t present_us = 0;
    int64_t engaged_us = 0;
    // Time-weighted: engaged time / present time; 0 when nobody was present.
    double engagement_rate() const { return present_us > 0 ? double(engaged_us) / double(present_us) : 0.0; }
};

// A1: the whole session.
struct SessionFigures {
    int unique_viewers = 0; // participants with any presence
    int64_t present_us = 0;
    int64_t engaged_us = 0;
    double average_minutes_viewed() const {
        return unique_viewers > 0 ? double(present_us) / 60e6 / unique_viewers : 0.0;
    }
    double engagement_rate() const { return present_us > 0 ? double(engaged_us) / double(present_us) : 0.0; }
};

class AttendanceLedger {
public:
    explicit AttendanceLedger(int64_t session_start_us, AttendanceSettings settings = {});

    AttendanceResult join(std::string_view user_id, int64_t at_us);
    AttendanceResult leave(std::string_view user_id, int64_t at_us);
    AttendanceResult heartbeat(std::string_view user_id, int64_t at_us, HeartbeatBits bits);

    // Closes the intervals of participants silent for more than offline_after_us at now_us.
    // Queries give the same answer without it; it only keeps live state small and current.
    void close_silent(int64_t now_us);
    // Closes every open interval at end_us (or where it went offline) and refuses later events.
    void end_session(int64_t end_us);

    // Queries "as of" now_us: open intervals end at now_us, everything is clipped to it.
    std::vector<PresenceInterval> intervals(std::string_view user_id, int64_t now_us) const;
    int64_t present_us(std::string_view user_id, int64_t now_us) const;
    int64_t engaged_us(std::string_view user_id, int64_t now_us) const;
    double minutes_viewed(std::string_view user_id, int64_t now_us) const {
        return double(present_us(user_id, now_us)) / 60e6;
    }
    // One cell per started minute of the session up to now_us (at most max_session_us / 1 min).
    std::vector<MinuteState> heatmap(std::string_view user_id, int64_t now_us) const;
    std::vector<MinuteFigures> timeline(int64_t now_us) const;
    SessionFigures totals(int64_t now_us) const;

    size_t participants() const { return participants_.size(); }
    int64_t session_start_us() const { return start_us_; }

    static constexpr int64_t kMinuteUs = 60'000'000;

private:
    // Internally times are offsets from the session start, so no arithmetic can overflow.
    struct Interval {
        int64_t start, end, last_seen; // end is meaningless while open
        IntervalEnd how;
    };
    struct Span {
        int64_t start, end;
    };
    struct Participant {
        std::vector<Interval> intervals; // ordered, disjoint; only the last may be Open
        std::vector<Span> engaged;       // ordered, disjoint, merged; clipped to intervals on query
        bool left = false;
    };
    struct Figures {
        std::vector<int64_t> present, engaged; // per minute
    };

    std::optional<int64_t> offset(int64_t at_us) const;
    Participant *find_or_add(std::string_view user_id);
    const Participant *find(std::string_view user_id) const;
    bool room_for_record(const Participant &participant) const;
    void open_interval(Participant &participant, int64_t at);
    void close_open(Participant &participant, int64_t at, IntervalEnd how);
    AttendanceResult cover(Participant &participant, int64_t at, HeartbeatBits bits);
    std::vector<Span> presence(const Participant &participant, int64_t now) const;
    std::vector<Span> engaged_presence(const Participant &participant, const std::vector<Span> &present) const;
    Figures minute_figures(const Participant &participant, int64_t now, size_t minutes) const;
    size_t minutes_until(int64_t now) const;
    int64_t clamp_now(int64_t now_us) const;

    int64_t start_us_;
    AttendanceSettings settings_;
    std::unordered_map<std::string, Participant> participants_;
    std::optional<int64_t> ended_at_;
};

} // namespace roomrec::core
