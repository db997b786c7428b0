#include "storage/s3/s3_client.hpp"

#include "common/curl_handles.hpp"
#include "common/utf8.hpp"
#include "storage/core/s3_verdict.hpp"
#include "storage/core/s3_xml.hpp"
#include "storage/s3/file_range.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

namespace roomrec::storage {


namespace {

constexpr size_t kMaxAnswer = 8 << 20; // XML answers; the parser refuses more anyway
constexpr size_t kMaxHeaders = 200;
constexpr size_t kMaxKeyBytes = 1024;      // S3's limit
constexpr size_t kMaxMetadataBytes = 2048; // S3's limit for all x-amz-meta-* together
const std::string kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

bool printable_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// Well-formed UTF-8 without control characters (keys end up in URLs, logs and listings).
bool clean_utf8(std::string_view text) {
    return std::none_of(text.begin(), text.end(), [](char c) { return (c >= 0 && c < 0x20) || c == 0x7f; }) &&
           common::valid_utf8(text);
}

bool token(std::string_view text, std::string_view extra) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string_view::npos;
    });
}

std::string check_metadata(const Metadata &meta) {
    if (!meta.content_type.empty() && (!printable_ascii(meta.content_type) || meta.content_type.size() > 256))
        return "Content-Type must be printable ASCII of at most 256 characters";
    size_t total = 0;
    for (const auto &[name, value] : meta.user) {
        if (!token(name, "-_") || name != lower(name))
            return "metadata name \"" + name.substr(0, 64) + "\" must be lower-case letters, digits, '-' or '_'";
        if (!printable_ascii(value)) return "metadata \"" + name + "\" must be printable ASCII";
        total += name.size() + value.size();
    }
    if (total > kMaxMetadataBytes) return "metadata larger than S3's 2 KB";
    return "";
}

void add_metadata(Pairs &headers, const Metadata &meta) {
    if (!meta.content_type.empty()) headers.emplace_back("content-type", meta.content_type);
    for (const auto &[name, value] : meta.user) headers.emplace_back("x-amz-meta-" + name, value);
}

// "http://host:port" → scheme and authority; empty scheme on error.
std::string parse_endpoint(const std::string &endpoint, std::string &scheme, std::string &authority) {
    const size_t colon = endpoint.find("://");
    if (colon == std::string::npos) return "endpoint must look like http://host:port";
    scheme = lower(endpoint.substr(0, colon));
    if (scheme != "http" && scheme != "https") return "endpoint scheme must be http or https";
    std::string rest = endpoint.substr(colon + 3);
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.empty() || !token(rest, ".-:[]_"))
        return "endpoint must be scheme://host[:port] without path, user or query";
    authority = lower(rest);
    return "";
}

// Keeps secrets out of error text even if a server or curl ever echoed one.
std::string scrub(std::string text, const std::string &secret) {
    if (secret.size() >= 4)
        for (size_t at; (at = text.find(secret)) != std::string::npos;) text.replace(at, secret.size(), "<secret>");
    return text;
}

S3Outcome failure(std::string error, bool retryable = false) {
    S3Outcome outcome;
    outcome.error = std::move(error);
    outcome.retryable = retryable;
    return outcome;
}

// Transport errors that a retry will not fix (the rest, such as refused or reset connections and
// timeouts, are retryable).
constexpr CURLcode permanent_transport_errors[] = {
    CURLE_UNSUPPORTED_PROTOCOL,  CURLE_URL_MALFORMAT,      CURLE_NOT_BUILT_IN,
    CURLE_BAD_FUNCTION_ARGUMENT, CURLE_FUNCTION_NOT_FOUND, CURLE_PEER_FAILED_VERIFICATION,
    CURLE_SSL_CACERT_BADFILE,    CURLE_SSL_CERTPROBLEM,    CURLE_OUT_OF_MEMORY};

} // namespace

