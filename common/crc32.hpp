// CRC-32 (IEEE 802.3, reflected, as zlib and Python's zlib.crc32 compute it): guards spool
// records against torn writes and flipped bits.
#pragma once

#include <cstdint>
#include <string_view>

namespace roomrec::common {

// Continues `crc` (0 to start) over data.
uint32_t crc32(std::string_view data, uint32_t crc = 0);

} // namespace roomrec::common
