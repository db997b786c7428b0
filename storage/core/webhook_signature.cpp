#include "storage/core/webhook_signature.hpp"

#include "storage/core/sigv4.hpp"

#include <openssl/crypto.h>

#include <charconv>

namespace roomrec::storage {

std::string webhook_signature(std::string_view secret, int64_t unix_seconds, std::string_view body) {
    const std::string stamp = std::to_string(unix_seconds);
    std::string signed_text = stamp + ".";
    signed_text.append(body);
    return "t=" + stamp + ",v1=" + hmac_sha256_hex(secret, signed_text);
}

WebhookCheck verify_webhook(std::string_view secret, std::string_view header, std::string_view body, int64_t now_unix,
                            int64_t tolerance_seconds) {
    if (header.substr(0, 2) != "t=") return WebhookCheck::Malformed;
    const size_t comma = header.find(",v1=");
    if (comma == std::string_view::npos || header.size() - comma - 4 != 64) return WebhookCheck::Malformed;
    int64_t stamp = 0;
    const std::string_view stamp_text = header.substr(2, comma - 2);
    const auto parsed = std::from_chars(stamp_text.data(), stamp_text.data() + stamp_text.size(), stamp);
    if (parsed.ec != std::errc() || parsed.ptr != stamp_text.data() + stamp_text.size() || stamp_text.empty())
        return WebhookCheck::Malformed;
    const std::string expected = webhook_signature(secret, stamp, body);
    if (expected.size() != header.size() || CRYPTO_memcmp(expected.data(), header.data(), header.size()) != 0)
        return WebhookCheck::BadSignature;
    if (now_unix - stamp > tolerance_seconds || stamp - now_unix > tolerance_seconds) return WebhookCheck::Stale;
    return WebhookCheck::Valid;
}

} // namespace roomrec::storage
