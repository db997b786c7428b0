// Stable error codes of the JSON API (docs/API.md lists them with their meaning).
#pragma once

namespace roomrec::domain {

enum class ErrorCode : int {
    InvalidBody = 440,    // body is not a JSON object
    UnknownRequest = 441, // "request" names no known request
    MissingElement = 442, // a required field is absent
    InvalidElement = 443, // wrong type, bad enum value or bad format
    ElementTooLong = 444, // string/array over its limit, or number out of range
    NoSuchRoom = 445,
    RoomExists = 446,
    Unauthorized = 447, // missing, wrong, expired or forged token/secret
    Forbidden = 448,    // role may not do this
    NotJoined = 449,    // request needs a joined handle
    AlreadyJoined = 450,
    NoSuchParticipant = 451, // participant, feed or stream unknown
    InvalidSdp = 452,        // JSEP missing, of the wrong type, or unparsable
    RoomFull = 453,
    UnsupportedMedia = 454,    // no acceptable codec, too many streams of a kind
    RecordingState = 455,      // start while recording (or finalizing), stop while not recording
    RecorderUnavailable = 456, // the recorder could not be started (storage or worker)
    RateLimited = 457,         // reactions or heartbeats faster than allowed; nothing was relayed or recorded
    NoSuchItem = 458,          // chat message, poll or question unknown (or forgotten)
    ActivityState = 459,       // deleted, already liked/answered/flagged, thread cannot move so, session cap
    Banned = 460,              // kicked from this room session; the ban has not ended
    LimitReached = 461,        // a per-participant limit (subscriber handles), or 20 breakouts open
    ReportUnavailable = 462,   // the report database is unreachable; retry
    NoSuchSession = 463,       // the room has no such session (reports)
    ExportUnavailable = 464,   // this node cannot mail exports (no delivery, links/S3 or SMTP) or could not queue one
    NoSuchRecording = 465,     // the recordings library has no such (undeleted) recording
    LibraryUnavailable = 466,  // no delivery database (or it is away), or no links/S3 to play from; retry
    BreakoutUnavailable = 467, // breakouts need the jcfg token_secret (moves hand out signed tokens)
    RoomElsewhere = 468,       // the room lives on another node of the cluster (the reply names it)
    Internal = 499,
};

inline int code_value(ErrorCode code) { return static_cast<int>(code); }

} // namespace roomrec::domain
