#include "storage/links/link_server.hpp"

#include "common/json.hpp"
#include "common/log.hpp"
#include "common/same_secret.hpp"
#include "storage/core/byte_range.hpp"
#include "storage/core/contained_path.hpp"
#include "storage/core/signed_link.hpp"
#include "storage/core/web_path.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>

namespace roomrec::storage {
namespace {

constexpr common::Logger kLog("links");
constexpr size_t kMaxPlaybackBody = 4096;
constexpr size_t kMaxIdBytes = 64;
constexpr int64_t kRefusalLogIntervalUs = 1000000;
const char *const kForbidden = "{\"error\":\"forbidden\"}";
const char *const kTooLarge = "{\"error\":\"body over 4 KiB\"}";

int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

const char *content_type(const std::string &file) {
    const auto ends = [&](const char *suffix) {
        const size_t n = std::strlen(suffix);
        return file.size() > n && file.compare(file.size() - n, n, suffix) == 0;
    };
    if (ends(".csv")) return "text/csv; charset=utf-8";
    if (ends(".mp4")) return "video/mp4";
    if (ends(".pdf")) return "application/pdf";
    if (ends(".mkv")) return "video/x-matroska";
    if (ends(".json")) return "application/json";
    return "application/octet-stream";
}

// attachment; filename="<file>" for a plain name ([A-Za-z0-9._-]); otherwise an ASCII stand-in
// plus filename*=UTF-8''<percent-encoded name>: a recording's name may hold spaces and any
// Unicode (never a quote, slash or control character: signed_link).
std::string content_disposition(const std::string &file) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string ascii, encoded;
    for (unsigned char c : file) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                           c == '_' || c == '-';
        ascii += plain || c == ' ' ? static_cast<char>(c) : '_';
        if (plain) {
            encoded += static_cast<char>(c);
        } else {
            encoded += '%';
            encoded += kHex[c >> 4];
            encoded += kHex[c & 15];
        }
    }
    if (encoded == file) return "attachment; filename=\"" + file + "\"";
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

bool identifier(const char *text, size_t max_bytes) {
    const size_t length = text ? std::strlen(text) : 0;
    if (length == 0 || length > max_bytes) return false;
    for (size_t i = 0; i < length; ++i) {
        const char c = text[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

// An integer JSON field in [0, 2^53): milliseconds.
bool millis(const json_t *body, const char *name, int64_t &value) {
    const json_t *field = json_object_get(body, name);
    if (!json_is_integer(field)) return false;
    value = json_integer_value(field);
    return value >= 0 && value < (int64_t(1) << 53);
}

} // namespace

struct LinkServer::Request {
    std::string body;
};

struct LinkServerCallbacks {
    static MHD_Result access(void *self, MHD_Connection *connection, const char *url, const char *method,
                             const char * /*version*/, const char *upload_data, size_t *upload_data_size,
                             void **state) {
        const int result = static_cast<LinkServer *>(self)->handle(connection, url, method, upload_data,
                                                                   upload_data_size, state);
        return result == MHD_YES ? MHD_YES : MHD_NO;
    }
    static void completed(void * /*self*/, MHD_Connection *, void **state, MHD_RequestTerminationCode) {
        delete static_cast<LinkServer::Request *>(*state);
        *state = nullptr;
    }
};

LinkServer::LinkServer(LinkServerSettings settings, Listener *listener, MetricsSource *metrics)
    : settings_(std::move(settings)), listener_(listener), metrics_(metrics),
      tracker_(settings_.max_plays, settings_.viewer_burst, settings_.viewer_refill_us, settings_.link_burst,
               settings_.link_refill_us) {}

LinkServer::~LinkServer() { stop(); }

bool LinkServer::start(std::string &error) {
    if (settings_.secret.empty()) {
        error = "no link secret";
        return false;
    }
    sockaddr_in v4{};
    sockaddr_in6 v6{};
    const sockaddr *address = nullptr;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
    if (inet_pton(AF_INET, settings_.address.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(settings_.port);
        address = reinterpret_cast<const sockaddr *>(&v4);
    } else if (inet_pton(AF_INET6, settings_.address.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(settings_.port);
        address = reinterpret_cast<const sockaddr *>(&v6);
        flags |= MHD_USE_IPv6;
    } else {
        error = "links.address must be a numeric IPv4 or IPv6 address";
        return false;
    }
    daemon_.reset(MHD_start_daemon(
        flags, settings_.port, nullptr, nullptr, &LinkServerCallbacks::access, this, MHD_OPTION_SOCK_ADDR, address,
        MHD_OPTION_CONNECTION_LIMIT, settings_.connection_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        settings_.per_ip_connection_limit, MHD_OPTION_CONNECTION_TIMEOUT, settings_.connection_timeout_s,
        MHD_OPTION_NOTIFY_COMPLETED, &LinkServerCallbacks::completed, this, MHD_OPTION_END));
    if (!daemon_) {
        error = "cannot listen on " + settings_.address + ":" + std::to_string(settings_.port);
        return false;
    }
    kLog.info("link server listening on " + settings_.address + ":" + std::to_string(settings_.port));
    return true;
}

void LinkServer::stop() { daemon_.reset(); }

int LinkServer::answer(MHD_Connection *connection, unsigned status, const std::string &body) {
    common::MhdResponse response(
        MHD_create_response_from_buffer(body.size(), const_cast<char *>(body.data()), MHD_RESPMEM_MUST_COPY));
    if (!response) return MHD_NO;
    MHD_add_response_header(response.get(), "Content-Type", "application/json");
    MHD_add_response_header(response.get(), "Cache-Control", "no-store");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED) MHD_add_response_header(response.get(), "Allow", "GET, HEAD, POST");
    return MHD_queue_response(connection, status, response.get());
}

// At most one line a second: a flood of bad links must not flood the log.
void LinkServer::log_refusal(const std::string &what) {
    std::lock_guard lock(mutex_);
    const int64_t now = now_us();
    if (now - last_refusal_log_us_ < kRefusalLogIntervalUs) {
        refusals_not_logged_++;
        return;
    }
    std::string line = "refused " + what;
    if (refusals_not_logged_ > 0) line += " (and " + std::to_string(refusals_not_logged_) + " more not logged)";
    kLog.warning(line);
    last_refusal_log_us_ = now;
    refusals_not_logged_ = 0;
}

int LinkServer::handle(MHD_Connection *connection, const char *url, const char *method, const char *upload_data,
                       size_t *upload_data_size, void **state) {
    const bool get = std::strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    const bool head = std::strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    const bool post = std::strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    if (std::strcmp(url, "/v1/playback") == 0 && post) {
        if (*state == nullptr) { // headers only: refuse an announced oversized body before reading it
            const char *length = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
            if (length != nullptr && (std::strlen(length) > 9 || std::strtoull(length, nullptr, 10) > kMaxPlaybackBody))
                return answer(connection, MHD_HTTP_CONTENT_TOO_LARGE, kTooLarge);
            *state = new Request;
            return MHD_YES;
        }
        auto *request = static_cast<Request *>(*state);
        if (*upload_data_size > 0) {
            // A body without a length (chunked) past the limit: libmicrohttpd cannot answer in
            // the middle of a body, so the connection is closed without reading the rest.
            if (request->body.size() + *upload_data_size > kMaxPlaybackBody) return MHD_NO;
            request->body.append(upload_data, *upload_data_size);
            *upload_data_size = 0;
            return MHD_YES;
        }
        return playback(connection, request->body);
    }
    if (std::strcmp(url, "/metrics") == 0 && metrics_ != nullptr) {
        if (!get) return answer(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "{\"error\":\"method not allowed\"}");
        return metrics(connection);
    }
    if (std::strncmp(url, "/v1/files/", 10) == 0 || std::strcmp(url, "/v1/playback") == 0) {
        if (!get && !head) return answer(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "{\"error\":\"method not allowed\"}");
        if (std::strcmp(url, "/v1/playback") == 0)
            return answer(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "{\"error\":\"method not allowed\"}");
        return serve_file(connection, url, head);
    }
    if (!settings_.web_root.empty() && std::strncmp(url, "/v1/", 4) != 0) {
        if (!get && !head) return answer(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "{\"error\":\"method not allowed\"}");
        return serve_page(connection, url);
    }
    return answer(connection, MHD_HTTP_NOT_FOUND, "{\"error\":\"not found\"}");
}

namespace {

bool from_loopback(MHD_Connection *connection) {
    const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == nullptr || info->client_addr == nullptr) return false;
    if (info->client_addr->sa_family == AF_INET) {
        const auto *v4 = reinterpret_cast<const sockaddr_in *>(info->client_addr);
        return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    }
    if (info->client_addr->sa_family == AF_INET6) {
        const auto *v6 = reinterpret_cast<const sockaddr_in6 *>(info->client_addr);
        return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr) ||
               (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr) && v6->sin6_addr.s6_addr[12] == 127);
    }
    return false;
}

bool bearer_matches(MHD_Connection *connection, const std::string &token) {
    return common::same_secret(
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION), "Bearer " + token);
}

} // namespace

