// The "library" request (SPEC S6): the recordings library. One request whose `action` says
// what to do: list a room's Recordings folder ("room") or the caller's My Media ("mine"), a
// recording's "details", a play/download "link" (local storage: a signed link of the link
// server that also signs the recording id, so the player's playback reports are accepted; S3:
// a presigned GET), "share"/"unshare" with named users, "share_link"/"revoke_link" (a token
// that opens the recording for anyone holding it until it expires), "open_link" (what such a
// token opens), "rename" and "delete" (the file goes through the durable outbox's 'delete'
// job). The rule is domain/recording_access; the rows storage/db/library_rows, on the
// delivery requests' connection; who asks, plugin/library_access. Runs on the caller's thread
// (Janus's request or admin thread: it waits for Postgres), never on the signalling thread
// (which it asks only to check a room's host secret against the live room).
#pragma once

#include "domain/rate_limiter.hpp"
#include "plugin/library_access.hpp"
#include "plugin/plugin_config.hpp"
#include "plugin/replies.hpp"
#include "plugin/request.hpp"

#include <jansson.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

namespace roomrec::storage {
struct LibraryRecording;
}

namespace roomrec::plugin {

class DeliveryBridge;
class RoomRegistry;
class SignallingWorker;

class LibraryRequests {
public:
    LibraryRequests(const PluginConfig &config, RoomRegistry &rooms, SignallingWorker &worker, DeliveryBridge &delivery);

    // {"roomrec": "library", "action": A, ...} or an error.
    Reply on_library(Request &request);

    static constexpr int kBurst = 30;               // library requests a credential may send at once,
    static constexpr int64_t kRefillUs = 250'000;   // then four a second
    static constexpr int64_t kLinkSeconds = 4 * 3600; // a play/download link's life

private:
    std::variant<LibraryGrant, Reply> caller_of(const Request &request);
    // An S3 object's presigned GET until expires_s, or none (and why in refusal).
    std::optional<std::string> presigned(const std::string &key, int64_t expires_s, std::optional<Reply> &refusal);
    // Whether this node's link endpoint serves local files (else why not in refusal).
    bool serves_links(std::optional<Reply> &refusal) const;
    // A download link of one of the files beside the recording's composite (`file`, a name from
    // its `files`) into `out`, valid until expires_s; false (and why in refusal) if there is none.
    bool add_file_link(const storage::LibraryRecording &row, const std::string &file, int64_t expires_s, json_t *out,
                       std::optional<Reply> &refusal);

    const PluginConfig &config_;
    RoomRegistry &rooms_;
    SignallingWorker &worker_;
    DeliveryBridge &delivery_;
    std::mutex limits_mutex_; // Janus calls from several threads
    domain::RateLimiter limits_;
};

} // namespace roomrec::plugin
