#include "storage/core/signed_link.hpp"

#include "storage/core/sigv4.hpp"

#include <openssl/crypto.h>

#include <charconv>

namespace roomrec::storage {
namespace {

constexpr std::string_view kPrefix = "/v1/files/";
constexpr size_t kSignatureHexDigits = 64;
constexpr size_t kMaxExpiryDigits = 12; // unix seconds far beyond any sane expiry, no overflow

bool room_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Any byte but control characters, path separators and the quote: a stored recording keeps its
// name ("Rec - 2026-11-02 10-00-00 - Weekly (2).mp4", Unicode included).
bool file_char(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte != 0x7f && c != '/' && c != '\\' && c != '"';
}

// The file name as it appears in the URL path: everything but [A-Za-z0-9._-] percent-encoded.
std::string url_encoded(std::string_view text) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        if (room_char(c) || c == '.') {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 15];
        }
    }
    return out;
}

bool lower_hex(std::string_view text) {
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

std::optional<int64_t> parse_expiry(std::string_view text) {
    if (text.empty() || text.size() > kMaxExpiryDigits) return std::nullopt;
    for (char c : text)
        if (c < '0' || c > '9') return std::nullopt;
    int64_t value = 0;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || value <= 0) return std::nullopt;
    return value;
}

LinkVerdict refuse(LinkCheck check, std::string reason) {
    LinkVerdict verdict;
    verdict.check = check;
    verdict.reason = std::move(reason);
    return verdict;
}

bool names_recordings(LinkKind kind) { return kind == LinkKind::Recordings || kind == LinkKind::S3Recordings; }

} // namespace

const char *link_kind_name(LinkKind kind) {
    switch (kind) {
    case LinkKind::Exports: return "exports";
    case LinkKind::Recordings: return "recordings";
    case LinkKind::S3Recordings: return "s3-recordings";
    case LinkKind::Tracks: return "tracks";
    }
    return "?";
}

const char *link_kind_folder(LinkKind kind) { return kind == LinkKind::Exports ? "Exports" : "Recordings"; }

std::optional<LinkKind> link_kind_from_name(std::string_view name) {
    if (name == "exports") return LinkKind::Exports;
    if (name == "recordings") return LinkKind::Recordings;
    if (name == "s3-recordings") return LinkKind::S3Recordings;
    if (name == "tracks") return LinkKind::Tracks;
    return std::nullopt;
}


const char *link_check_name(LinkCheck check) {
    switch (check) {
    case LinkCheck::Valid: return "valid";
    case LinkCheck::BadPath: return "bad path";
    case LinkCheck::Malformed: return "malformed";
    case LinkCheck::BadSignature: return "bad signature";
    case LinkCheck::Expired: return "expired";
    }
    return "?";
}

std::string link_room_error(std::string_view room) {
    if (room.empty() || room.size() > kMaxLinkRoomBytes) return "the room id must be 1-64 characters";
    for (char c : room)
        if (!room_char(c)) return "the room id may hold only [A-Za-z0-9_-]";
    return "";
}

std::string link_file_error(std::string_view file) {
    if (file.empty() || file.size() > kMaxLinkFileBytes) return "the file name must be 1-200 characters";
    if (file.front() == '.') return "the file name must not start with a dot";
    for (char c : file)
        if (!file_char(c)) return "the file name may not hold control characters, slashes or quotes";
    return "";
}

std::string link_kind_file_error(LinkKind kind, std::string_view file) {
    if (kind != LinkKind::Tracks) return link_file_error(file);
    constexpr std::string_view kFolderEnd = " tracks";
    const size_t slash = file.find('/');
    const std::string_view folder = file.substr(0, slash);
    if (slash == std::string_view::npos || folder.size() <= kFolderEnd.size() ||
        folder.substr(folder.size() - kFolderEnd.size()) != kFolderEnd)
        return "a track is named <recording> tracks/<file>";
    if (std::string why = link_file_error(folder); !why.empty()) return why;
    return link_file_error(file.substr(slash + 1));
}

std::string link_recording_error(std::string_view recording) {
    if (recording.empty() || recording.size() > kMaxLinkRoomBytes) return "the recording id must be 1-64 characters";
    for (char c : recording)
        if (!room_char(c)) return "the recording id may hold only [A-Za-z0-9_-]";
    return "";
}

std::string link_signature(std::string_view secret, const FileLink &link) {
    std::string text = "v1\n";
    text.append(link.room).append("\n").append(link_kind_name(link.kind)).append("\n");
    text.append(link.file).append("\n").append(std::to_string(link.expires));
    // No field holds a newline and expires is digits only: the two forms cannot collide.
    if (!link.recording.empty()) text.append("\n").append(link.recording);
    return hmac_sha256_hex(secret, text);
}

std::string link_path(const FileLink &link) {
    std::string path(kPrefix);
    path.append(link.room).append("/").append(link_kind_name(link.kind)).append("/").append(link.file);
    return path;
}

