// Webhook signing (S3): receivers verify that a POST came from us, unaltered and recent.
//   X-Roomrec-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//   X-Roomrec-Idempotency-Key: <delivery id>  (the same on every retry of one delivery)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace roomrec::storage {

constexpr int64_t kWebhookToleranceSeconds = 300;

std::string webhook_signature(std::string_view secret, int64_t unix_seconds, std::string_view body);

enum class WebhookCheck { Valid, Malformed, BadSignature, Stale };

// For receivers and tests: parses the header, checks the HMAC in constant time and the age.
WebhookCheck verify_webhook(std::string_view secret, std::string_view header, std::string_view body, int64_t now_unix,
                            int64_t tolerance_seconds = kWebhookToleranceSeconds);

} // namespace roomrec::storage
