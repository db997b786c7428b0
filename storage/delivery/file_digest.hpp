// SHA-256 and size of a (possibly very large) file, read in blocks: the recording's checksum
// in its metadata row and webhook (S2, S5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace roomrec::storage {

struct FileDigest {
    std::string sha256; // lower-case hex
    int64_t size_bytes = 0;
};

std::optional<FileDigest> file_digest(const std::string &path);

} // namespace roomrec::storage
