// AWS Signature Version 4 (S2), for S3-compatible object stores: signed request headers
// and presigned GET URLs. Pure: strings in, strings out; the libcurl adapter sends them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace roomrec::storage {

struct AwsCredentials {
    std::string access_key;
    std::string secret_key;
    std::string region = "us-east-1";
    std::string service = "s3";
};

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct RequestToSign {
    std::string method = "GET";
    std::string host;       // as sent in the Host header (with :port when not the default)
    std::string path = "/"; // not yet encoded: "/bucket/Rec - 2026.mp4"
    Pairs query;            // not yet encoded
    Pairs headers;          // more headers to sign (host and x-amz-date are always signed)
    std::string payload_sha256 =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; // or UNSIGNED-PAYLOAD
};

struct SignedRequest {
    std::string amz_date;          // the X-Amz-Date header to send
    std::string authorization;     // the Authorization header to send
    std::string canonical_request; // for diagnostics and tests
    std::string string_to_sign;
};

constexpr int64_t kMaxPresignSeconds = 7 * 24 * 3600; // S3's limit for SigV4 query signing

std::string sha256_hex(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters stay, everything else
// becomes %XX (upper case); '/' stays only when keep_slash (paths).
std::string uri_encode(std::string_view text, bool keep_slash);
// Names and values encoded, sorted by name then value, joined with '&'.
std::string canonical_query(const Pairs &query);
// "YYYYMMDDTHHMMSSZ" for a Unix time.
std::string amz_date(int64_t unix_seconds);

SignedRequest sign_request(const RequestToSign &request, const AwsCredentials &credentials, int64_t unix_seconds);

// A presigned URL (query signing, payload UNSIGNED-PAYLOAD, host the only signed header);
// nothing if expires_seconds is not within 1..kMaxPresignSeconds.
std::optional<std::string> presign_url(const std::string &scheme, const RequestToSign &request,
                                       const AwsCredentials &credentials, int64_t unix_seconds,
                                       int64_t expires_seconds);

} // namespace roomrec::storage
