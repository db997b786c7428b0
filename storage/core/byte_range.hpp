// The HTTP Range header of a file request (RFC 9110 §14), so a video player can seek in a
// recording served through a signed link. One range only ("bytes=a-b", "bytes=a-",
// "bytes=-n"); a header this does not understand (another unit, several ranges, garbage) is
// ignored and the whole file served, as the RFC allows. Pure.
#pragma once

#include <cstdint>
#include <string_view>

namespace roomrec::storage {

struct ByteRange {
    enum class Kind { Whole, Partial, Unsatisfiable } kind = Kind::Whole;
    uint64_t first = 0;  // Partial: the first byte served
    uint64_t length = 0; // Partial: how many bytes (first + length <= size)
};

// `header` is the Range value ("" when absent); `size` the file's size in bytes.
ByteRange parse_byte_range(std::string_view header, uint64_t size);

} // namespace roomrec::storage
