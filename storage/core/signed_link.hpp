// Expiring download links for stored files (A9): a link names one file of one room and an
// expiry, and carries an HMAC-SHA256 over exactly those, so the holder can fetch that file
// until then and nothing else.
//   /v1/files/<room>/<kind>/<file>?expires=<unix seconds>&sig=<64 lowercase hex>
//   sig = HMAC-SHA256(secret, "v1\n<room>\n<kind>\n<file>\n<expires>")
// A recordings link may also sign the recording id (the id its playback reports carry, so a
// link to one recording cannot report for another):
//   /v1/files/<room>/recordings/<file>?expires=<t>&recording=<id>&sig=<hex>
//   sig = HMAC-SHA256(secret, "v1\n<room>\nrecordings\n<file>\n<expires>\n<recording>")
// A file stored beside a recording (an isolated track, the tracks' manifest) is linked as kind
// "tracks", its file its folder and name: "<composite name without .mp4> tracks/<file>":
//   /v1/files/<room>/tracks/<folder>/<file>?expires=<t>&sig=<hex>
// A recording stored in S3 has no file here to link, but its player still reports playback to
// this server: its reports carry a proof of kind "s3-recordings" (same fields, the recording id
// required), which no /v1/files/ URL accepts, so it can never fetch a local file.
// Room ids ([A-Za-z0-9_-], 1-64, as the plugin's) and file names (1-200 bytes, no leading dot,
// no control character, slash, backslash or quote; percent-encoded in the URL) are checked
// before anything is signed or served, so a file path built from them can never leave
// <root>/<room>/<Exports|Recordings>/. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roomrec::storage {

enum class LinkKind { Exports, Recordings, S3Recordings, Tracks };
// "exports" / "recordings" / "tracks" (as in the URL) / "s3-recordings" (playback proofs only).
const char *link_kind_name(LinkKind kind);
// The folder under <root>/<room>/: "Exports" / "Recordings" (S3 recordings and tracks: "Recordings").
const char *link_kind_folder(LinkKind kind);
std::optional<LinkKind> link_kind_from_name(std::string_view name);

constexpr size_t kMaxLinkRoomBytes = 64;
constexpr size_t kMaxLinkFileBytes = 200;

// "" when valid, else why (the value is not quoted).
std::string link_room_error(std::string_view room);
std::string link_file_error(std::string_view file);
// The file of a link of `kind`: a file name, or for tracks "<folder ending in ' tracks'>/<name>".
std::string link_kind_file_error(LinkKind kind, std::string_view file);

struct FileLink {
    std::string room;
    LinkKind kind = LinkKind::Exports;
    std::string file;
    int64_t expires = 0;   // unix seconds; the link works up to and including this second
    std::string recording; // recordings links only, optional: the signed recording id
};

// "" when valid ([A-Za-z0-9_-], 1-64), else why.
std::string link_recording_error(std::string_view recording);

// The hex HMAC of a link's fields (no checks).
std::string link_signature(std::string_view secret, const FileLink &link);
// "/v1/files/<room>/<kind>/<file>" (no checks, not percent-encoded: as the server decodes it).
std::string link_path(const FileLink &link);
// The path with its query "?expires=...[&recording=...]&sig=...", or nothing (and why) when the room, the file,
// the expiry or the secret is unacceptable.
std::optional<std::string> sign_link(std::string_view secret, const FileLink &link, std::string &error);

// BadPath: the path (room, kind, file) can name no file; Malformed: a bad expires or sig.
enum class LinkCheck { Valid, BadPath, Malformed, BadSignature, Expired };
const char *link_check_name(LinkCheck check);

struct LinkVerdict {
    LinkCheck check = LinkCheck::Malformed;
    std::string reason; // for the log: never contains the signature
    FileLink link;      // filled when Valid (and when Expired)
};

// Checks a request: its URL path ("/v1/files/<room>/<kind>/<file>", already percent-decoded
// by the HTTP server) and its expires and sig query values. The signature is compared in
// constant time; only an authentic link is then checked for expiry (now > expires → Expired).
// `recording` is the recording query value ("" when absent).
LinkVerdict verify_link(std::string_view secret, std::string_view path, std::string_view expires, std::string_view sig,
                        int64_t now_unix, std::string_view recording = {});

// The same for the fields sent apart (the playback endpoint's body).
LinkVerdict verify_link_fields(std::string_view secret, std::string_view room, std::string_view kind,
                               std::string_view file, std::string_view expires, std::string_view sig, int64_t now_unix,
                               std::string_view recording = {});

} // namespace roomrec::storage