// Operators' metrics: behind a token when one is set; else from this machine only (a reverse
// proxy forwarding the links' public address must then not forward /metrics).
int LinkServer::metrics(MHD_Connection *connection) {
    if (!settings_.metrics_token.empty() ? !bearer_matches(connection, settings_.metrics_token)
                                         : !from_loopback(connection)) {
        log_refusal("a /metrics request");
        return answer(connection, settings_.metrics_token.empty() ? MHD_HTTP_FORBIDDEN : MHD_HTTP_UNAUTHORIZED,
                      "{\"error\":\"metrics are not served to this client\"}");
    }
    const std::string text = metrics_->prometheus_text();
    common::MhdResponse response(
        MHD_create_response_from_buffer(text.size(), const_cast<char *>(text.data()), MHD_RESPMEM_MUST_COPY));
    if (!response) return MHD_NO;
    MHD_add_response_header(response.get(), "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    MHD_add_response_header(response.get(), "Cache-Control", "no-store");
    return MHD_queue_response(connection, MHD_HTTP_OK, response.get());
}

// A static page file (libmicrohttpd gives the path percent-decoded; HEAD drops the body).
int LinkServer::serve_page(MHD_Connection *connection, const char *url) {
    const auto not_found = [&] { return answer(connection, MHD_HTTP_NOT_FOUND, "{\"error\":\"not found\"}"); };
    const WebPath page = web_path(url);
    if (page.relative.empty()) return not_found();
    const ContainedPath contained = resolve_below_root(settings_.web_root, settings_.web_root + "/" + page.relative);
    if (!contained.error.empty()) return not_found();
    const int fd = open(contained.path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat facts {};
    if (fd < 0 || fstat(fd, &facts) != 0) {
        if (fd >= 0) close(fd);
        return not_found();
    }
    if (S_ISDIR(facts.st_mode) && !page.folder) { // "/dashboard" -> "/dashboard/" (relative links work)
        close(fd);
        common::MhdResponse response(MHD_create_response_from_buffer(0, nullptr, MHD_RESPMEM_PERSISTENT));
        if (!response) return MHD_NO;
        const std::string location = std::string(url) + "/"; // checked characters only
        MHD_add_response_header(response.get(), "Location", location.c_str());
        MHD_add_response_header(response.get(), "Cache-Control", "no-cache");
        return MHD_queue_response(connection, MHD_HTTP_MOVED_PERMANENTLY, response.get());
    }
    if (!S_ISREG(facts.st_mode)) {
        close(fd);
        return not_found();
    }
    common::MhdResponse response(MHD_create_response_from_fd(static_cast<uint64_t>(facts.st_size), fd));
    if (!response) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(response.get(), "Content-Type", web_content_type(page.relative));
    MHD_add_response_header(response.get(), "X-Content-Type-Options", "nosniff");
    // The pages change with the product, unversioned: revalidate every time.
    MHD_add_response_header(response.get(), "Cache-Control", "no-cache");
    MHD_add_response_header(response.get(), "Referrer-Policy", "no-referrer");
    MHD_add_response_header(response.get(), "X-Frame-Options", "DENY");
    return MHD_queue_response(connection, MHD_HTTP_OK, response.get());
}

int LinkServer::serve_file(MHD_Connection *connection, const char *url, bool /*head*/) {
    const char *expires = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "expires");
    const char *sig = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "sig");
    const char *recording = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "recording");
    const LinkVerdict verdict = verify_link(settings_.secret, url, expires ? expires : "", sig ? sig : "",
                                            now_us() / 1000000, recording ? recording : "");
    if (verdict.check == LinkCheck::BadPath) return answer(connection, MHD_HTTP_NOT_FOUND, "{\"error\":\"not found\"}");
    if (verdict.check != LinkCheck::Valid) {
        // The path is safe to log (checked names only when authentic); never the signature.
        log_refusal(std::string("a file link (") + link_check_name(verdict.check) + "): " + verdict.reason);
        return answer(connection, MHD_HTTP_FORBIDDEN, kForbidden);
    }
    const FileLink &link = verdict.link;
    const std::string path = settings_.recordings_root + "/" + link.room + "/" + link_kind_folder(link.kind) + "/" +
                             link.file;
    const ContainedPath contained = link.kind == LinkKind::Tracks
                                        ? resolve_contained_track_path(settings_.recordings_root, path)
                                        : resolve_contained_path(settings_.recordings_root, path,
                                                                 link_kind_folder(link.kind));
    if (!contained.error.empty()) return answer(connection, MHD_HTTP_NOT_FOUND, "{\"error\":\"not found\"}");
    const int fd = open(contained.path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat facts {};
    if (fd < 0 || fstat(fd, &facts) != 0 || !S_ISREG(facts.st_mode)) {
        if (fd >= 0) close(fd);
        return answer(connection, MHD_HTTP_NOT_FOUND, "{\"error\":\"not found\"}");
    }
    const uint64_t size = static_cast<uint64_t>(facts.st_size);
    // Seeking in a player asks for byte ranges; a HEAD or a plain GET gets the whole file.
    const char *range_header = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
    const ByteRange range = parse_byte_range(range_header ? range_header : "", size);
    if (range.kind == ByteRange::Kind::Unsatisfiable) {
        close(fd);
        common::MhdResponse refused(MHD_create_response_from_buffer(0, nullptr, MHD_RESPMEM_PERSISTENT));
        if (!refused) return MHD_NO;
        const std::string content_range = "bytes */" + std::to_string(size);
        MHD_add_response_header(refused.get(), "Content-Range", content_range.c_str());
        MHD_add_response_header(refused.get(), "Accept-Ranges", "bytes");
        return MHD_queue_response(connection, MHD_HTTP_RANGE_NOT_SATISFIABLE, refused.get());
    }
    const bool partial = range.kind == ByteRange::Kind::Partial;
    common::MhdResponse response(partial ? MHD_create_response_from_fd_at_offset64(range.length, fd, range.first)
                                         : MHD_create_response_from_fd(size, fd));
    if (!response) {
        close(fd);
        return MHD_NO;
    }
    const std::string name = link.file.substr(link.file.rfind('/') + 1); // a track's, without its folder
    MHD_add_response_header(response.get(), "Content-Type", content_type(name));
    MHD_add_response_header(response.get(), "Content-Disposition", content_disposition(name).c_str());
    MHD_add_response_header(response.get(), "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(response.get(), "Cache-Control", "private, no-store");
    MHD_add_response_header(response.get(), "Accept-Ranges", "bytes");
    if (partial) {
        const std::string content_range = "bytes " + std::to_string(range.first) + "-" +
                                          std::to_string(range.first + range.length - 1) + "/" + std::to_string(size);
        MHD_add_response_header(response.get(), "Content-Range", content_range.c_str());
    }
    return MHD_queue_response(connection, partial ? MHD_HTTP_PARTIAL_CONTENT : MHD_HTTP_OK, response.get());
}

int LinkServer::playback(MHD_Connection *connection, const std::string &text) {
    const auto bad = [&](const char *why) {
        return answer(connection, MHD_HTTP_BAD_REQUEST, std::string("{\"error\":\"") + why + "\"}");
    };
    json_error_t parse_error;
    const common::JsonPtr body(json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES, &parse_error));
    if (!body || !json_is_object(body.get())) return bad("the body must be a JSON object");
    const auto field = [&](const char *name) -> const char * {
        const json_t *value = json_object_get(body.get(), name);
        return json_is_string(value) ? json_string_value(value) : nullptr;
    };
    const char *room = field("room");
    const char *recording = field("recording");
    const char *file = field("file");
    const char *sig = field("sig");
    const char *viewer = field("viewer");
    const char *event = field("event");
    const json_t *expires_field = json_object_get(body.get(), "expires");
    if (!room || !file || !sig || !json_is_integer(expires_field))
        return bad("room, file, expires and sig (the recording's signed link) are required");
    if (!identifier(recording, kMaxIdBytes)) return bad("recording must be 1-64 characters of [A-Za-z0-9_-]");
    if (!identifier(viewer, kMaxIdBytes)) return bad("viewer must be 1-64 characters of [A-Za-z0-9_-]");
    static const char *const kEvents[] = {"impression", "play", "progress", "seek"};
    const char *kind = nullptr;
    for (const char *name : kEvents)
        if (event && std::strcmp(event, name) == 0) kind = name;
    if (kind == nullptr) return bad("event must be impression, play, progress or seek");
    // A recording stored in S3 is played from the store: its proof has its own kind, and there
    // is no local file to look for.
    const char *stored = field("storage");
    if (json_object_get(body.get(), "storage") && (!stored || (std::strcmp(stored, "local") != 0 &&
                                                               std::strcmp(stored, "s3") != 0)))
        return bad("storage must be local or s3");
    const bool in_s3 = stored && std::strcmp(stored, "s3") == 0;
    const std::string expires = std::to_string(json_integer_value(expires_field));
    // The recording id is part of the signature: a link to one recording cannot report for another.
    const LinkVerdict verdict =
        verify_link_fields(settings_.secret, room, link_kind_name(in_s3 ? LinkKind::S3Recordings : LinkKind::Recordings),
                           file, expires, sig, now_us() / 1000000, recording);
    if (verdict.check != LinkCheck::Valid) {
        log_refusal(std::string("a playback report (") + link_check_name(verdict.check) + "): " + verdict.reason);
        return answer(connection, MHD_HTTP_FORBIDDEN, kForbidden);
    }
    if (!in_s3) {
        const std::string path = settings_.recordings_root + "/" + room + "/Recordings/" + file;
        const ContainedPath contained = resolve_contained_path(settings_.recordings_root, path);
        struct stat facts {};
        if (!contained.error.empty() || lstat(contained.path.c_str(), &facts) != 0 || !S_ISREG(facts.st_mode))
            return answer(connection, MHD_HTTP_NOT_FOUND, "{\"error\":\"no such recording file\"}");
    }

    LibraryPlayback playback;
    playback.room = room;
    playback.recording = recording;
    playback.viewer = viewer;
    playback.kind = std::string("playback.") + kind;
    const bool impression = std::strcmp(kind, "impression") == 0;
    if (!impression) {
        const char *play = field("play");
        if (!identifier(play, kMaxIdBytes)) return bad("play must be 1-64 characters of [A-Za-z0-9_-]");
        playback.play = play;
        if (!millis(body.get(), "position_ms", playback.position_ms) ||
            !millis(body.get(), "duration_ms", playback.duration_ms))
            return bad("position_ms and duration_ms must be non-negative integers");
        if (std::strcmp(kind, "seek") == 0 && !millis(body.get(), "from_ms", playback.from_ms))
            return bad("a seek needs from_ms, a non-negative integer");
    }
    std::lock_guard lock(mutex_);
    // Per viewer (an anonymous, client-chosen id) and per link: a client inventing viewer ids
    // is still held to its link's budget.
    const int64_t now = now_us();
    if (!tracker_.allow_link(sig, now) || !tracker_.allow(playback.viewer, now))
        return answer(connection, MHD_HTTP_TOO_MANY_REQUESTS, "{\"error\":\"too many reports\"}");
    if (!impression) {
        // The play is this viewer's, of this file: another viewer cannot add to it.
        const std::string key = playback.room + "/" + file + "/" + playback.viewer + "/" + playback.play;
        const PlayState state = tracker_.report(key, double(playback.position_ms) / 1000.0,
                                                double(playback.duration_ms) / 1000.0,
                                                playback.from_ms >= 0 ? double(playback.from_ms) / 1000.0 : -1.0);
        if (state.verdict != domain::ProgressVerdict::Accepted)
            return answer(connection, MHD_HTTP_BAD_REQUEST,
                          std::string("{\"error\":\"report refused: ") + domain::progress_verdict_name(state.verdict) +
                              "\"}");
        playback.buckets = state.buckets;
        playback.watched_ms = static_cast<int64_t>(std::llround(state.watched_s * 1000.0));
        playback.watched = state.watched;
    }
    if (listener_) listener_->on_library_playback(playback);
    return answer(connection, MHD_HTTP_OK,
                  "{\"ok\":true,\"buckets\":" + std::to_string(playback.buckets) +
                      ",\"watched_ms\":" + std::to_string(playback.watched_ms) + "}");
}

} // namespace roomrec::storage
