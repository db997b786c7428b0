// Reads a bitstream header MSB first, as VP9 and H.264 write theirs, including H.264's
// exp-Golomb codes. Reading past the end does not stop the caller: it gets zeros and ok()
// turns false for good, so a parser reads a whole header and checks once.
#pragma once

#include <cstddef>
#include <cstdint>

namespace roomrec::recorder {

class BitReader {
public:
    BitReader(const uint8_t *data, size_t length) : data_(data), length_(length) {}

    // 0-32 bits.
    uint32_t bits(int count);
    bool flag() { return bits(1) != 0; }
    // ue(v): refuses codes longer than 32 bits (no H.264 field we read needs them).
    uint32_t ue();
    // se(v).
    int64_t se();
    void skip_bits(size_t count);
    // The data is not what it should be (a value out of its range).
    void fail() { ok_ = false; }

    bool ok() const { return ok_; }

private:
    const uint8_t *data_;
    size_t length_;
    size_t position_ = 0; // in bits
    bool ok_ = true;
};

} // namespace roomrec::recorder