struct S3Client::Request {
    std::string action; // for messages: "upload part 3 of \"key\""
    std::string method = "GET";
    std::string key; // full key (prefix included)
    Pairs query;
    Pairs headers; // signed, sent as they are
    std::string payload_sha256 = kEmptySha256;
    const std::string *memory_body = nullptr;
    int fd = -1; // or a file range
    uint64_t offset = 0, length = 0;
};

struct S3Client::Answer {
    long status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers; // names lower case
    bool too_large = false;

    const std::string *header(std::string_view name) const {
        for (const auto &[n, v] : headers)
            if (n == name) return &v;
        return nullptr;
    }
};

namespace {

size_t write_answer(char *data, size_t size, size_t count, void *opaque) {
    auto *answer = static_cast<S3Client::Answer *>(opaque);
    if (answer->body.size() + size * count > kMaxAnswer) {
        answer->too_large = true;
        return 0;
    }
    answer->body.append(data, size * count);
    return size * count;
}

size_t header_line(char *data, size_t size, size_t count, void *opaque) {
    auto *answer = static_cast<S3Client::Answer *>(opaque);
    std::string_view line(data, size * count);
    if (line.substr(0, 5) == "HTTP/") { // a new response (after 100 Continue): its headers only
        answer->headers.clear();
        return size * count;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || answer->headers.size() >= kMaxHeaders) return size * count;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
        value.remove_suffix(1);
    answer->headers.emplace_back(lower(std::string(line.substr(0, colon))), std::string(value));
    return size * count;
}

int progress_check(void *opaque, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto *cancel = static_cast<const std::atomic<bool> *>(opaque);
    return cancel != nullptr && cancel->load() ? 1 : 0;
}

} // namespace

S3Client::S3Client(S3Settings settings) : settings_(std::move(settings)), curl_(curl_easy_init()) {
    settings_error_ = parse_endpoint(settings_.endpoint, scheme_, authority_);
    if (!settings_error_.empty()) return;
    if (!token(settings_.bucket, ".-_") || settings_.bucket.size() > 255)
        settings_error_ = "bucket name must be 1-255 letters, digits, '.', '-' or '_'";
    else if (!token(settings_.region, "-_")) settings_error_ = "region must be letters, digits, '-' or '_'";
    else if (!token(settings_.access_key, "-_+=.") || settings_.access_key.size() > 128)
        settings_error_ = "access key missing or not a plain token";
    else if (settings_.secret_key.empty()) settings_error_ = "secret key missing";
    else if (!clean_utf8(settings_.key_prefix)) settings_error_ = "key prefix must be UTF-8 without control characters";
    else if (settings_.part_size < kMinPartSize || settings_.part_size > kMaxPartSize)
        settings_error_ = "part size must be within 5 MiB..5 GiB";
    else if (settings_.connect_timeout_ms <= 0 || settings_.low_speed_seconds <= 0)
        settings_error_ = "timeouts must be positive";
    else if (!curl_) settings_error_ = "curl_easy_init failed";
}

S3Client::~S3Client() = default;

S3Outcome S3Client::check_key(const std::string &key, std::string &full_key) const {
    if (!settings_error_.empty()) return failure("S3 settings: " + settings_error_);
    full_key = settings_.key_prefix + key;
    if (key.empty() || full_key.size() > kMaxKeyBytes || !clean_utf8(full_key))
        return failure("object key must be 1-1024 bytes of UTF-8 without control characters");
    S3Outcome ok;
    ok.ok = true;
    return ok;
}

