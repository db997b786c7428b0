// Classifying S3 answers: retry later, give up, or start the multipart upload over.
#include "storage/core/s3_verdict.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static void successes(void **) {
    assert_int_equal(classify_s3_answer(200, ""), S3Verdict::Ok);
    assert_int_equal(classify_s3_answer(204, ""), S3Verdict::Ok);
    // CompleteMultipartUpload may answer 200 with an <Error> body.
    assert_int_equal(classify_s3_answer(200, "InternalError"), S3Verdict::Retryable);
    assert_int_equal(classify_s3_answer(200, "InvalidPart"), S3Verdict::Permanent);
}

static void retryable(void **) {
    for (long status : {500L, 502L, 503L, 504L, 408L, 429L})
        assert_int_equal(classify_s3_answer(status, ""), S3Verdict::Retryable);
    assert_int_equal(classify_s3_answer(400, "RequestTimeout"), S3Verdict::Retryable);
    assert_int_equal(classify_s3_answer(503, "SlowDown"), S3Verdict::Retryable);
    assert_int_equal(classify_s3_answer(400, "XAmzContentSHA256Mismatch"), S3Verdict::Retryable);
    assert_int_equal(classify_s3_answer(400, "BadDigest"), S3Verdict::Retryable);
    assert_int_equal(classify_s3_answer(403, "RequestTimeTooSkewed"), S3Verdict::Retryable);
    assert_int_equal(classify_s3_answer(409, "OperationAborted"), S3Verdict::Retryable);
}

static void permanent(void **) {
    assert_int_equal(classify_s3_answer(403, "SignatureDoesNotMatch"), S3Verdict::Permanent);
    assert_int_equal(classify_s3_answer(403, "AccessDenied"), S3Verdict::Permanent);
    assert_int_equal(classify_s3_answer(403, "InvalidAccessKeyId"), S3Verdict::Permanent);
    assert_int_equal(classify_s3_answer(404, "NoSuchBucket"), S3Verdict::Permanent);
    assert_int_equal(classify_s3_answer(404, ""), S3Verdict::Permanent); // HEAD of a missing key
    assert_int_equal(classify_s3_answer(400, "EntityTooSmall"), S3Verdict::Permanent);
    assert_int_equal(classify_s3_answer(400, ""), S3Verdict::Permanent);
    assert_int_equal(classify_s3_answer(301, "PermanentRedirect"), S3Verdict::Permanent);
    assert_int_equal(classify_s3_answer(501, "NotImplemented"), S3Verdict::Permanent);
    assert_int_equal(classify_s3_answer(0, ""), S3Verdict::Permanent);
}

static void upload_gone(void **) {
    assert_int_equal(classify_s3_answer(404, "NoSuchUpload"), S3Verdict::UploadGone);
    // radosgw's answer to list parts of an aborted upload; without an upload id it is a missing key.
    assert_int_equal(classify_s3_answer(404, "NoSuchKey", true), S3Verdict::UploadGone);
    assert_int_equal(classify_s3_answer(404, "NoSuchKey", false), S3Verdict::Permanent);
    assert_int_equal(classify_s3_answer(404, "NoSuchBucket", true), S3Verdict::Permanent);
    assert_string_equal(s3_verdict_name(S3Verdict::UploadGone), "upload gone");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(successes),
        cmocka_unit_test(retryable),
        cmocka_unit_test(permanent),
        cmocka_unit_test(upload_gone),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
