// Unguessable identifiers (participant ids, private ids, recording ids).
#pragma once

#include <openssl/rand.h>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace roomrec::common {

// 128 random bits as hex: private ids are capabilities, so they must not be guessable.
inline std::string random_id() {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness for an id");
    char text[2 * sizeof bytes + 1];
    for (size_t i = 0; i < sizeof bytes; ++i) std::snprintf(text + 2 * i, 3, "%02x", bytes[i]);
    return text;
}

} // namespace roomrec::common
