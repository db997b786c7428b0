// S3-compatible upload of finished recordings (S2) over libcurl: SigV4-signed requests
// (core/sigv4), single PUT for small files, resumable multipart uploads for the rest, presigned
// GET links. Path-style addressing ("http://host:port/bucket/key").
//
// curl_global_init(CURL_GLOBAL_DEFAULT) is the caller's job, once per process before the first
// S3Client (the plugin does it at init, roomrec-s3 in main). An S3Client owns one curl handle
// (connections are kept alive between requests) and is meant for one thread at a time.
//
// Integrity: every request carries the real SHA-256 of its body (x-amz-content-sha256, signed)
// and Content-MD5; the server refuses a body that does not match. Bodies stream from the file
// (pread at the part's offset): nothing is held in memory but 1 MiB of buffer.
//
// Errors never contain a secret: S3's <Code> and <Message>, curl's error text, local reasons.
#pragma once

#include "common/curl_handles.hpp"
#include "storage/core/sigv4.hpp"
#include "storage/core/upload_plan.hpp"
#include "storage/core/upload_progress.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace roomrec::storage {


struct S3Settings {
    std::string endpoint; // "http://127.0.0.1:7480": scheme and host[:port], no path
    std::string bucket, region = "us-east-1", access_key, secret_key;
    std::string key_prefix; // prepended to every key, may be empty
    uint64_t part_size = 8 << 20;
    long connect_timeout_ms = 5000;
    long low_speed_seconds = 30;            // a transfer slower than 1 byte/s for this long fails (retryable)
    uint64_t max_send_bytes_per_second = 0; // 0: unlimited; a cap keeps the uplink for live media
};

// x-amz-meta-<name>: <value> pairs (names: lower-case letters, digits, '-' and '_'; values
// printable ASCII, as S3 keeps them in HTTP headers) and the object's Content-Type.
struct Metadata {
    std::string content_type = "video/mp4";
    Pairs user;
};

struct S3Outcome {
    bool ok = false;
    bool retryable = false;   // worth trying again later (network, 5xx, throttling, cancelled)
    bool upload_gone = false; // NoSuchUpload: the multipart upload must start over
    bool cancelled = false;   // stopped by the cancel flag (also retryable)
    long http_status = 0;     // 0 when no HTTP answer came
    std::string error;        // never contains a secret
};

class S3Client {
public:
    explicit S3Client(S3Settings settings);
    ~S3Client();
    S3Client(const S3Client &) = delete;
    S3Client &operator=(const S3Client &) = delete;

    const S3Settings &settings() const { return settings_; }
    // Empty when the settings are usable; otherwise every request fails (permanent) with it.
    const std::string &settings_error() const { return settings_error_; }
    // Polled by curl's progress callback during transfers; a set flag aborts the request.
    void set_cancel(const std::atomic<bool> *cancel) { cancel_ = cancel; }

    S3Outcome put_file(const std::string &key, const std::string &path, const Metadata &meta); // single PUT
    S3Outcome create_multipart(const std::string &key, const Metadata &meta, std::string &upload_id);
    S3Outcome upload_part(const std::string &key, const std::string &upload_id, const PlannedPart &part,
                          const std::string &path, std::string &etag);
    S3Outcome list_parts(const std::string &key, const std::string &upload_id, std::vector<UploadedPart> &parts);
    S3Outcome complete_multipart(const std::string &key, const std::string &upload_id,
                                 const std::vector<UploadedPart> &parts);
    S3Outcome abort_multipart(const std::string &key, const std::string &upload_id);
    S3Outcome delete_object(const std::string &key); // ok also when the object is not there
    // The stored object's size, ETag and metadata (x-amz-meta-* and Content-Type).
    S3Outcome head(const std::string &key, uint64_t &size, Metadata &meta, std::string *etag = nullptr);
    // A GET link valid for expires_seconds (1 s .. 7 days); nothing for a bad key or expiry.
    std::optional<std::string> presign_get(const std::string &key, int64_t expires_seconds) const;

    struct Request; // one signed HTTP exchange (s3_client.cpp)
    struct Answer;

private:
    S3Outcome perform(const Request &request, Answer &answer);
    S3Outcome check_key(const std::string &key, std::string &full_key) const;
    bool cancelled() const { return cancel_ != nullptr && cancel_->load(); }

    S3Settings settings_;
    std::string settings_error_;
    std::string scheme_, authority_; // from the endpoint: "http", "127.0.0.1:7480"
    common::CurlEasy curl_;
    const std::atomic<bool> *cancel_ = nullptr;
};

} // namespace roomrec::storage
