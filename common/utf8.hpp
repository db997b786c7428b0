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

// The code point of the well-formed sequence of `length` bytes at text[at].
char32_t utf8_code_point(std::string_view text, size_t at, size_t length);

// Characters that change how neighbouring text is shown or show nothing themselves, so a
// name made of them can look like another name or like none: bidi embeddings, overrides,
// isolates and marks (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), zero-width and
// invisible operators (U+200B-U+200D, U+2060-U+2064, U+FEFF), the soft hyphen (U+00AD), the
// Mongolian vowel separator (U+180E), tag characters (U+E0000-U+E007F) and the Hangul fillers
// (U+115F, U+1160, U+3164, U+FFA0). Variation selectors are separate: see below.
bool is_invisible_format(char32_t code_point);

// U+FE00-U+FE0F and U+E0100-U+E01EF: they only modify the character before them (an emoji's
// presentation); alone they show nothing.
bool is_variation_selector(char32_t code_point);

// "" when text holds no invisible-format character and no variation selector that does not
// follow a visible character, else a message naming the first one (as U+XXXX). Well-formed
// UTF-8 is the caller's check; bytes that are not are skipped here.
std::string invisible_text_error(std::string_view text);

// text without the characters invisible_text_error() names (other bytes kept as they are).
std::string without_invisible(std::string_view text);

// text with every byte that starts no well-formed sequence replaced by U+FFFD: for text from
// elsewhere that goes into messages and logs as it is (a parser's error quoting its input).
std::string to_valid_utf8(std::string_view text);

} // namespace roomrec::common
