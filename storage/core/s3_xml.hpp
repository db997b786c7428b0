// The few S3 XML documents the upload needs (S2): the upload id of a new multipart upload,
// a page of uploaded parts, an error's code and message, and the CompleteMultipartUpload body.
// A small strict parser: no DTDs or entity definitions (nothing to expand), bounded depth and
// size; a malformed or hostile answer is a clear error, never a crash. Pure.
#pragma once

#include "storage/core/upload_progress.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roomrec::storage {

// &, <, >, " and ' as entities.
std::string xml_escape(std::string_view text);
// The five predefined entities and &#N; / &#xN; (as UTF-8); nothing for anything else.
std::optional<std::string> xml_unescape(std::string_view text, std::string &error);

// InitiateMultipartUploadResult → UploadId.
std::optional<std::string> parse_initiate_multipart(std::string_view xml, std::string &error);

struct PartsPage {
    std::vector<UploadedPart> parts;
    bool truncated = false;
    int next_marker = 0; // NextPartNumberMarker: ask again from there when truncated
};
// ListPartsResult → its parts (ascending), IsTruncated and NextPartNumberMarker.
std::optional<PartsPage> parse_list_parts(std::string_view xml, std::string &error);

struct S3ErrorBody {
    std::string code; // "NoSuchUpload", "SignatureDoesNotMatch", ...
    std::string message;
};
// An <Error> document's Code and Message; nothing for anything else (also for a success
// answer, which CompleteMultipartUpload may replace by an error after a 200).
std::optional<S3ErrorBody> parse_error(std::string_view xml);

// <CompleteMultipartUpload> with the parts in ascending order.
std::string complete_multipart_body(const std::vector<UploadedPart> &parts);

} // namespace roomrec::storage
