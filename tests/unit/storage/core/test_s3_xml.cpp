// The S3 XML answers the upload reads and the body it sends; malformed and hostile documents
// fail with a reason (ASan/UBSan build: and without touching memory they should not).
#include "storage/core/s3_xml.hpp"

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::storage;

static void escaping(void **) {
    assert_string_equal(xml_escape("\"a\" & <b> 'c'").c_str(), "&quot;a&quot; &amp; &lt;b&gt; &apos;c&apos;");
    std::string error;
    auto text = xml_unescape("&quot;x&quot;&amp;&lt;&gt;&apos;&#65;&#x42;&#xe9;&#x1F600;", error);
    assert_true(text.has_value());
    assert_string_equal(text->c_str(), "\"x\"&<>'AB\xc3\xa9\xf0\x9f\x98\x80");
    for (const char *bad : {"&", "a & b", "&nbsp;", "&#0;", "&#xD800;", "&#x110000;", "&#;", "&#x;", "&#12a;",
                            "&#99999999999999;", "&unterminated-and-very-long"}) {
        error.clear();
        if (xml_unescape(bad, error).has_value()) fail_msg("accepted %s", bad);
        assert_false(error.empty());
    }
}

static void initiate(void **) {
    std::string error;
    const auto id = parse_initiate_multipart(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<Bucket>b</Bucket><Key>Rec - 2026-11-24 10-00-00 - Weekly.mp4</Key>"
        "<UploadId>2~Qx8h&amp;Y</UploadId></InitiateMultipartUploadResult>",
        error);
    assert_true(id.has_value());
    assert_string_equal(id->c_str(), "2~Qx8h&Y");
    assert_false(
        parse_initiate_multipart("<InitiateMultipartUploadResult><UploadId/></InitiateMultipartUploadResult>", error)
            .has_value());
    assert_non_null(strstr(error.c_str(), "UploadId"));
    assert_false(parse_initiate_multipart("<Error><Code>AccessDenied</Code></Error>", error).has_value());
    assert_non_null(strstr(error.c_str(), "expected <InitiateMultipartUploadResult>"));
}

static void list_parts(void **) {
    std::string error;
    const auto page = parse_list_parts(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<ListPartsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>b</Bucket><Key>k</Key>"
        "<UploadId>u</UploadId><PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker>"
        "<MaxParts>2</MaxParts><IsTruncated>true</IsTruncated>"
        "<Part><LastModified>2026-11-24T10:00:00.000Z</LastModified><PartNumber>1</PartNumber>"
        "<ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><Size>5242880</Size></Part>"
        "<!-- a comment --><Part><PartNumber>2</PartNumber><ETag>\"92eb5ffee6ae2fec3ad71c777531578f\"</ETag>"
        "<Size>\n 17 \n</Size></Part></ListPartsResult>",
        error);
    assert_true(page.has_value());
    assert_true(page->truncated);
    assert_int_equal(page->next_marker, 2);
    assert_int_equal(page->parts.size(), 2);
    assert_int_equal(page->parts[0].number, 1);
    assert_string_equal(page->parts[0].etag.c_str(), "\"0cc175b9c0f1b6a831c399e269772661\"");
    assert_int_equal(page->parts[0].size, 5242880);
    assert_int_equal(page->parts[1].size, 17);
    const auto last = parse_list_parts("<ListPartsResult><IsTruncated>false</IsTruncated></ListPartsResult>", error);
    assert_true(last.has_value());
    assert_false(last->truncated);
    assert_true(last->parts.empty());
}

static void refuse_parts(const char *xml, const char *reason) {
    std::string error;
    if (parse_list_parts(xml, error).has_value()) fail_msg("accepted: %s", xml);
    if (strstr(error.c_str(), reason) == nullptr)
        fail_msg("for %s: error \"%s\" lacks \"%s\"", xml, error.c_str(), reason);
}

static void list_parts_refusals(void **) {
    refuse_parts("<ListPartsResult><Part><PartNumber>1</PartNumber><Size>1</Size></Part></ListPartsResult>",
                 "no <ETag>");
    refuse_parts(
        "<ListPartsResult><Part><PartNumber>x</PartNumber><ETag>e</ETag><Size>1</Size></Part></ListPartsResult>",
        "<PartNumber> is not a number");
    refuse_parts(
        "<ListPartsResult><Part><PartNumber>-1</PartNumber><ETag>e</ETag><Size>1</Size></Part></ListPartsResult>",
        "<PartNumber> is not a number");
    refuse_parts(
        "<ListPartsResult><Part><PartNumber>0</PartNumber><ETag>e</ETag><Size>1</Size></Part></ListPartsResult>",
        "1..10000");
    refuse_parts(
        "<ListPartsResult><Part><PartNumber>10001</PartNumber><ETag>e</ETag><Size>1</Size></Part></ListPartsResult>",
        "<PartNumber> is not a number");
    refuse_parts("<ListPartsResult><Part><PartNumber>1</PartNumber><ETag>e</ETag><Size>99999999999999999999999</Size>"
                 "</Part></ListPartsResult>",
                 "<Size> is not a number");
    refuse_parts("<ListPartsResult><Part><PartNumber>2</PartNumber><ETag>e</ETag><Size>1</Size></Part>"
                 "<Part><PartNumber>2</PartNumber><ETag>e</ETag><Size>1</Size></Part></ListPartsResult>",
                 "ascending");
    refuse_parts("<ListPartsResult><Part><PartNumber>1</PartNumber><ETag>a&#10;b</ETag><Size>1</Size></Part>"
                 "</ListPartsResult>",
                 "control characters");
    refuse_parts("<ListPartsResult><IsTruncated>yes</IsTruncated></ListPartsResult>", "neither true nor false");
    refuse_parts("<ListPartsResult><IsTruncated>true</IsTruncated></ListPartsResult>", "no <NextPartNumberMarker>");
}

