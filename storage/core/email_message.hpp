// One plain-text email (A9: the export link), as an RFC 5322 message ready for SMTP DATA.
// Every header value is built here from checked parts, never copied from input as it came:
// addresses are a single addr-spec (dot-atom local part, ASCII host name; no display name,
// no comments, no quoted strings, no lists, no CR/LF/NUL, at most 254 bytes), the subject is
// UTF-8 without control characters (RFC 2047 encoded-words when not ASCII), and the body is
// base64 of UTF-8 text — so no input can add a header or a recipient. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roomrec::storage {

constexpr size_t kMaxEmailAddressBytes = 254;
constexpr size_t kMaxEmailSubjectBytes = 400;
constexpr size_t kMaxEmailBodyBytes = 64 * 1024;

// "" when `address` is one acceptable addr-spec, else why (the address is not quoted).
std::string email_address_error(std::string_view address);

struct EmailContent {
    std::string from;
    std::string to;
    std::string subject;
    std::string body; // UTF-8 text; "\n" line ends
};

// "Sun, 06 Dec 2026 13:55:00 +0000"
std::string email_date(int64_t unix_seconds);
// The subject as a header value: unchanged when printable ASCII, else UTF-8 "B" encoded-words
// (each at most 75 characters, never splitting a character) folded with CRLF + space.
std::string encode_header_text(std::string_view utf8);

// The whole message with CRLF line ends. `unique` makes the Message-ID
// (<unique@host of from>): 1-64 characters of [A-Za-z0-9]. Nothing (and why) when any part
// is refused.
std::optional<std::string> build_email(const EmailContent &content, int64_t unix_seconds, std::string_view unique,
                                       std::string &error);

} // namespace roomrec::storage
