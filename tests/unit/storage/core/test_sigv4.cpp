// SigV4 against AWS's published vectors: the Signature Version 4 test suite (service
// "service", 2015-08-30T12:36:00Z) and the S3 documentation examples (2013-05-24).
#include "storage/core/sigv4.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static const int64_t kSuiteTime = 1440938160; // 20150830T123600Z
static const int64_t kS3Time = 1369353600;    // 20130524T000000Z

static AwsCredentials suite_credentials() {
    return {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service"};
}

static AwsCredentials s3_credentials() {
    return {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3"};
}

static std::string suite_authorization(const std::string &signed_headers, const std::string &signature) {
    return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=" +
           signed_headers + ", Signature=" + signature;
}

static RequestToSign suite_request(const char *method, const char *path = "/") {
    RequestToSign request;
    request.method = method;
    request.host = "example.amazonaws.com";
    request.path = path;
    return request;
}

static void get_vanilla(void **) {
    const SignedRequest signed_request = sign_request(suite_request("GET"), suite_credentials(), kSuiteTime);
    assert_string_equal(signed_request.amz_date.c_str(), "20150830T123600Z");
    assert_string_equal(signed_request.canonical_request.c_str(),
                        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_string_equal(signed_request.string_to_sign.c_str(),
                        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
                        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    assert_string_equal(
        signed_request.authorization.c_str(),
        suite_authorization("host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
            .c_str());
}

static void post_vanilla(void **) {
    const SignedRequest signed_request = sign_request(suite_request("POST"), suite_credentials(), kSuiteTime);
    assert_string_equal(
        signed_request.authorization.c_str(),
        suite_authorization("host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
            .c_str());
}

static void query_is_sorted_by_encoded_name(void **) {
    RequestToSign request = suite_request("GET");
    request.query = {{"Param2", "value2"}, {"Param1", "value1"}};
    const SignedRequest signed_request = sign_request(request, suite_credentials(), kSuiteTime);
    assert_non_null(strstr(signed_request.canonical_request.c_str(), "\n/\nParam1=value1&Param2=value2\n"));
    assert_string_equal(
        signed_request.authorization.c_str(),
        suite_authorization("host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
            .c_str());
}

static void unreserved_path_characters_stay(void **) {
    const SignedRequest signed_request = sign_request(
        suite_request("GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
        suite_credentials(), kSuiteTime);
    assert_string_equal(
        signed_request.authorization.c_str(),
        suite_authorization("host;x-amz-date", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f")
            .c_str());
}

static void header_names_lower_cased_values_trimmed(void **) {
    RequestToSign request = suite_request("POST");
    request.headers = {{"My-Header1", "VALUE1"}};
    assert_string_equal(sign_request(request, suite_credentials(), kSuiteTime).authorization.c_str(),
                        suite_authorization("host;my-header1;x-amz-date",
                                            "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d")
                            .c_str());
    RequestToSign trimmed = suite_request("GET");
    trimmed.headers = {{"My-Header1", " value1"}, {"My-Header2", "\"a   b   c\""}};
    const SignedRequest signed_request = sign_request(trimmed, suite_credentials(), kSuiteTime);
    assert_non_null(strstr(signed_request.canonical_request.c_str(), "my-header1:value1\nmy-header2:\"a b c\"\n"));
    assert_string_equal(signed_request.authorization.c_str(),
                        suite_authorization("host;my-header1;my-header2;x-amz-date",
                                            "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736")
                            .c_str());
}

// S3 documentation: GET /test.txt with a Range header and the empty-payload hash.
static void s3_get_object_example(void **) {
    RequestToSign request;
    request.host = "examplebucket.s3.amazonaws.com";
    request.path = "/test.txt";
    request.headers = {{"Range", "bytes=0-9"},
                       {"x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}};
    const SignedRequest signed_request = sign_request(request, s3_credentials(), kS3Time);
    assert_string_equal(signed_request.string_to_sign.c_str(),
                        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
                        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    assert_string_equal(signed_request.authorization.c_str(),
                        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

// S3 documentation: a presigned GET of /test.txt valid for 24 h.
static void s3_presigned_url_example(void **) {
    RequestToSign request;
    request.host = "examplebucket.s3.amazonaws.com";
    request.path = "/test.txt";
    const auto url = presign_url("https", request, s3_credentials(), kS3Time, 86400);
    assert_true(url.has_value());
    assert_string_equal(url->c_str(),
                        "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

static void presign_expiry_is_bounded(void **) {
    RequestToSign request;
    request.host = "h";
    assert_false(presign_url("http", request, s3_credentials(), kS3Time, 0).has_value());
    assert_false(presign_url("http", request, s3_credentials(), kS3Time, kMaxPresignSeconds + 1).has_value());
    assert_true(presign_url("http", request, s3_credentials(), kS3Time, kMaxPresignSeconds).has_value());
}

static void encoding_of_paths_and_queries(void **) {
    assert_string_equal(uri_encode("/room-1/Recordings/Rec - 2026-11-24 06-32-46 - Ünïcode.mp4", true).c_str(),
                        "/room-1/Recordings/Rec%20-%202026-11-24%2006-32-46%20-%20%C3%9Cn%C3%AFcode.mp4");
    assert_string_equal(uri_encode("a/b+c=d&e~f", false).c_str(), "a%2Fb%2Bc%3Dd%26e~f");
    assert_string_equal(canonical_query({{"uploadId", "x y"}, {"partNumber", "2"}, {"b", ""}}).c_str(),
                        "b=&partNumber=2&uploadId=x%20y");
    assert_string_equal(canonical_query({{"uploads", ""}}).c_str(), "uploads=");
}

static void hashes(void **) {
    assert_string_equal(sha256_hex("").c_str(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // RFC 4231 test case 2.
    assert_string_equal(hmac_sha256_hex("Jefe", "what do ya want for nothing?").c_str(),
                        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assert_string_equal(amz_date(0).c_str(), "19700101T000000Z");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(get_vanilla),
        cmocka_unit_test(post_vanilla),
        cmocka_unit_test(query_is_sorted_by_encoded_name),
        cmocka_unit_test(unreserved_path_characters_stay),
        cmocka_unit_test(header_names_lower_cased_values_trimmed),
        cmocka_unit_test(s3_get_object_example),
        cmocka_unit_test(s3_presigned_url_example),
        cmocka_unit_test(presign_expiry_is_bounded),
        cmocka_unit_test(encoding_of_paths_and_queries),
        cmocka_unit_test(hashes),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