S3Outcome S3Client::perform(const Request &request, Answer &answer) {
    CURL *curl = curl_.get();
    curl_easy_reset(curl); // options only: the connection stays open for the next request
    const std::string path = "/" + settings_.bucket + "/" + request.key;
    std::string url = scheme_ + "://" + authority_ + uri_encode(path, true);
    if (!request.query.empty()) url += "?" + canonical_query(request.query);

    RequestToSign to_sign;
    to_sign.method = request.method;
    to_sign.host = authority_;
    to_sign.path = path;
    to_sign.query = request.query;
    to_sign.headers = request.headers;
    to_sign.headers.emplace_back("x-amz-content-sha256", request.payload_sha256);
    to_sign.payload_sha256 = request.payload_sha256;
    const AwsCredentials credentials{settings_.access_key, settings_.secret_key, settings_.region, "s3"};
    const SignedRequest signed_request = sign_request(to_sign, credentials, std::time(nullptr));

    common::CurlSlist headers;
    auto add = [&](const std::string &line) { return common::curl_slist_add(headers, line.c_str()); };
    bool added = add("Host: " + authority_) && add("X-Amz-Date: " + signed_request.amz_date) &&
                 add("Authorization: " + signed_request.authorization);
    for (const auto &[name, value] : to_sign.headers) added = added && add(name + ": " + value);
    // No "Expect: 100-continue" round trip for bodies we already hashed: S3 checks the whole
    // body anyway, and the wait would cost a round trip per part.
    added = added && add("Expect:");
    if (!added) return failure(request.action + ": out of memory", true);

    BodySource body;
    body.memory = request.memory_body;
    body.fd = request.fd;
    body.offset = request.offset;
    body.length = request.memory_body ? request.memory_body->size() : request.length;
    char error_buffer[CURL_ERROR_SIZE] = "";

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L); // keys may hold "./" or "../": send them as signed
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, settings_.connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, settings_.low_speed_seconds);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    if (settings_.max_send_bytes_per_second > 0)
        curl_easy_setopt(curl, CURLOPT_MAX_SEND_SPEED_LARGE,
                         static_cast<curl_off_t>(settings_.max_send_bytes_per_second));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_answer);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, header_line);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &answer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress_check);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, cancel_);
    if (request.method == "PUT") {
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, 1L << 20); // fewer, larger writes than 64 KiB
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body.length));
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
        curl_easy_setopt(curl, CURLOPT_READDATA, &body);
    } else if (request.method == "POST") {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.length));
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
        curl_easy_setopt(curl, CURLOPT_READDATA, &body);
    } else if (request.method == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (request.method != "GET") {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    const CURLcode code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr); // error_buffer goes out of scope

    S3Outcome outcome;
    outcome.http_status = answer.status;
    if (code != CURLE_OK) {
        if (code == CURLE_ABORTED_BY_CALLBACK && cancelled()) {
            outcome.cancelled = outcome.retryable = true;
            outcome.error = request.action + ": cancelled";
        } else if (!body.error.empty()) {
            outcome.error = request.action + ": " + body.error;
        } else if (answer.too_large) {
            outcome.error = request.action + ": answer larger than 8 MiB";
        } else {
            outcome.retryable = std::find(std::begin(permanent_transport_errors), std::end(permanent_transport_errors),
                                          code) == std::end(permanent_transport_errors);
            outcome.error = request.action + ": " + curl_easy_strerror(code) +
                            (error_buffer[0] ? std::string(" (") + error_buffer + ")" : "");
        }
        outcome.error = scrub(outcome.error, settings_.secret_key);
        return outcome;
    }
    const auto s3_error = parse_error(answer.body);
    const bool names_upload = std::any_of(request.query.begin(), request.query.end(),
                                          [](const auto &pair) { return pair.first == "uploadId"; });
    const S3Verdict verdict = classify_s3_answer(answer.status, s3_error ? s3_error->code : "", names_upload);
    outcome.ok = verdict == S3Verdict::Ok;
    outcome.retryable = verdict == S3Verdict::Retryable;
    outcome.upload_gone = verdict == S3Verdict::UploadGone;
    if (!outcome.ok) {
        outcome.error = request.action + ": HTTP " + std::to_string(answer.status);
        if (s3_error)
            outcome.error += " " + s3_error->code + (s3_error->message.empty() ? "" : ": " + s3_error->message);
        outcome.error = scrub(outcome.error, settings_.secret_key);
    }
    return outcome;
}

