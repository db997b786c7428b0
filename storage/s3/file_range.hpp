// A byte range of a file read with pread (parts of recordings of tens of GB: never loaded
// whole), its digests, and the libcurl read callback that streams it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace roomrec::storage {

// An open file (O_RDONLY | O_CLOEXEC), closed with the object.
class OpenFile {
public:
    explicit OpenFile(const std::string &path); // check ok() / error()
    ~OpenFile();
    OpenFile(const OpenFile &) = delete;
    OpenFile &operator=(const OpenFile &) = delete;
    bool ok() const { return fd_ >= 0; }
    const std::string &error() const { return error_; }
    int fd() const { return fd_; }
    uint64_t size() const { return size_; }

private:
    int fd_ = -1;
    uint64_t size_ = 0;
    std::string error_;
};

struct RangeDigests {
    std::string sha256_hex; // x-amz-content-sha256
    std::string md5_base64; // Content-MD5
};

// Both digests of [offset, offset + length) in one read pass; false (reason in `error`) on a read
// error or a file shorter than the range.
bool digest_range(int fd, uint64_t offset, uint64_t length, RangeDigests &digests, std::string &error);

// What the read callback streams: a memory body or a file range.
struct BodySource {
    const std::string *memory = nullptr;
    int fd = -1;
    uint64_t offset = 0, length = 0, sent = 0;
    std::string error; // set when the file could not be read: the request is aborted
};

// CURLOPT_READFUNCTION for a BodySource (CURLOPT_READDATA).
size_t read_body(char *buffer, size_t size, size_t count, void *source);

} // namespace roomrec::storage
