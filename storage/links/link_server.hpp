// The expiring-link HTTP endpoint (A9, E6), in the plugin's process on its own libmicrohttpd
// thread: serves stored exports and recordings only through signed links
// (storage/core/signed_link), and takes the recordings library's playback reports.
//   GET  /v1/files/<room>/<exports|recordings>/<file>?expires=<t>&sig=<hex>
//        200 the file (streamed from its descriptor), 403 wrong/expired/tampered link (one body
//        for all), 404 bad path or no such file, 405 another method.
//   POST /v1/playback  (JSON, at most 4 KiB): a player's report, checked against the
//        recording's signed link (which signs the recording id); 200, 400, 403, 404, 413
//        (announced before the body is read; a chunked body past 4 KiB closes the
//        connection), 429 (per viewer and per link) (docs/API.md).
//   GET /metrics (with a metrics source): the node's metrics in the Prometheus text format;
//        with metrics_token set only for "Authorization: Bearer <token>" (401 otherwise), else
//        only for a client on the loopback address (403 otherwise).
//   GET|HEAD /<path> (only with web_root set): the static web pages (room page, library,
//        dashboard) from web_root, so they share the links' origin: "/" and ".../" serve
//        index.html, a folder without its '/' is redirected (301) to it; no listing, no hidden
//        file, no path outside the root (storage/core/web_path, core/contained_path); 404
//        otherwise, 405 for another method.
// Files are looked up as <recordings_root>/<room>/<Exports|Recordings>/<file>, a path built
// from checked names, resolved and checked to lie under the root (core/contained_path),
// opened with O_NOFOLLOW and served only when a regular file.
#pragma once

#include "common/mhd_handles.hpp"
#include "storage/links/playback_tracker.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace roomrec::storage {

struct LinkServerSettings {
    std::string address = "127.0.0.1";
    uint16_t port = 8090;
    std::string secret; // the HMAC key of the links (never logged)
    std::string recordings_root;
    std::string web_root; // the static pages' folder; empty: no pages served
    std::string metrics_token; // empty: /metrics answers loopback clients only (never logged)
    unsigned connection_limit = 256;
    unsigned per_ip_connection_limit = 16; // connections open at once from one address
    unsigned connection_timeout_s = 30;    // an idle connection is closed after this
    size_t max_plays = 100000;             // playback progress kept in memory
    int viewer_burst = 10;                 // playback reports a viewer may send at once,
    int64_t viewer_refill_us = 1000000;    // then one per second
    int link_burst = 30;                   // playback reports one signed link may carry at once,
    int64_t link_refill_us = 200000;       // then five per second
};

// One accepted playback report of the recordings library.
struct LibraryPlayback {
    std::string room, recording, viewer;
    std::string kind; // playback.impression | playback.play | playback.progress | playback.seek
    std::string play; // "" for an impression
    int64_t position_ms = 0, duration_ms = 0;
    int64_t from_ms = -1; // a seek's start; -1 otherwise
    int buckets = 0;      // distinct 1 % buckets watched so far in this play
    int64_t watched_ms = 0;
    std::string watched; // the watched buckets, 25 hex digits (bucket 0 first)
};

class LinkServer {
public:
    class Listener {
    public:
        virtual ~Listener() = default;
        // On the server's thread: keep it short (hand the row to a queue).
        virtual void on_library_playback(const LibraryPlayback &playback) = 0;
    };

    // What /metrics serves; called on the server's thread (it may wait a little, never long).
    class MetricsSource {
    public:
        virtual ~MetricsSource() = default;
        virtual std::string prometheus_text() = 0;
    };

    LinkServer(LinkServerSettings settings, Listener *listener, MetricsSource *metrics = nullptr);
    ~LinkServer();
    LinkServer(const LinkServer &) = delete;
    LinkServer &operator=(const LinkServer &) = delete;

    bool start(std::string &error); // binds address:port; false and why
    void stop();

    struct Request; // one connection's request, while its body arrives

private:
    int handle(MHD_Connection *connection, const char *url, const char *method, const char *upload_data,
               size_t *upload_data_size, void **state);
    int serve_file(MHD_Connection *connection, const char *url, bool head);
    int serve_page(MHD_Connection *connection, const char *url);
    int playback(MHD_Connection *connection, const std::string &body);
    int metrics(MHD_Connection *connection);
    int answer(MHD_Connection *connection, unsigned status, const std::string &body);
    void log_refusal(const std::string &what);

    friend struct LinkServerCallbacks;
    const LinkServerSettings settings_;
    Listener *const listener_;
    MetricsSource *const metrics_;
    common::MhdDaemon daemon_;
    std::mutex mutex_; // the tracker and the log limiter (one MHD thread today, but cheap)
    PlaybackTracker tracker_;
    int64_t last_refusal_log_us_ = 0;
    uint64_t refusals_not_logged_ = 0;
};

} // namespace roomrec::storage
