#include "recorder/core/bit_reader.hpp"

namespace roomrec::recorder {

uint32_t BitReader::bits(int count) {
    uint32_t value = 0;
    for (int i = 0; i < count; ++i) {
        if (!ok_ || position_ >= length_ * 8) {
            ok_ = false;
            return 0;
        }
        const uint8_t byte = data_[position_ / 8];
        value = (value << 1) | ((byte >> (7 - position_ % 8)) & 1u);
        ++position_;
    }
    return value;
}

uint32_t BitReader::ue() {
    int zeros = 0;
    while (ok_ && !flag()) {
        if (++zeros > 31) {
            ok_ = false;
            return 0;
        }
    }
    if (!ok_) return 0;
    // 2^zeros - 1 + the next `zeros` bits; zeros <= 31 keeps it within 32 bits.
    return static_cast<uint32_t>((uint64_t{1} << zeros) - 1 + bits(zeros));
}

int64_t BitReader::se() {
    const uint32_t code = ue();
    const int64_t magnitude = (int64_t{code} + 1) / 2;
    return code % 2 == 1 ? magnitude : -magnitude;
}

void BitReader::skip_bits(size_t count) {
    if (!ok_ || count > length_ * 8 - position_) {
        ok_ = false;
        return;
    }
    position_ += count;
}

} // namespace roomrec::recorder
