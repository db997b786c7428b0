// The file operations the recording store needs (composite and isolated tracks): small files
// read whole, and written with an exact mode, durably when asked, and a helper process (ffmpeg) run to its end.
#pragma once

#include <string>
#include <vector>

namespace roomrec::plugin {

// Flushes a file's data, or a folder's entries (flags O_DIRECTORY), to the disk (best effort).
void sync_to_disk(const std::string &path, int flags);
// Writes a small file with `mode` (not narrowed or widened by the umask); fsynced if `durable`.
bool write_file(const std::string &path, const std::string &text, unsigned mode, bool durable);
// A small file's whole text; empty if it cannot be read.
std::string read_file(const std::string &path);
// Writes a small file so that after a crash it is either absent or complete.
bool write_durably(const std::string &path, const std::string &text, unsigned mode);
// Runs a program (arguments[0] is its path) without a stdin or Janus's descriptors; its exit
// status, or -1 if it could not run or was killed. With stdout_path, its output goes there.
int run_and_wait(const std::vector<std::string> &arguments, const std::string &stdout_path = "");

} // namespace roomrec::plugin
