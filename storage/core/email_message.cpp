#include "storage/core/email_message.hpp"

#include "common/utf8.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace roomrec::storage {
namespace {

constexpr size_t kMaxLocalPartBytes = 64;
constexpr size_t kMaxLabelBytes = 63;
constexpr size_t kBase64LineChars = 76;
constexpr size_t kMaxEncodedWordChars = 75;

bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// RFC 5322 atext.
bool atext(char c) {
    if (alnum(c)) return true;
    for (char allowed : std::string_view("!#$%&'*+-/=?^_`{|}~"))
        if (c == allowed) return true;
    return false;
}

std::string local_part_error(std::string_view local) {
    if (local.empty() || local.size() > kMaxLocalPartBytes) return "the part before @ must be 1-64 characters";
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
        return "the part before @ must not start or end with a dot or hold two dots in a row";
    for (char c : local)
        if (c != '.' && !atext(c)) return "the part before @ holds a character that is not allowed";
    return "";
}

std::string host_error(std::string_view host) {
    if (host.empty() || host.size() > 253) return "the host name after @ must be 1-253 characters";
    size_t start = 0;
    while (start <= host.size()) {
        size_t dot = host.find('.', start);
        if (dot == std::string_view::npos) dot = host.size();
        const std::string_view label = host.substr(start, dot - start);
        if (label.empty() || label.size() > kMaxLabelBytes || label.front() == '-' || label.back() == '-')
            return "the host name after @ is not a valid host name";
        for (char c : label)
            if (!alnum(c) && c != '-') return "the host name after @ may hold only letters, digits, - and .";
        start = dot + 1;
    }
    return "";
}

void append_base64(std::string &out, std::string_view data) {
    static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < data.size(); i += 3) {
        const size_t left = data.size() - i;
        uint32_t bits = uint32_t(uint8_t(data[i])) << 16;
        if (left > 1) bits |= uint32_t(uint8_t(data[i + 1])) << 8;
        if (left > 2) bits |= uint32_t(uint8_t(data[i + 2]));
        out += kAlphabet[(bits >> 18) & 63];
        out += kAlphabet[(bits >> 12) & 63];
        out += left > 1 ? kAlphabet[(bits >> 6) & 63] : '=';
        out += left > 2 ? kAlphabet[bits & 63] : '=';
    }
}

std::string base64_lines(std::string_view data) {
    std::string encoded;
    append_base64(encoded, data);
    std::string lines;
    for (size_t i = 0; i < encoded.size(); i += kBase64LineChars)
        lines.append(encoded, i, kBase64LineChars).append("\r\n");
    return lines;
}

bool has_control(std::string_view text, bool allow_newline) {
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && !(allow_newline && (c == '\n' || c == '\t'))) || byte == 0x7f) return true;
    }
    return false;
}

std::string text_part_error(std::string_view what, std::string_view text, size_t max_bytes, bool multiline) {
    if (text.size() > max_bytes) return std::string(what) + " is longer than " + std::to_string(max_bytes) + " bytes";
    if (!common::valid_utf8(text)) return std::string(what) + " is not valid UTF-8";
    if (has_control(text, multiline)) return std::string(what) + " holds control characters";
    return "";
}

} // namespace

std::string email_address_error(std::string_view address) {
    if (address.empty()) return "the email address is empty";
    if (address.size() > kMaxEmailAddressBytes) return "the email address is longer than 254 characters";
    for (char c : address) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x21 || byte > 0x7e)
            return "the email address holds a space, a control character or a non-ASCII character";
        if (c == ',' || c == ';') return "only one email address is accepted (no , or ; lists)";
        if (c == '<' || c == '>' || c == '"' || c == '(' || c == ')' || c == '\\' || c == '[' || c == ']' || c == ':')
            return "the email address must be a bare address (no display name, comment or route)";
    }
    const size_t at = address.rfind('@');
    if (at == std::string_view::npos || address.find('@') != at) return "the email address must hold exactly one @";
    if (std::string why = local_part_error(address.substr(0, at)); !why.empty()) return "the email address: " + why;
    if (std::string why = host_error(address.substr(at + 1)); !why.empty()) return "the email address: " + why;
    return "";
}

std::string email_date(int64_t unix_seconds) {
    static const char *const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const time_t when = static_cast<time_t>(unix_seconds);
    struct tm parts {};
    gmtime_r(&when, &parts);
    char text[64];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[parts.tm_wday], parts.tm_mday,
                  kMonths[parts.tm_mon], parts.tm_year + 1900, parts.tm_hour, parts.tm_min, parts.tm_sec);
    return text;
}

std::string encode_header_text(std::string_view utf8) {
    bool plain = true;
    for (char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte > 0x7e) plain = false;
    }
    // "=?" could start something a reader decodes: encode such text too.
    if (plain && utf8.find("=?") == std::string_view::npos) return std::string(utf8);
    // "=?UTF-8?B?" + base64 + "?=" within 75 characters: 45 bytes of text per word at most.
    constexpr size_t kPrefixSuffix = 12;
    constexpr size_t kMaxChunkBytes = (kMaxEncodedWordChars - kPrefixSuffix) / 4 * 3;
    std::string header;
    size_t at = 0;
    while (at < utf8.size()) {
        size_t end = at;
        while (end < utf8.size()) {
            const size_t length = std::max<size_t>(1, common::utf8_sequence_length(utf8, end));
            if (end + length - at > kMaxChunkBytes) break;
            end += length;
        }
        if (end == at) end = at + 1; // not reached for valid UTF-8
        if (!header.empty()) header += "\r\n ";
        header += "=?UTF-8?B?";
        append_base64(header, utf8.substr(at, end - at));
        header += "?=";
        at = end;
    }
    return header;
}

std::optional<std::string> build_email(const EmailContent &content, int64_t unix_seconds, std::string_view unique,
                                       std::string &error) {
    error = email_address_error(content.from);
    if (!error.empty()) error = "from: " + error;
    if (error.empty()) {
        error = email_address_error(content.to);
        if (!error.empty()) error = "to: " + error;
    }
    if (error.empty()) error = text_part_error("the subject", content.subject, kMaxEmailSubjectBytes, false);
    if (error.empty()) error = text_part_error("the body", content.body, kMaxEmailBodyBytes, true);
    if (error.empty() && (unique.empty() || unique.size() > 64)) error = "the message id must be 1-64 characters";
    if (error.empty())
        for (char c : unique)
            if (!alnum(c)) error = "the message id may hold only letters and digits";
    if (!error.empty()) return std::nullopt;
    // Lines end CRLF in the body, as SMTP wants (the base64 is of the CRLF text).
    std::string body;
    for (char c : content.body) {
        if (c == '\n') body += '\r';
        body += c;
    }
    const std::string host = content.from.substr(content.from.rfind('@') + 1);
    std::string message;
    message += "From: " + content.from + "\r\n";
    message += "To: " + content.to + "\r\n";
    message += "Subject: " + encode_header_text(content.subject) + "\r\n";
    message += "Date: " + email_date(unix_seconds) + "\r\n";
    message += "Message-ID: <" + std::string(unique) + "@" + host + ">\r\n";
    message += "MIME-Version: 1.0\r\n";
    message += "Content-Type: text/plain; charset=utf-8\r\n";
    message += "Content-Transfer-Encoding: base64\r\n";
    message += "\r\n";
    message += base64_lines(body);
    return message;
}

} // namespace roomrec::storage
