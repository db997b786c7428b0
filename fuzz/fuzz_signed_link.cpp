// Signed file links as the link endpoint reads them (storage/core/signed_link.hpp). The input is
// "<path>\n<expires>\n<sig>\n<recording>". It is verified as a request against a fixed secret:
// only the right HMAC passes, and what passes names a checked room and file and is the path it
// came from. Its fields are then signed: signing and verifying must agree (a link signs exactly
// when the verification of its own signature passes, to the same fields), and a signed URL's
// path decodes to the path that verifies.
#include "fuzz/fuzz_check.hpp"
#include "storage/core/signed_link.hpp"

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

using namespace roomrec::storage;

namespace {

constexpr std::string_view kSecret = "fuzz-link-secret-fuzz-link-secret";
constexpr std::string_view kPrefix = "/v1/files/";

std::string_view next_field(std::string_view &rest) {
    const size_t end = rest.find('\n');
    const std::string_view field = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    return field;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// The path of a signed URL as the HTTP server hands it over: percent-decoded, without the query.
std::string decoded_path(const std::string &url) {
    std::string out;
    for (size_t i = 0; i < url.size() && url[i] != '?'; ++i) {
        if (url[i] == '%' && i + 2 < url.size() && hex_value(url[i + 1]) >= 0 && hex_value(url[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(url[i + 1]) * 16 + hex_value(url[i + 2]));
            i += 2;
        } else {
            out += url[i];
        }
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string_view rest(reinterpret_cast<const char *>(data), size);
    const std::string_view path = next_field(rest), expires = next_field(rest), sig = next_field(rest),
                           recording = next_field(rest);
    const int64_t now = 1'800'000'000;

    const LinkVerdict verdict = verify_link(kSecret, path, expires, sig, now, recording);
    if (verdict.check == LinkCheck::Valid || verdict.check == LinkCheck::Expired) {
        FUZZ_CHECK(link_signature(kSecret, verdict.link) == sig);
        FUZZ_CHECK(link_path(verdict.link) == path);
        FUZZ_CHECK(link_room_error(verdict.link.room).empty());
        FUZZ_CHECK(link_kind_file_error(verdict.link.kind, verdict.link.file).empty());
        FUZZ_CHECK(verdict.link.kind != LinkKind::S3Recordings);
    }

    // The same fields as a link of this server: /v1/files/<room>/<kind>/<file...>.
    if (path.substr(0, kPrefix.size()) != kPrefix) return 0;
    const std::string_view fields = path.substr(kPrefix.size());
    const size_t first = fields.find('/');
    const size_t second = first == std::string_view::npos ? first : fields.find('/', first + 1);
    if (second == std::string_view::npos) return 0;
    const std::string_view kind_name = fields.substr(first + 1, second - first - 1);
    const auto kind = link_kind_from_name(kind_name);
    int64_t expiry = 0;
    const auto parsed = std::from_chars(expires.data(), expires.data() + expires.size(), expiry);
    if (!kind || parsed.ec != std::errc()) return 0;
    const FileLink link{std::string(fields.substr(0, first)), *kind, std::string(fields.substr(second + 1)), expiry,
                        std::string(recording)};
    std::string error;
    const auto url = sign_link(kSecret, link, error);
    const LinkVerdict own = verify_link_fields(kSecret, link.room, kind_name, link.file, std::to_string(expiry),
                                               link_signature(kSecret, link), expiry, link.recording);
    FUZZ_CHECK(url.has_value() == (own.check == LinkCheck::Valid));
    FUZZ_CHECK(url.has_value() == error.empty());
    if (!url) return 0;
    FUZZ_CHECK(own.link.room == link.room && own.link.kind == link.kind && own.link.file == link.file &&
               own.link.expires == link.expires && own.link.recording == link.recording);
    FUZZ_CHECK(decoded_path(*url) == link_path(link));
    if (link.kind != LinkKind::S3Recordings) {
        const std::string signature = url->substr(url->rfind("sig=") + 4);
        FUZZ_CHECK(verify_link(kSecret, decoded_path(*url), std::to_string(expiry), signature, expiry, link.recording)
                       .check == LinkCheck::Valid);
    }
    return 0;
}