S3Outcome S3Client::put_file(const std::string &key, const std::string &path, const Metadata &meta) {
    Request request;
    if (S3Outcome checked = check_key(key, request.key); !checked.ok) return checked;
    if (const std::string bad = check_metadata(meta); !bad.empty()) return failure(bad);
    OpenFile file(path);
    if (!file.ok()) return failure(file.error());
    if (file.size() > kMaxPartSize) return failure(path + " is larger than 5 GiB: too large for a single PUT");
    RangeDigests digests;
    std::string error;
    if (!digest_range(file.fd(), 0, file.size(), digests, error)) return failure(path + ": " + error);
    request.action = "PUT \"" + key + "\"";
    request.method = "PUT";
    request.headers.emplace_back("content-md5", digests.md5_base64);
    add_metadata(request.headers, meta);
    request.payload_sha256 = digests.sha256_hex;
    request.fd = file.fd();
    request.length = file.size();
    Answer answer;
    return perform(request, answer);
}

S3Outcome S3Client::create_multipart(const std::string &key, const Metadata &meta, std::string &upload_id) {
    Request request;
    if (S3Outcome checked = check_key(key, request.key); !checked.ok) return checked;
    if (const std::string bad = check_metadata(meta); !bad.empty()) return failure(bad);
    request.action = "start multipart upload of \"" + key + "\"";
    request.method = "POST";
    request.query = {{"uploads", ""}};
    add_metadata(request.headers, meta);
    const std::string empty;
    request.memory_body = &empty;
    Answer answer;
    S3Outcome outcome = perform(request, answer);
    if (!outcome.ok) return outcome;
    std::string error;
    const auto id = parse_initiate_multipart(answer.body, error);
    if (!id) return failure(request.action + ": " + error);
    upload_id = *id;
    return outcome;
}

S3Outcome S3Client::upload_part(const std::string &key, const std::string &upload_id, const PlannedPart &part,
                                const std::string &path, std::string &etag) {
    Request request;
    if (S3Outcome checked = check_key(key, request.key); !checked.ok) return checked;
    if (upload_id.empty()) return failure("upload part: no upload id");
    if (part.number < 1 || part.number > kMaxParts || part.length > kMaxPartSize)
        return failure("upload part: part number must be 1..10000 and its length at most 5 GiB");
    OpenFile file(path);
    if (!file.ok()) return failure(file.error());
    if (part.offset > file.size() || part.length > file.size() - part.offset)
        return failure(path + " is shorter than part " + std::to_string(part.number) + " needs (was it truncated?)");
    RangeDigests digests;
    std::string error;
    if (!digest_range(file.fd(), part.offset, part.length, digests, error)) return failure(path + ": " + error);
    request.action = "upload part " + std::to_string(part.number) + " of \"" + key + "\"";
    request.method = "PUT";
    request.query = {{"partNumber", std::to_string(part.number)}, {"uploadId", upload_id}};
    request.headers.emplace_back("content-md5", digests.md5_base64);
    request.payload_sha256 = digests.sha256_hex;
    request.fd = file.fd();
    request.offset = part.offset;
    request.length = part.length;
    Answer answer;
    S3Outcome outcome = perform(request, answer);
    if (!outcome.ok) return outcome;
    const std::string *returned = answer.header("etag");
    if (returned == nullptr || returned->empty() || returned->size() > 256 || !printable_ascii(*returned))
        return failure(request.action + ": the answer has no usable ETag");
    etag = *returned;
    return outcome;
}

