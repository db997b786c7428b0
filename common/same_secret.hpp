// Constant-time comparison of a given secret with a configured one ("" and a missing one never
// match): admin secrets, Bearer tokens. The time does not depend on where they differ.
#pragma once

#include <openssl/crypto.h>

#include <cstring>
#include <string>

namespace roomrec::common {

inline bool same_secret(const char *given, const std::string &expected) {
    if (given == nullptr || expected.empty() || std::strlen(given) != expected.size()) return false;
    return CRYPTO_memcmp(given, expected.data(), expected.size()) == 0;
}

} // namespace roomrec::common
