// The UTF-8 check every layer runs before text reaches Postgres, S3 keys, JSON or logs
// (common/utf8.hpp), against two oracles: a decoder written here from RFC 3629's definition
// (decode the code point, then refuse overlong forms, surrogates and values above U+10FFFF), and
// jansson's own UTF-8 check (json_stringn refuses what is not well-formed).
#include "common/utf8.hpp"
#include "fuzz/fuzz_check.hpp"

#include <jansson.h>

#include <string_view>

using namespace roomrec;

namespace {

// Length of the well-formed sequence at text[at] by decoding it, or 0.
size_t decoded_length(std::string_view text, size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    size_t length;
    uint32_t code;
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) length = 2, code = lead & 0x1F;
    else if ((lead & 0xF0) == 0xE0) length = 3, code = lead & 0x0F;
    else if ((lead & 0xF8) == 0xF0) length = 4, code = lead & 0x07;
    else return 0;
    if (text.size() - at < length) return 0;
    for (size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text[at + i]);
        if ((next & 0xC0) != 0x80) return 0;
        code = (code << 6) | (next & 0x3F);
    }
    constexpr uint32_t kShortest[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kShortest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return length;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    bool valid = true;
    for (size_t at = 0; at < text.size(); ++at) {
        const size_t length = common::utf8_sequence_length(text, at);
        FUZZ_CHECK(length == decoded_length(text, at));
        FUZZ_CHECK(length <= 4 && length <= text.size() - at);
    }
    for (size_t at = 0; at < text.size();) {
        const size_t length = decoded_length(text, at);
        if (length == 0) {
            valid = false;
            break;
        }
        at += length;
    }
    FUZZ_CHECK(common::valid_utf8(text) == valid);
    json_t *string = json_stringn(text.data(), text.size());
    FUZZ_CHECK((string != nullptr) == valid);
    json_decref(string);
    return 0;
}
