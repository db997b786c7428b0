// Recording file names (C8): "Rec - <YYYY-MM-DD HH-MM-SS> - <title>.mp4", with the title
// made safe for any file system and object store while keeping its Unicode.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace roomrec::domain {

// Longest sanitized title in bytes (file names are capped at 255 bytes on most systems).
constexpr size_t kMaxTitleBytes = 120;

// Drops path separators, control characters, characters Windows forbids, leading dots or
// spaces, and characters that show nothing or reorder what is shown (bidi controls, zero-width
// and other invisible characters, variation selectors that modify nothing: see
// common::is_invisible_format), so no file name is invisible or spoofs another; folds runs of
// white space; cuts at a UTF-8 boundary. A title left empty gives `fallback` sanitized the same
// way (the room id), then "Untitled": never an empty string.
std::string sanitize_title(const std::string &title, const std::string &fallback = "Untitled");

// unix_seconds is UTC unless utc_offset_seconds moves it (a configured time zone). `fallback`
// stands for a title with nothing visible left (see sanitize_title).
std::string recording_file_name(const std::string &title, int64_t unix_seconds, int64_t utc_offset_seconds = 0,
                                const std::string &fallback = "Untitled");

// An isolated track's file name: "<publisher> - <source> <kind>.<extension>" ("alice - webcam
// audio.mkv"), the publisher sanitized like a title (`fallback` when nothing is left of it).
std::string track_file_name(const std::string &publisher, const std::string &source, const std::string &kind,
                            const std::string &extension, const std::string &fallback);

constexpr int kMaxCollisions = 9999;

// Adds " (2)", " (3)", ... before ".mp4" until taken() says the name is free; throws
// std::runtime_error past kMaxCollisions.
std::string unique_file_name(const std::string &name, const std::function<bool(const std::string &)> &taken);

} // namespace roomrec::domain
