// Upload progress as JSON (it comes back from a database row after a restart): round trip,
// strict reading, and the ETag S3 gives the completed object.
#include "storage/core/upload_progress.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static void round_trip(void **) {
    UploadProgress progress;
    progress.upload_id = "2~abc-DEF_123.xyz";
    progress.file_size = 12582912;
    progress.part_size = 5242880;
    record_part(progress, {2, "\"92eb5ffee6ae2fec3ad71c777531578f\"", 5242880});
    record_part(progress, {1, "\"0cc175b9c0f1b6a831c399e269772661\"", 5242880});
    const std::string text = upload_progress_to_json(progress);
    assert_string_equal(text.c_str(),
                        "{\"upload_id\":\"2~abc-DEF_123.xyz\",\"file_size\":12582912,\"part_size\":5242880,\"parts\":["
                        "{\"number\":1,\"etag\":\"\\\"0cc175b9c0f1b6a831c399e269772661\\\"\",\"size\":5242880},"
                        "{\"number\":2,\"etag\":\"\\\"92eb5ffee6ae2fec3ad71c777531578f\\\"\",\"size\":5242880}]}");
    std::string error;
    const auto back = upload_progress_from_json(text, error);
    assert_true(back.has_value());
    assert_string_equal(back->upload_id.c_str(), progress.upload_id.c_str());
    assert_int_equal(back->file_size, progress.file_size);
    assert_int_equal(back->part_size, progress.part_size);
    assert_int_equal(back->parts.size(), 2);
    assert_int_equal(back->parts[1].number, 2);
    assert_string_equal(back->parts[1].etag.c_str(), progress.parts[1].etag.c_str());
    assert_int_equal(back->parts[1].size, 5242880);
    // A fresh upload (nothing started) reads back as such.
    const auto fresh = upload_progress_from_json(upload_progress_to_json({}), error);
    assert_true(fresh.has_value());
    assert_true(fresh->upload_id.empty());
    assert_int_equal(fresh->files_done, 0);
}

// A job sending a recording and its tracks says how many files are done; a one-file job's
// progress stays as the CLI writes it (no files_done key).
static void files_done_travels_only_when_set(void **) {
    UploadProgress progress;
    progress.files_done = 3;
    const std::string text = upload_progress_to_json(progress);
    assert_non_null(strstr(text.c_str(), "\"files_done\":3"));
    std::string error;
    const auto back = upload_progress_from_json(text, error);
    assert_true(back.has_value());
    assert_int_equal(back->files_done, 3);
    assert_null(strstr(upload_progress_to_json({}).c_str(), "files_done"));
    assert_false(upload_progress_from_json(
                     "{\"upload_id\":\"\",\"file_size\":0,\"part_size\":0,\"parts\":[],\"files_done\":-1}", error)
                     .has_value());
    assert_non_null(strstr(error.c_str(), "files_done"));
    assert_false(upload_progress_from_json(
                     "{\"upload_id\":\"\",\"file_size\":0,\"part_size\":0,\"parts\":[],\"files_done\":10001}", error)
                     .has_value());
    assert_false(upload_progress_from_json(
                     "{\"upload_id\":\"\",\"file_size\":0,\"part_size\":0,\"parts\":[],\"files_done\":1,\"x\":1}",
                     error)
                     .has_value());
    assert_non_null(strstr(error.c_str(), "unknown key"));
}

static void record_part_replaces_and_orders(void **) {
    UploadProgress progress;
    progress.upload_id = "u";
    record_part(progress, {3, "\"c\"", 1});
    record_part(progress, {1, "\"a\"", 1});
    record_part(progress, {3, "\"c2\"", 2});
    assert_int_equal(progress.parts.size(), 2);
    assert_int_equal(progress.parts[0].number, 1);
    assert_string_equal(progress.parts[1].etag.c_str(), "\"c2\"");
}

static void refuse(const char *text, const char *reason) {
    std::string error;
    if (upload_progress_from_json(text, error).has_value()) fail_msg("accepted: %s", text);
    if (strstr(error.c_str(), reason) == nullptr)
        fail_msg("for %s: error \"%s\" lacks \"%s\"", text, error.c_str(), reason);
}

