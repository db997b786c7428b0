// Well-formed UTF-8 (RFC 3629): what every layer checks before text reaches Postgres, S3 keys,
// JSON or logs. Overlong forms, surrogates (U+D800..U+DFFF), code points above U+10FFFF and
// sequences cut short are not well-formed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace roomrec::common {

// Length (1-4) of the well-formed sequence that starts at text[at], or 0 if none does there.
// at must be < text.size().
size_t utf8_sequence_length(std::string_view text, size_t at);

bool valid_utf8(std::string_view text);

// text with every byte that starts no well-formed sequence replaced by U+FFFD: for text from
// elsewhere that goes into messages and logs as it is (a parser's error quoting its input).
std::string to_valid_utf8(std::string_view text);

} // namespace roomrec::common
