#include "storage/core/s3_verdict.hpp"

#include <array>

namespace roomrec::storage {

const char *s3_verdict_name(S3Verdict verdict) {
    switch (verdict) {
    case S3Verdict::Ok: return "ok";
    case S3Verdict::Retryable: return "retryable";
    case S3Verdict::Permanent: return "permanent";
    case S3Verdict::UploadGone: return "upload gone";
    }
    return "?";
}

S3Verdict classify_s3_answer(long http_status, std::string_view error_code, bool names_upload) {
    static constexpr std::array<std::string_view, 8> retryable_codes = {"RequestTimeout",   "SlowDown",
                                                                        "InternalError",    "ServiceUnavailable",
                                                                        "OperationAborted", "XAmzContentSHA256Mismatch",
                                                                        "BadDigest",        "RequestTimeTooSkewed"};
    if (error_code == "NoSuchUpload" || (names_upload && http_status == 404 && error_code == "NoSuchKey"))
        return S3Verdict::UploadGone;
    for (const std::string_view code : retryable_codes)
        if (error_code == code) return S3Verdict::Retryable;
    if (http_status >= 200 && http_status < 300) return error_code.empty() ? S3Verdict::Ok : S3Verdict::Permanent;
    if (http_status == 501) return S3Verdict::Permanent; // NotImplemented: will not change
    if (http_status >= 500 && http_status < 600) return S3Verdict::Retryable;
    if (http_status == 408 || http_status == 429) return S3Verdict::Retryable;
    return S3Verdict::Permanent;
}

} // namespace roomrec::storage
