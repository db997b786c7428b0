// Checks on what the delivery worker hands to the database (ids, kinds, JSON payloads, error
// texts), so a bad value gets a clear error before any SQL runs, and a server's error text is
// stored safely. Each check returns "" when the value is fine, else a message naming `what`;
// messages never quote the value (it may be huge or hostile). Pure.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

struct json_t;

namespace roomrec::storage {

constexpr size_t kMaxIdBytes = 256;
constexpr size_t kMaxPayloadBytes = 1 << 20;  // a webhook body or an upload's description
constexpr size_t kMaxProgressBytes = 4 << 20; // an upload id and up to 10,000 parts
constexpr size_t kMaxErrorTextBytes = 2000;

// Non-empty, at most max_bytes, valid UTF-8, no control characters.
std::string identifier_error(std::string_view what, std::string_view value, size_t max_bytes = kMaxIdBytes);
// Valid UTF-8 text without NUL bytes (Postgres text cannot hold them), at most max_bytes.
std::string text_error(std::string_view what, std::string_view value, size_t max_bytes);
// A JSON object (no duplicate keys, no \u0000: jsonb refuses it) of at most max_bytes.
std::string json_object_error(std::string_view what, std::string_view text, size_t max_bytes);
std::string one_of_error(std::string_view what, std::string_view value,
                         std::initializer_list<std::string_view> allowed);
// 64 lowercase hex digits.
std::string sha256_hex_error(std::string_view what, std::string_view value);

// 1-64 of [A-Za-z0-9._-]: an id that may name a file, a key or a link's query value.
bool is_plain_id(std::string_view text);
// The string member `name` of a JSON object read from a payload, or "" when absent or not a string.
std::string string_member(const json_t *object, const char *name);

// Text from elsewhere (an HTTP body, a libcurl message) made storable: bytes that are not
// UTF-8 and control characters other than newline and tab become '?', and it is cut to at
// most max_bytes at a character boundary.
std::string storable_text(std::string_view text, size_t max_bytes = kMaxErrorTextBytes);

} // namespace roomrec::storage
