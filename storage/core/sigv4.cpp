#include "storage/core/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

namespace roomrec::storage {
namespace {

constexpr const char *kAlgorithm = "AWS4-HMAC-SHA256";

std::string hex(const unsigned char *bytes, size_t length) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * length);
    for (size_t i = 0; i < length; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 15];
    }
    return out;
}

std::string hmac_raw(std::string_view key, std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char *>(data.data()),
         data.size(), digest, &length);
    return std::string(reinterpret_cast<char *>(digest), length);
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// Header values: trimmed, inner runs of spaces folded to one.
std::string trim_value(std::string_view value) {
    std::string out;
    bool space = false;
    for (const char c : value) {
        if (c == ' ' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::string scope(const std::string &date, const AwsCredentials &credentials) {
    return date.substr(0, 8) + "/" + credentials.region + "/" + credentials.service + "/aws4_request";
}

std::string signature(const AwsCredentials &credentials, const std::string &date, const std::string &string_to_sign) {
    std::string key = hmac_raw("AWS4" + credentials.secret_key, date.substr(0, 8));
    key = hmac_raw(key, credentials.region);
    key = hmac_raw(key, credentials.service);
    key = hmac_raw(key, "aws4_request");
    const std::string raw = hmac_raw(key, string_to_sign);
    return hex(reinterpret_cast<const unsigned char *>(raw.data()), raw.size());
}

// Canonical request and signed header list (SigV4 task 1).
std::string canonical(const RequestToSign &request, const Pairs &query, const Pairs &headers,
                      std::string &signed_names) {
    std::map<std::string, std::string> canonical_headers;
    for (const auto &[name, value] : headers) {
        std::string &slot = canonical_headers[lower(name)];
        slot += (slot.empty() ? "" : ",") + trim_value(value);
    }
    std::string header_block;
    signed_names.clear();
    for (const auto &[name, value] : canonical_headers) {
        header_block += name + ":" + value + "\n";
        signed_names += (signed_names.empty() ? "" : ";") + name;
    }
    return request.method + "\n" + uri_encode(request.path.empty() ? "/" : request.path, true) + "\n" +
           canonical_query(query) + "\n" + header_block + "\n" + signed_names + "\n" + request.payload_sha256;
}

} // namespace

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
    return hex(digest, length);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
    const std::string raw = hmac_raw(key, data);
    return hex(reinterpret_cast<const unsigned char *>(raw.data()), raw.size());
}

std::string uri_encode(std::string_view text, bool keep_slash) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            out += c;
        } else {
            out += '%';
            out += digits[byte >> 4];
            out += digits[byte & 15];
        }
    }
    return out;
}

std::string canonical_query(const Pairs &query) {
    std::vector<std::pair<std::string, std::string>> encoded;
    for (const auto &[name, value] : query) encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
    std::sort(encoded.begin(), encoded.end());
    std::string out;
    for (const auto &[name, value] : encoded) out += (out.empty() ? "" : "&") + name + "=" + value;
    return out;
}

std::string amz_date(int64_t unix_seconds) {
    const time_t when = static_cast<time_t>(unix_seconds);
    struct tm utc {};
    gmtime_r(&when, &utc);
    char text[20];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
    return text;
}

SignedRequest sign_request(const RequestToSign &request, const AwsCredentials &credentials, int64_t unix_seconds) {
    SignedRequest signed_request;
    signed_request.amz_date = amz_date(unix_seconds);
    Pairs headers = request.headers;
    headers.emplace_back("host", request.host);
    headers.emplace_back("x-amz-date", signed_request.amz_date);
    std::string signed_names;
    signed_request.canonical_request = canonical(request, request.query, headers, signed_names);
    signed_request.string_to_sign = std::string(kAlgorithm) + "\n" + signed_request.amz_date + "\n" +
                                    scope(signed_request.amz_date, credentials) + "\n" +
                                    sha256_hex(signed_request.canonical_request);
    signed_request.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key + "/" +
                                   scope(signed_request.amz_date, credentials) + ", SignedHeaders=" + signed_names +
                                   ", Signature=" +
                                   signature(credentials, signed_request.amz_date, signed_request.string_to_sign);
    return signed_request;
}

std::optional<std::string> presign_url(const std::string &scheme, const RequestToSign &request,
                                       const AwsCredentials &credentials, int64_t unix_seconds,
                                       int64_t expires_seconds) {
    if (expires_seconds < 1 || expires_seconds > kMaxPresignSeconds) return std::nullopt;
    const std::string date = amz_date(unix_seconds);
    Pairs query = request.query;
    query.emplace_back("X-Amz-Algorithm", kAlgorithm);
    query.emplace_back("X-Amz-Credential", credentials.access_key + "/" + scope(date, credentials));
    query.emplace_back("X-Amz-Date", date);
    query.emplace_back("X-Amz-Expires", std::to_string(expires_seconds));
    query.emplace_back("X-Amz-SignedHeaders", "host");
    RequestToSign unsigned_payload = request;
    unsigned_payload.payload_sha256 = "UNSIGNED-PAYLOAD";
    std::string signed_names;
    const std::string canonical_request = canonical(unsigned_payload, query, {{"host", request.host}}, signed_names);
    const std::string string_to_sign = std::string(kAlgorithm) + "\n" + date + "\n" + scope(date, credentials) + "\n" +
                                       sha256_hex(canonical_request);
    return scheme + "://" + request.host + uri_encode(request.path.empty() ? "/" : request.path, true) + "?" +
           canonical_query(query) + "&X-Amz-Signature=" + signature(credentials, date, string_to_sign);
}

} // namespace roomrec::storage
