// One engagement event (E1-E7) as the plugin hands it to the telemetry writer, and the
// list of event kinds. This file is the ONE place the kinds are declared: the writer validates
// against it and writes the names from it; the schema stores the name as text and has no list
// of its own (a second list would drift).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roomrec::analytics {

// X(enumerator, name as stored in telemetry_events.kind). Append only: names are data.
#define ROOMREC_TELEMETRY_KINDS(X)                                                                                     \
    X(Join, "join")                                                                                                    \
    X(Leave, "leave")                                                                                                  \
    X(Heartbeat, "heartbeat")                                                                                          \
    X(Reaction, "reaction")                                                                                            \
    X(Hand, "hand")                                                                                                    \
    X(ChatSend, "chat.send")                                                                                           \
    X(ChatReply, "chat.reply")                                                                                         \
    X(ChatLike, "chat.like")                                                                                           \
    X(ChatDelete, "chat.delete")                                                                                       \
    X(Moderation, "moderation")                                                                                        \
    X(PollCreate, "poll.create")                                                                                       \
    X(PollAnswer, "poll.answer")                                                                                       \
    X(QaAsk, "qa.ask")                                                                                                 \
    X(QaAnswer, "qa.answer")                                                                                           \
    X(Download, "download")                                                                                            \
    X(PlaybackImpression, "playback.impression")                                                                       \
    X(PlaybackPlay, "playback.play")                                                                                   \
    X(PlaybackProgress, "playback.progress")                                                                           \
    X(BreakoutOpen, "breakout.open")                                                                                   \
    X(BreakoutClose, "breakout.close")                                                                                 \
    X(PlaybackSeek, "playback.seek")                                                                                   \
    X(ReactionRefused, "reaction.refused")                                                                             \
    X(PollClose, "poll.close")                                                                                         \
    X(AttachmentShare, "attachment.share")                                                                             \
    X(StageOn, "stage.on")                                                                                             \
    X(StageOff, "stage.off")                                                                                           \
    X(PresentStart, "present.start")                                                                                   \
    X(PresentStop, "present.stop")

enum class TelemetryKind : uint8_t {
#define ROOMREC_KIND_ENUM(id, name) id,
    ROOMREC_TELEMETRY_KINDS(ROOMREC_KIND_ENUM)
#undef ROOMREC_KIND_ENUM
};

inline constexpr std::array kTelemetryKindNames = {
#define ROOMREC_KIND_NAME(id, name) std::string_view(name),
    ROOMREC_TELEMETRY_KINDS(ROOMREC_KIND_NAME)
#undef ROOMREC_KIND_NAME
};
inline constexpr size_t kTelemetryKindCount = kTelemetryKindNames.size();

// "" for a value outside the list (a cast from a bad integer).
inline std::string_view kind_name(TelemetryKind kind) {
    const auto index = static_cast<size_t>(kind);
    return index < kTelemetryKindCount ? kTelemetryKindNames[index] : std::string_view();
}

inline std::optional<TelemetryKind> kind_from_name(std::string_view name) {
    for (size_t i = 0; i < kTelemetryKindCount; ++i)
        if (kTelemetryKindNames[i] == name) return static_cast<TelemetryKind>(i);
    return std::nullopt;
}

// Events repeated every few seconds, each one superseded by the next: under backpressure the
// writer refuses these first (analytics/README.md).
inline bool is_periodic(TelemetryKind kind) {
    return kind == TelemetryKind::Heartbeat || kind == TelemetryKind::PlaybackProgress;
}

// Empty strings are stored as NULL, except room_id and session_id (never NULL, may be "" for
// session). body_json, when not empty, is one JSON object (stored as jsonb).
struct TelemetryEvent {
    std::string room_id, session_id, participant_id, user_id, subject_id;
    TelemetryKind kind = TelemetryKind::Heartbeat;
    int64_t at_us = 0; // wall clock, µs since the Unix epoch (UTC)
    int64_t value = 0;
    std::string body_json;
};

// The heap an event holds while it waits in the writer's queue: its strings' bytes. Moving the
// event keeps them (a move hands the buffers over), so the producer that adds them and the
// consumer that subtracts them count the same number. Short strings live inside the event
// (small-string optimization) and are counted anyway: a slight overcount, never an undercount.
inline size_t event_heap_bytes(const TelemetryEvent &event) {
    return event.room_id.size() + event.session_id.size() + event.participant_id.size() + event.user_id.size() +
           event.subject_id.size() + event.body_json.size();
}

// Limits a stored event respects (bytes).
inline constexpr size_t kMaxIdBytes = 256;
inline constexpr size_t kMaxBodyBytes = 16 * 1024;
// Events outside [2000-01-01, 2100-01-01) UTC are refused: a clock that far off is a bug, and
// each distinct day costs a partition.
inline constexpr int64_t kMinAtUs = 946684800LL * 1000000;
inline constexpr int64_t kMaxAtUs = 4102444800LL * 1000000;

// Why the writer refuses an event, or "" when it can be stored: an empty room id, ids or body
// too long, a NUL byte or invalid UTF-8 anywhere (refused rather than replaced: a changed id
// would silently be another id), a body that is not one JSON object Postgres' jsonb accepts,
// a time out of range, an unknown kind.
std::string check_event(const TelemetryEvent &event);

} // namespace roomrec::analytics
