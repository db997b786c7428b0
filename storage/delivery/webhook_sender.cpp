#include "storage/delivery/webhook_sender.hpp"

#include "storage/core/webhook_signature.hpp"

#include <algorithm>

namespace roomrec::storage {
namespace {

constexpr size_t kKeptAnswer = 200; // enough of an error answer to say what went wrong

size_t keep_start(char *data, size_t size, size_t count, void *answer) {
    auto &text = *static_cast<std::string *>(answer);
    if (text.size() < kKeptAnswer) text.append(data, std::min(size * count, kKeptAnswer - text.size()));
    return size * count;
}

} // namespace

WebhookSender::WebhookSender(long timeout_ms) : curl_(curl_easy_init()), timeout_ms_(timeout_ms) {}

WebhookSender::~WebhookSender() = default;

WebhookAnswer WebhookSender::post(const WebhookEndpoint &endpoint, const std::string &event_id, const std::string &type,
                                  const std::string &body, int64_t now_unix) {
    WebhookAnswer answer;
    CURL *curl = curl_.get();
    if (curl == nullptr) {
        answer.error = "libcurl is not available";
        return answer;
    }
    curl_easy_reset(curl);
    common::CurlSlist headers;
    for (const std::string &header :
         {std::string("Content-Type: application/json"), "X-Roomrec-Event: " + type,
          "X-Roomrec-Idempotency-Key: " + event_id,
          "X-Roomrec-Signature: " + webhook_signature(endpoint.secret, now_unix, body), std::string("Expect:")})
        if (!common::curl_slist_add(headers, header.c_str())) {
            answer.error = "out of memory for the request headers";
            return answer;
        }
    std::string response;
    char transport_error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, endpoint.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https"); // a configured URL never reads files
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms_);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms_, 5000L));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_start);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, transport_error);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "roomrec-webhook/1");
    const CURLcode result = curl_easy_perform(curl);
    if (result != CURLE_OK) {
        answer.error = transport_error[0] ? transport_error : curl_easy_strerror(result);
        return answer;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.http_status);
    if (answer.http_status >= 300) answer.error = "HTTP " + std::to_string(answer.http_status) + ": " + response;
    return answer;
}

} // namespace roomrec::storage
