// What an S3 answer means for the upload (S2): done, worth trying again later, never going
// to work, or the multipart upload is gone (aborted or expired: start it over). Pure.
#pragma once

#include <string_view>

namespace roomrec::storage {

enum class S3Verdict { Ok, Retryable, Permanent, UploadGone };

const char *s3_verdict_name(S3Verdict verdict);

// An HTTP answer: its status and the <Code> of its <Error> body (empty when it has none).
// 2xx without an error code: Ok. NoSuchUpload: UploadGone. 5xx, 408, 429 and the codes S3
// uses for "slow down / try again" (RequestTimeout, SlowDown, InternalError,
// ServiceUnavailable, OperationAborted, XAmzContentSHA256Mismatch and BadDigest since the file
// is read again, RequestTimeTooSkewed since clocks get corrected): Retryable. Everything else
// (501 NotImplemented, 403 AccessDenied / SignatureDoesNotMatch, 404 NoSuchBucket, other 4xx, 3xx redirects to
// another region, no status at all): Permanent. `names_upload`: the request carried an upload
// id (upload part, list parts, complete, abort); radosgw answers 404 NoSuchKey, not
// NoSuchUpload, when that upload was aborted, so that is UploadGone too.
S3Verdict classify_s3_answer(long http_status, std::string_view error_code, bool names_upload = false);

} // namespace roomrec::storage