std::optional<std::string> sign_link(std::string_view secret, const FileLink &link, std::string &error) {
    error = link_room_error(link.room);
    if (error.empty()) error = link_kind_file_error(link.kind, link.file);
    if (error.empty() && (link.expires <= 0 || std::to_string(link.expires).size() > kMaxExpiryDigits))
        error = "the expiry must be a positive unix time";
    if (error.empty() && !link.recording.empty()) {
        error = names_recordings(link.kind) ? link_recording_error(link.recording)
                                            : "only a recordings link names a recording";
    }
    if (error.empty() && link.kind == LinkKind::S3Recordings && link.recording.empty())
        error = "an S3 recording's playback proof names its recording";
    if (error.empty() && secret.empty()) error = "no link secret";
    if (!error.empty()) return std::nullopt;
    std::string url(kPrefix);
    url.append(link.room).append("/").append(link_kind_name(link.kind)).append("/");
    const size_t slash = link.kind == LinkKind::Tracks ? link.file.find('/') : std::string::npos;
    if (slash == std::string::npos) url.append(url_encoded(link.file));
    else
        url.append(url_encoded(link.file.substr(0, slash)))
            .append("/")
            .append(url_encoded(link.file.substr(slash + 1)));
    url += "?expires=" + std::to_string(link.expires);
    if (!link.recording.empty()) url += "&recording=" + link.recording;
    return url + "&sig=" + link_signature(secret, link);
}

LinkVerdict verify_link_fields(std::string_view secret, std::string_view room, std::string_view kind,
                               std::string_view file, std::string_view expires, std::string_view sig, int64_t now_unix,
                               std::string_view recording) {
    if (secret.empty()) return refuse(LinkCheck::Malformed, "no link secret is configured");
    if (std::string why = link_room_error(room); !why.empty()) return refuse(LinkCheck::BadPath, why);
    const auto link_kind = link_kind_from_name(kind);
    if (!link_kind) return refuse(LinkCheck::BadPath, "the kind must be exports, recordings or s3-recordings");
    if (std::string why = link_kind_file_error(*link_kind, file); !why.empty()) return refuse(LinkCheck::BadPath, why);
    if (*link_kind == LinkKind::S3Recordings && recording.empty())
        return refuse(LinkCheck::Malformed, "an S3 recording's playback proof names its recording");
    if (!recording.empty()) {
        if (!names_recordings(*link_kind))
            return refuse(LinkCheck::Malformed, "only a recordings link names a recording");
        if (std::string why = link_recording_error(recording); !why.empty()) return refuse(LinkCheck::Malformed, why);
    }
    const auto expiry = parse_expiry(expires);
    if (!expiry) return refuse(LinkCheck::Malformed, "expires must be a positive unix time");
    if (sig.size() != kSignatureHexDigits || !lower_hex(sig))
        return refuse(LinkCheck::Malformed, "sig must be 64 lowercase hex digits");
    LinkVerdict verdict;
    verdict.link = {std::string(room), *link_kind, std::string(file), *expiry, std::string(recording)};
    const std::string expected = link_signature(secret, verdict.link);
    if (CRYPTO_memcmp(expected.data(), sig.data(), kSignatureHexDigits) != 0) {
        verdict.check = LinkCheck::BadSignature;
        verdict.reason = "the signature does not match";
        verdict.link = {};
        return verdict;
    }
    if (now_unix > *expiry) {
        verdict.check = LinkCheck::Expired;
        verdict.reason = "expired " + std::to_string(now_unix - *expiry) + " s ago";
        return verdict;
    }
    verdict.check = LinkCheck::Valid;
    return verdict;
}

LinkVerdict verify_link(std::string_view secret, std::string_view path, std::string_view expires, std::string_view sig,
                        int64_t now_unix, std::string_view recording) {
    if (path.substr(0, kPrefix.size()) != kPrefix) return refuse(LinkCheck::BadPath, "not a /v1/files/ path");
    const std::string_view rest = path.substr(kPrefix.size());
    const size_t first = rest.find('/');
    const size_t second = first == std::string_view::npos ? first : rest.find('/', first + 1);
    if (second == std::string_view::npos)
        return refuse(LinkCheck::BadPath, "the path must be /v1/files/<room>/<kind>/<file>");
    const std::string_view kind = rest.substr(first + 1, second - first - 1);
    // Only a track's file has a folder (link_kind_file_error checks it has exactly one).
    if (kind != link_kind_name(LinkKind::Tracks) && rest.find('/', second + 1) != std::string_view::npos)
        return refuse(LinkCheck::BadPath, "the path must be /v1/files/<room>/<kind>/<file>");
    // A playback proof names no file of this server.
    if (kind == link_kind_name(LinkKind::S3Recordings)) return refuse(LinkCheck::BadPath, "no file has that kind");
    return verify_link_fields(secret, rest.substr(0, first), kind, rest.substr(second + 1), expires, sig, now_unix,
                              recording);
}

} // namespace roomrec::storage
