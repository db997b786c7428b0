// Permission bits of what roomrec writes under recordings_root: recordings are private to the
// service's user and group (0640 files, 0750 folders by default, jcfg general.file_mode and
// dir_mode). Modes are set explicitly (mkdir/open with the mode, then chmod/fchmod), never
// through the process umask, which belongs to Janus.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace roomrec::common {

inline constexpr unsigned kDefaultFileMode = 0640;
inline constexpr unsigned kDefaultFolderMode = 0750;

// "0640" → 0640: 3 or 4 octal digits, only permission bits (no setuid/setgid/sticky), never
// writable by others, and the owner keeps read and write (and search, for a folder). Else
// nullopt and why, naming `what` (e.g. "general.file_mode").
std::optional<unsigned> parse_file_mode(std::string_view text, bool folder, std::string_view what, std::string &error);

// Creates each missing folder of `relative` below `root` (which must exist) and gives every
// one of them, existing or not, `mode`. `relative` has no "." or ".." pieces. False and why.
bool make_folders_below(const std::string &root, const std::string &relative, unsigned mode, std::string &error);

// Gives the file `mode` without following a symbolic link. False and why.
bool set_file_mode(const std::string &path, unsigned mode, std::string &error);

} // namespace roomrec::common
