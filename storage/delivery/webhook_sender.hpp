// Sends one signed webhook (S3) with libcurl: a JSON POST carrying
//   X-Roomrec-Signature: t=<unix>,v1=<HMAC-SHA256(secret, "<t>.<body>")>
//   X-Roomrec-Idempotency-Key: <event id>   X-Roomrec-Event: <type>
// The caller decides about retries from the answer (storage::webhook_verdict).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace roomrec::storage {

struct WebhookEndpoint {
    std::string name;                // how jobs refer to it
    std::string url;                 // http:// or https://
    std::string secret;              // HMAC key; never logged
    std::vector<std::string> events; // empty: every event
};

struct WebhookAnswer {
    long http_status = 0; // 0: no answer (connection refused, timeout, ...)
    std::string error;    // transport error text, or the start of an error answer
};

class WebhookSender {
public:
    explicit WebhookSender(long timeout_ms = 10000);
    ~WebhookSender();
    WebhookSender(const WebhookSender &) = delete;
    WebhookSender &operator=(const WebhookSender &) = delete;

    WebhookAnswer post(const WebhookEndpoint &endpoint, const std::string &event_id, const std::string &type,
                       const std::string &body, int64_t now_unix);

private:
    void *curl_; // CURL*, reused for keep-alive
    long timeout_ms_;
};

} // namespace roomrec::storage