S3Outcome S3Client::list_parts(const std::string &key, const std::string &upload_id, std::vector<UploadedPart> &parts) {
    Request request;
    if (S3Outcome checked = check_key(key, request.key); !checked.ok) return checked;
    if (upload_id.empty()) return failure("list parts: no upload id");
    request.action = "list parts of \"" + key + "\"";
    parts.clear();
    int marker = 0;
    for (;;) {
        request.query = {{"uploadId", upload_id}, {"max-parts", "1000"}};
        if (marker > 0) request.query.emplace_back("part-number-marker", std::to_string(marker));
        Answer answer;
        S3Outcome outcome = perform(request, answer);
        if (!outcome.ok) return outcome;
        std::string error;
        const auto page = parse_list_parts(answer.body, error);
        if (!page) return failure(request.action + ": " + error);
        for (const UploadedPart &part : page->parts) {
            if (!parts.empty() && part.number <= parts.back().number)
                return failure(request.action + ": pages out of order");
            parts.push_back(part);
        }
        if (!page->truncated) return outcome;
        if (page->next_marker <= marker) return failure(request.action + ": the part marker does not advance");
        marker = page->next_marker;
    }
}

S3Outcome S3Client::complete_multipart(const std::string &key, const std::string &upload_id,
                                       const std::vector<UploadedPart> &parts) {
    Request request;
    if (S3Outcome checked = check_key(key, request.key); !checked.ok) return checked;
    if (upload_id.empty() || parts.empty()) return failure("complete multipart upload: no upload id or no parts");
    const std::string body = complete_multipart_body(parts);
    request.action = "complete multipart upload of \"" + key + "\"";
    request.method = "POST";
    request.query = {{"uploadId", upload_id}};
    request.headers.emplace_back("content-type", "application/xml");
    request.payload_sha256 = sha256_hex(body);
    request.memory_body = &body;
    Answer answer;
    return perform(request, answer); // a 200 with an <Error> body is classified as that error
}

S3Outcome S3Client::abort_multipart(const std::string &key, const std::string &upload_id) {
    Request request;
    if (S3Outcome checked = check_key(key, request.key); !checked.ok) return checked;
    if (upload_id.empty()) return failure("abort multipart upload: no upload id");
    request.action = "abort multipart upload of \"" + key + "\"";
    request.method = "DELETE";
    request.query = {{"uploadId", upload_id}};
    Answer answer;
    return perform(request, answer);
}

S3Outcome S3Client::delete_object(const std::string &key) {
    Request request;
    if (S3Outcome checked = check_key(key, request.key); !checked.ok) return checked;
    request.action = "DELETE \"" + key + "\"";
    request.method = "DELETE";
    Answer answer;
    return perform(request, answer);
}

S3Outcome S3Client::head(const std::string &key, uint64_t &size, Metadata &meta, std::string *etag) {
    Request request;
    if (S3Outcome checked = check_key(key, request.key); !checked.ok) return checked;
    request.action = "HEAD \"" + key + "\"";
    request.method = "HEAD";
    Answer answer;
    S3Outcome outcome = perform(request, answer);
    if (!outcome.ok) {
        if (answer.status == 404) outcome.error += " (no such object)";
        return outcome;
    }
    const std::string *length = answer.header("content-length");
    uint64_t parsed = 0;
    if (length == nullptr ||
        std::from_chars(length->data(), length->data() + length->size(), parsed).ptr != length->data() + length->size())
        return failure(request.action + ": the answer has no Content-Length");
    size = parsed;
    meta = Metadata{};
    meta.content_type.clear();
    for (const auto &[name, value] : answer.headers) {
        if (name == "content-type") meta.content_type = value;
        else if (name.rfind("x-amz-meta-", 0) == 0) meta.user.emplace_back(name.substr(11), value);
    }
    if (etag != nullptr) etag->clear();
    if (const std::string *returned = answer.header("etag"); returned != nullptr && etag != nullptr) *etag = *returned;
    return outcome;
}

std::optional<std::string> S3Client::presign_get(const std::string &key, int64_t expires_seconds) const {
    std::string full_key;
    if (!check_key(key, full_key).ok) return std::nullopt;
    RequestToSign request;
    request.method = "GET";
    request.host = authority_;
    request.path = "/" + settings_.bucket + "/" + full_key;
    const AwsCredentials credentials{settings_.access_key, settings_.secret_key, settings_.region, "s3"};
    return presign_url(scheme_, request, credentials, std::time(nullptr), expires_seconds);
}

} // namespace roomrec::storage