static void errors(void **) {
    const auto error = parse_error("<?xml version=\"1.0\"?><Error><Code>NoSuchUpload</Code>"
                                   "<Message>The upload\nis &lt;gone&gt;</Message><RequestId>r</RequestId></Error>");
    assert_true(error.has_value());
    assert_string_equal(error->code.c_str(), "NoSuchUpload");
    assert_string_equal(error->message.c_str(), "The upload is <gone>");
    const auto bare = parse_error("<Error><Code>AccessDenied</Code></Error>");
    assert_string_equal(bare->code.c_str(), "AccessDenied");
    assert_true(bare->message.empty());
    assert_false(parse_error("").has_value());
    assert_false(parse_error("<html>502 Bad Gateway</html>").has_value());
    assert_false(
        parse_error("<CompleteMultipartUploadResult><ETag>x</ETag></CompleteMultipartUploadResult>").has_value());
    assert_false(parse_error("<Error><Message>no code</Message></Error>").has_value());
    const std::string long_message = "<Error><Code>X</Code><Message>" + std::string(5000, 'm') + "</Message></Error>";
    assert_int_equal(parse_error(long_message)->message.size(), 512);
}

static void refuse_document(const std::string &xml, const char *reason) {
    std::string error;
    if (parse_initiate_multipart(xml, error).has_value()) fail_msg("accepted: %s", xml.substr(0, 200).c_str());
    if (strstr(error.c_str(), reason) == nullptr)
        fail_msg("for %s: error \"%s\" lacks \"%s\"", xml.substr(0, 200).c_str(), error.c_str(), reason);
}

static void malformed_and_hostile_documents(void **) {
    const std::string ok = "<InitiateMultipartUploadResult><UploadId>u</UploadId></InitiateMultipartUploadResult>";
    for (size_t cut = 0; cut < ok.size(); ++cut) { // every truncation fails cleanly
        std::string error;
        assert_false(parse_initiate_multipart(ok.substr(0, cut), error).has_value());
        assert_false(error.empty());
    }
    refuse_document("", "expected '<'");
    refuse_document("just text", "expected '<'");
    refuse_document("<InitiateMultipartUploadResult><UploadId>u</Upload></InitiateMultipartUploadResult>",
                    "</Upload> closes <UploadId>");
    refuse_document(ok + "<more/>", "content after the root element");
    refuse_document("<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]>"
                    "<InitiateMultipartUploadResult><UploadId>&b;</UploadId></InitiateMultipartUploadResult>",
                    "DOCTYPE");
    refuse_document("<InitiateMultipartUploadResult><UploadId>&xxe;</UploadId></InitiateMultipartUploadResult>",
                    "unknown or invalid entity");
    refuse_document("<InitiateMultipartUploadResult a=\"1\" b></InitiateMultipartUploadResult>", "expected '='");
    refuse_document("<InitiateMultipartUploadResult a=\"1></InitiateMultipartUploadResult>", "unterminated attribute");
    refuse_document("<InitiateMultipartUploadResult a=\"1\"b=\"2\"></InitiateMultipartUploadResult>",
                    "expected whitespace");
    refuse_document("<InitiateMultipartUploadResult><!-- open", "unterminated comment");
    refuse_document("<InitiateMultipartUploadResult><![CDATA[ open", "unterminated CDATA");
    refuse_document("<1bad/>", "expected a name");
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += "<a>"; // would overflow a naive recursive parser's stack
    refuse_document(deep, "nested deeper than");
    std::string wide = "<InitiateMultipartUploadResult>";
    for (int i = 0; i < 100001; ++i) wide += "<a/>";
    refuse_document(wide + "</InitiateMultipartUploadResult>", "more than 100000 elements");
    refuse_document(std::string(9 << 20, ' '), "larger than 8 MiB");
    std::string with_nul = ok;
    with_nul.insert(with_nul.find("u</"), std::string("\0", 1));
    refuse_document(with_nul, "control characters");
    // Accepted oddities: attributes in both quotes, CDATA, namespace prefixes, BOM, comments.
    std::string error;
    const auto id = parse_initiate_multipart(
        "\xEF\xBB\xBF<?xml version='1.0'?><!-- c --><s3:InitiateMultipartUploadResult "
        "xmlns:s3='x' a = \"1\"><s3:UploadId><![CDATA[a<b]]>&amp;c</s3:UploadId>"
        "</s3:InitiateMultipartUploadResult >\n",
        error);
    if (!id) fail_msg("refused: %s", error.c_str());
    assert_string_equal(id->c_str(), "a<b&c");
}

static void complete_body(void **) {
    const std::string body = complete_multipart_body({{2, "\"b\"", 1}, {1, "\"a&<\"", 1}});
    assert_string_equal(body.c_str(), "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                                      "<Part><PartNumber>1</PartNumber><ETag>&quot;a&amp;&lt;&quot;</ETag></Part>"
                                      "<Part><PartNumber>2</PartNumber><ETag>&quot;b&quot;</ETag></Part>"
                                      "</CompleteMultipartUpload>");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escaping),      cmocka_unit_test(initiate),
        cmocka_unit_test(list_parts),    cmocka_unit_test(list_parts_refusals),
        cmocka_unit_test(errors),        cmocka_unit_test(malformed_and_hostile_documents),
        cmocka_unit_test(complete_body),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