#define HEAD "{\"upload_id\":\"u\",\"file_size\":10,\"part_size\":5242880,"

static void strict_reading(void **) {
    refuse("", "not JSON");
    refuse("[1]", "must be an object");
    refuse("{\"upload_id\":\"u\",\"file_size\":1,\"part_size\":1}", "\"parts\" is missing");
    refuse(HEAD "\"parts\":[],\"extra\":1}", "unknown key \"extra\"");
    refuse(HEAD "\"parts\":[],\"parts\":[]}", "not JSON"); // duplicate key
    refuse("{\"upload_id\":7,\"file_size\":10,\"part_size\":5242880,\"parts\":[]}", "\"upload_id\" must be a string");
    refuse("{\"upload_id\":\"a\\nb\",\"file_size\":10,\"part_size\":5242880,\"parts\":[]}", "printable ASCII");
    refuse("{\"upload_id\":\"u\",\"file_size\":-1,\"part_size\":5242880,\"parts\":[]}",
           "\"file_size\" must be an integer");
    refuse("{\"upload_id\":\"u\",\"file_size\":1.5,\"part_size\":5242880,\"parts\":[]}",
           "\"file_size\" must be an integer");
    refuse(
        "{\"upload_id\":\"\",\"file_size\":10,\"part_size\":5242880,\"parts\":[{\"number\":1,\"etag\":\"e\",\"size\":1}]}",
        "parts without an upload id");
    refuse(HEAD "\"parts\":{}}", "must be an array");
    refuse(HEAD "\"parts\":[1]}", "parts[0] must be an object");
    refuse(HEAD "\"parts\":[{\"number\":0,\"etag\":\"e\",\"size\":1}]}", "part numbers");
    refuse(HEAD "\"parts\":[{\"number\":10001,\"etag\":\"e\",\"size\":1}]}", "\"number\" must be an integer");
    refuse(HEAD "\"parts\":[{\"number\":2,\"etag\":\"e\",\"size\":1},{\"number\":2,\"etag\":\"e\",\"size\":1}]}",
           "parts[1]: part numbers");
    refuse(HEAD "\"parts\":[{\"number\":3,\"etag\":\"e\",\"size\":1},{\"number\":1,\"etag\":\"e\",\"size\":1}]}",
           "ascending");
    refuse(HEAD "\"parts\":[{\"number\":1,\"etag\":\"\",\"size\":1}]}", "empty etag");
    refuse(HEAD "\"parts\":[{\"number\":1,\"etag\":\"e\",\"size\":5368709121}]}", "\"size\" must be an integer");
    refuse(HEAD "\"parts\":[{\"number\":1,\"etag\":\"e\"}]}", "\"size\" is missing");
    refuse(HEAD "\"parts\":[{\"number\":1,\"etag\":\"e\",\"size\":1,\"x\":0}]}", "unknown key");
    std::string huge(5 << 20, ' ');
    refuse(huge.c_str(), "larger than");
}

static void multipart_etag_is_md5_of_part_md5s(void **) {
    const std::vector<UploadedPart> parts = {{1, "\"0cc175b9c0f1b6a831c399e269772661\"", 1},
                                             {2, "92EB5FFEE6AE2FEC3AD71C777531578F", 1}};
    const auto etag = multipart_etag(parts);
    assert_true(etag.has_value());
    assert_string_equal(etag->c_str(), "\"96e024ba2074fe77e8e965ba43a704be-2\"");
    assert_false(multipart_etag({}).has_value());
    assert_false(multipart_etag({{1, "\"not-an-md5\"", 1}}).has_value());
    assert_false(multipart_etag({{1, "\"0cc175b9c0f1b6a831c399e26977266z\"", 1}}).has_value());
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(files_done_travels_only_when_set),
        cmocka_unit_test(record_part_replaces_and_orders),
        cmocka_unit_test(strict_reading),
        cmocka_unit_test(multipart_etag_is_md5_of_part_md5s),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
