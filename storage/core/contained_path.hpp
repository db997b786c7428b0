// Whether a file path that delivery read from Postgres or its spool names a stored recording
// inside the recordings root. Anyone who can write the shared database can write a job's file path; delivery must
// only ever upload or delete recordings, so a path is used only after it was resolved
// (symbolic links and ".." followed, as realpath does) and found under the resolved root.
// The check is textual on resolved paths: "/a/recordings-evil/x" is not under "/a/recordings".
// Pure but for realpath(3).
#pragma once

#include <string>
#include <string_view>

namespace roomrec::storage {

// "" when `path` (already resolved) names a stored recording below `root` (already resolved):
// exactly <root>/<room>/Recordings/<file>, no part starting with '.'; else why not. Both must be
// absolute; no NUL bytes. The spools and the unfinished recordings under the root are refused.
// `folder` is the stored kind's folder below the room: "Recordings", or "Exports" for CSV exports.
std::string containment_error(std::string_view root, std::string_view path, std::string_view folder = "Recordings");

// The same for a file stored beside a recording (isolated tracks and their manifest): exactly
// <root>/<room>/Recordings/<name> tracks/<file>, no part starting with '.'.
std::string track_containment_error(std::string_view root, std::string_view path);

struct ContainedPath {
    std::string path;  // resolved; empty when refused
    std::string error; // why the path was refused; empty when it is inside
};

// Resolves `root` and `path` and checks the containment. Refuses an empty or relative path,
// a NUL byte, a path that does not exist (it cannot be resolved), and any path whose resolved
// form leaves the resolved root (a ".." or a symbolic link pointing out). The error names the
// path as given (paths are not secrets).
ContainedPath resolve_contained_path(const std::string &root, const std::string &path,
                                     std::string_view folder = "Recordings");
// The same with track_containment_error's shape.
ContainedPath resolve_contained_track_path(const std::string &root, const std::string &path);

// Any file or folder below `root` (the static web pages' root): `path` resolved (symbolic
// links and ".." followed) and found strictly below the resolved root; no other shape checked.
ContainedPath resolve_below_root(const std::string &root, const std::string &path);

} // namespace roomrec::storage
