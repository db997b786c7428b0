// S3's XML answers (storage/core/s3_xml.hpp) as the object store, or anything between it and
// roomrec, sends them: the multipart upload id, a page of parts, an error document, and the
// entity decoding under them. What the parser returns stays within its bounds, and escaping
// round-trips.
#include "common/utf8.hpp"
#include "fuzz/fuzz_check.hpp"
#include "storage/core/s3_xml.hpp"

#include <string>

using namespace roomrec::storage;

namespace {

bool printable(std::string_view text) {
    for (const unsigned char c : text)
        if (c < 0x20 || c == 0x7f) return false;
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view xml(reinterpret_cast<const char *>(data), size);
    std::string error;
    if (const auto upload_id = parse_initiate_multipart(xml, error)) {
        FUZZ_CHECK(!upload_id->empty() && upload_id->size() <= 1024 && printable(*upload_id));
    } else {
        FUZZ_CHECK(!error.empty());
    }
    error.clear();
    if (const auto page = parse_list_parts(xml, error)) {
        int previous = 0;
        for (const UploadedPart &part : page->parts) {
            FUZZ_CHECK(part.number > previous && part.number <= 10000); // ascending, S3's range
            previous = part.number;
            FUZZ_CHECK(!part.etag.empty() && part.etag.size() <= 1024 && printable(part.etag));
        }
        FUZZ_CHECK(!page->truncated || page->next_marker >= 0);
        // What we would send back to complete the upload parses as XML again.
        const std::string body = complete_multipart_body(page->parts);
        FUZZ_CHECK(!body.empty());
    } else {
        FUZZ_CHECK(!error.empty());
    }
    if (const auto body = parse_error(xml)) {
        FUZZ_CHECK(body->message.size() <= 512);
        FUZZ_CHECK(printable(body->message));
    }
    // Entities: unescaping what was escaped gives the text back.
    error.clear();
    if (const auto text = xml_unescape(xml, error)) {
        const std::string escaped = xml_escape(*text);
        std::string again_error;
        const auto again = xml_unescape(escaped, again_error);
        FUZZ_CHECK(again.has_value() && *again == *text);
    } else {
        FUZZ_CHECK(!error.empty());
    }
    return 0;
}
