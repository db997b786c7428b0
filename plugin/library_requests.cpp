#include "plugin/library_requests.hpp"

#include "common/log.hpp"
#include "common/random_id.hpp"
#include "common/utf8.hpp"
#include "domain/request_schema.hpp"
#include "plugin/delivery_bridge.hpp"
#include "plugin/janus_api.hpp"
#include "plugin/room_registry.hpp"
#include "plugin/signalling_worker.hpp"
#include "storage/core/signed_link.hpp"
#include "storage/core/sigv4.hpp"
#include "storage/core/delivery_rows.hpp"
#include "storage/db/library_rows.hpp"
#include "storage/db/outbox_store.hpp"
#include "storage/delivery/delete_job.hpp"

#include <glib.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace roomrec::plugin {
namespace {

using domain::ErrorCode;
using domain::LibraryAction;
using storage::LibraryRecording;
using storage::LibraryRows;

constexpr common::Logger kLog("library");
constexpr size_t kMaxUserBytes = 128;
constexpr auto kAccessTimeout = std::chrono::seconds(15);

std::string user_error(const std::string &user) {
    if (user.empty() || user.size() > kMaxUserBytes) return "a user id must be 1-128 characters";
    for (char c : user)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return "a user id may hold only [A-Za-z0-9_-]";
    return "";
}

std::string file_of(const std::string &location) {
    const size_t slash = location.rfind('/');
    return slash == std::string::npos ? location : location.substr(slash + 1);
}

int64_t now_ms() { return g_get_real_time() / 1000; }

// A recording as the library shows it; who it is shared with and its links only for those who
// may share it.
json_t *recording_json(const LibraryRecording &row, const domain::LibraryCaller &caller) {
    const domain::RecordingParties parties{row.room, row.owner, row.shared_with};
    const bool sharer = domain::library_allows(caller, parties, LibraryAction::Share);
    json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s}", "recording", row.recording.c_str(),
                            "room", row.room.c_str(), "title", row.title.c_str(), "owner", row.owner.c_str(),
                            "initiator", row.initiator.c_str(), "started_ms", json_int_t(row.started_ms), "storage",
                            row.storage.c_str(), "state", row.state.c_str(), "file", file_of(row.location).c_str());
    const auto optional = [&](const char *name, const std::optional<int64_t> &value) {
        json_object_set_new(out, name, value ? json_integer(*value) : json_null());
    };
    optional("ended_ms", row.ended_ms);
    optional("duration_ms", row.duration_ms);
    optional("size_bytes", row.size_bytes);
    // The files stored beside the composite (isolated tracks, their manifest), by name: `link`
    // with `file` links one.
    json_t *files = json_array();
    for (const std::string &location : row.files) json_array_append_new(files, json_string(file_of(location).c_str()));
    json_object_set_new(out, "files", files);
    json_object_set_new(out, "access", json_string(domain::library_access_name(domain::library_access(caller, parties))));
    json_object_set_new(out, "can_share", json_boolean(sharer));
    json_object_set_new(out, "can_manage", json_boolean(domain::library_allows(caller, parties, LibraryAction::Manage)));
    json_object_set_new(out, "playable", json_boolean(row.state == "available" || row.state == "stored"));
    if (sharer) {
        json_t *users = json_array();
        for (const auto &user : row.shared_with) json_array_append_new(users, json_string(user.c_str()));
        json_object_set_new(out, "shared_with", users);
    }
    return out;
}

common::JsonPtr answer(const char *action) {
    common::JsonPtr out = make_event("library");
    json_object_set_new(out.get(), "action", json_string(action));
    return out;
}

} // namespace

LibraryRequests::LibraryRequests(const PluginConfig &config, RoomRegistry &rooms, SignallingWorker &worker,
                                 DeliveryBridge &delivery)
    : config_(config), rooms_(rooms), worker_(worker), delivery_(delivery), limits_(domain::RateLimitSettings{kBurst, kRefillUs}) {}

std::variant<LibraryGrant, Reply> LibraryRequests::caller_of(const Request &request) {
    const int64_t now_s = g_get_real_time() / G_USEC_PER_SEC;
    if (request.admin || !json_object_get(request.body.get(), "secret"))
        return check_library_access(config_, nullptr, request, now_s);
    // A room's host secret is checked against the live room, on the signalling thread.
    auto probe = std::make_shared<Request>(); // copies: a call that times out may still run later
    probe->body = common::json_share(request.body.get());
    auto verdict = worker_.call<std::optional<std::variant<LibraryGrant, Reply>>>(
        [this, probe, now_s]() -> std::optional<std::variant<LibraryGrant, Reply>> {
            return check_library_access(config_, rooms_.find(domain::string_field(probe->body.get(), "room")), *probe,
                                        now_s);
        },
        kAccessTimeout);
    if (!verdict || !*verdict) return reply_error(ErrorCode::Internal, "the plugin is busy or stopping");
    return std::move(**verdict);
}

std::optional<std::string> LibraryRequests::presigned(const std::string &key, int64_t expires_s,
                                                      std::optional<Reply> &refusal) {
    auto url = delivery_.presign_recording(key, std::max<int64_t>(expires_s - now_ms() / 1000, 1));
    if (!url) refusal = reply_error(ErrorCode::LibraryUnavailable, "this node cannot sign S3 links (no S3 storage)");
    return url;
}

bool LibraryRequests::serves_links(std::optional<Reply> &refusal) const {
    if (!config_.delivery.links.enabled)
        refusal = reply_error(ErrorCode::LibraryUnavailable, "this node serves no links (links.port)");
    return config_.delivery.links.enabled;
}

bool LibraryRequests::add_file_link(const LibraryRecording &row, const std::string &file, int64_t expires_s,
                                    json_t *out, std::optional<Reply> &refusal) {
    const auto location = std::find_if(row.files.begin(), row.files.end(),
                                       [&](const std::string &stored) { return file_of(stored) == file; });
    if (location == row.files.end()) {
        refusal = reply_error(ErrorCode::NoSuchItem, "the recording has no such file (see its files)");
        return false;
    }
    std::optional<std::string> url;
    if (row.storage == "s3") {
        url = presigned(*location, expires_s, refusal);
        if (!url) return false;
    } else {
        const LinksConfig &links = config_.delivery.links;
        if (!serves_links(refusal)) return false;
        // Stored as <room>/Recordings/<name> tracks/<file>: linked by its folder and name.
        const std::string folder = row.room + "/Recordings/";
        std::string error;
        const auto path = location->rfind(folder, 0) == 0
                              ? storage::sign_link(links.secret,
                                                   {row.room, storage::LinkKind::Tracks,
                                                    location->substr(folder.size()), expires_s, ""},
                                                   error)
                              : std::nullopt;
        if (!path) {
            kLog.error("no link for a file of recording " + row.recording + ": " + error);
            refusal = reply_error(ErrorCode::LibraryUnavailable, "this file cannot be linked");
            return false;
        }
        url = links.public_url + *path;
    }
    json_object_set_new(out, "file", json_string(file.c_str()));
    json_object_set_new(out, "url", json_string(url->c_str()));
    json_object_set_new(out, "expires_ms", json_integer(expires_s * 1000));
    return true;
}

Reply LibraryRequests::on_library(Request &request) {
    const json_t *body = request.body.get();
    const std::string action = domain::string_field(body, "action");
    const std::string recording_id = domain::string_field(body, "recording");

    LibraryGrant caller;
    if (action != "open_link") {
        auto who = caller_of(request);
        if (auto *refused = std::get_if<Reply>(&who)) return std::move(*refused);
        caller = std::get<LibraryGrant>(who);
    } else {
        caller.credential = "link";
    }
    {
        std::lock_guard lock(limits_mutex_);
        const int64_t now_us = g_get_monotonic_time();
        if (limits_.try_acquire(caller.credential, now_us) != domain::RateVerdict::Allowed) {
            const int64_t wait_us = limits_.retry_after_us(caller.credential, now_us);
            Reply reply = reply_error(ErrorCode::RateLimited,
                                      "too many library requests: at most 30 at once, then 4 a second; retry in " +
                                          std::to_string((wait_us + 999'999) / 1'000'000) + " s");
            json_object_set_new(reply.data.get(), "retry_after_ms", json_integer((wait_us + 999) / 1000));
            return reply;
        }
    }
    if (!delivery_.running())
        return reply_error(ErrorCode::LibraryUnavailable, "the recordings library needs delivery (delivery.postgres)");

    // What each action needs beyond the table's checks.
    const bool needs_recording = action != "room" && action != "mine" && action != "notices" && action != "open_link";
    if (needs_recording && recording_id.empty()) return reply_error(ErrorCode::MissingElement, "recording is required");
    if (action == "room" && domain::string_field(body, "room").empty())
        return reply_error(ErrorCode::MissingElement, "room is required");
    if ((action == "mine" || action == "notices" || action == "dismiss") && caller.rule.user.empty())
        return reply_error(ErrorCode::InvalidElement, action + " concerns one user's recordings: give that user's token "
                                                               "(a room's host secret names no user, nor does the "
                                                               "admin_secret)");
    std::vector<std::string> users;
    if (action == "share") {
        const json_t *list = json_object_get(body, "users");
        if (!list) return reply_error(ErrorCode::MissingElement, "users is required");
        size_t index;
        const json_t *item;
        json_array_foreach(list, index, item) {
            const char *user = json_string_value(item);
            if (!user) return reply_error(ErrorCode::InvalidElement, "users[" + std::to_string(index) + "] must be a string");
            if (const std::string why = user_error(user); !why.empty())
                return reply_error(ErrorCode::InvalidElement, "users[" + std::to_string(index) + "]: " + why);
            users.push_back(user);
        }
    }
    if (action == "unshare") {
        if (!json_object_get(body, "user")) return reply_error(ErrorCode::MissingElement, "user is required");
        if (const std::string why = user_error(domain::string_field(body, "user")); !why.empty())
            return reply_error(ErrorCode::InvalidElement, "user: " + why);
    }
    std::string title;
    if (action == "rename") {
        if (!json_object_get(body, "title")) return reply_error(ErrorCode::MissingElement, "title is required");
        title = domain::string_field(body, "title");
        if (title.empty() || !common::valid_utf8(title) ||
            std::any_of(title.begin(), title.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }) ||
            !common::invisible_text_error(title).empty())
            return reply_error(ErrorCode::InvalidElement, "title must be 1-200 bytes of text without control characters");
    }
    const std::string file = domain::string_field(body, "file");
    if (json_object_get(body, "file") && action != "link" && action != "open_link")
        return reply_error(ErrorCode::InvalidElement, "file names a file to link: link and open_link only");
    if (json_object_get(body, "file") && file.empty())
        return reply_error(ErrorCode::InvalidElement, "file must name one of the recording's files");
    if (action == "revoke_link" && !json_object_get(body, "link"))
        return reply_error(ErrorCode::MissingElement, "link is required");
    if (action == "open_link" && !json_object_get(body, "share_token"))
        return reply_error(ErrorCode::MissingElement, "share_token is required");

    const auto *expires_in = json_object_get(body, "expires_in");
    const int64_t share_seconds = expires_in ? json_integer_value(expires_in) : 7 * 86400;

    std::optional<Reply> refusal;
    common::JsonPtr out = answer(action.c_str());
    // Play/download link: valid kLinkSeconds, never past `until_ms` (a share link's expiry).
    const auto add_link = [&](const LibraryRecording &row, int64_t until_ms) -> bool {
        if (row.state != "available" && row.state != "stored") {
            refusal = reply_error(ErrorCode::RecordingState, "the recording is not stored yet (" + row.state + ")");
            return false;
        }
        int64_t expires_s = (now_ms() + kLinkSeconds * 1000) / 1000;
        if (until_ms > 0) expires_s = std::min(expires_s, until_ms / 1000);
        const LinksConfig &links = config_.delivery.links;
        if (!file.empty()) return add_file_link(row, file, expires_s, out.get(), refusal);
        // What the player's playback reports carry (POST /v1/playback on the link endpoint).
        const auto add_playback = [&](const storage::FileLink &proof, const std::string &sig, const char *stored) {
            json_object_set_new(out.get(), "playback",
                                json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "room", row.room.c_str(), "recording",
                                          row.recording.c_str(), "file", proof.file.c_str(), "expires",
                                          json_int_t(proof.expires), "sig", sig.c_str(), "storage", stored));
            json_object_set_new(out.get(), "playback_url", json_string((links.public_url + "/v1/playback").c_str()));
        };
        if (row.storage == "s3") {
            const auto url = presigned(row.location, expires_s, refusal);
            if (!url) return false;
            json_object_set_new(out.get(), "url", json_string(url->c_str()));
            // Played from the store; reported here when this node has a link endpoint.
            const storage::FileLink proof{row.room, storage::LinkKind::S3Recordings, file_of(row.location), expires_s,
                                          row.recording};
            std::string error;
            const auto signed_proof = links.enabled ? storage::sign_link(links.secret, proof, error) : std::nullopt;
            if (signed_proof) add_playback(proof, signed_proof->substr(signed_proof->rfind("sig=") + 4), "s3");
        } else {
            if (!serves_links(refusal)) return false;
            const storage::FileLink link{row.room, storage::LinkKind::Recordings, file_of(row.location), expires_s,
                                         row.recording};
            std::string error;
            const auto path = storage::sign_link(links.secret, link, error);
            if (!path) {
                kLog.error("no link for recording " + row.recording + ": " + error);
                refusal = reply_error(ErrorCode::LibraryUnavailable, "this recording cannot be linked: " + error);
                return false;
            }
            json_object_set_new(out.get(), "url", json_string((links.public_url + *path).c_str()));
            add_playback(link, path->substr(path->rfind("sig=") + 4), "local");
        }
        json_object_set_new(out.get(), "expires_ms", json_integer(expires_s * 1000));
        return true;
    };
    // The recording, if the caller may do `what` with it (else refusal is set).
    const auto checked = [&](pqxx::transaction_base &transaction, LibraryAction what,
                             bool lock) -> std::optional<LibraryRecording> {
        auto row = LibraryRows::find(transaction, recording_id, lock);
        if (!row) {
            refusal = reply_error(ErrorCode::NoSuchRecording, "no such recording");
            return std::nullopt;
        }
        if (!domain::library_allows(caller.rule, {row->room, row->owner, row->shared_with}, what)) {
            refusal = reply_error(ErrorCode::Forbidden, std::string("you may not ") + domain::library_action_name(what) +
                                                            " this recording");
            return std::nullopt;
        }
        return row;
    };
    const auto list = [&](const std::vector<LibraryRecording> &rows, bool whole) {
        json_t *items = json_array();
        for (const auto &row : rows)
            if (whole || domain::library_allows(caller.rule, {row.room, row.owner, row.shared_with}, LibraryAction::View))
                json_array_append_new(items, recording_json(row, caller.rule));
        json_object_set_new(out.get(), "recordings", items);
    };
    const auto links_json = [&](pqxx::transaction_base &transaction) {
        json_t *items = json_array();
        for (const auto &link : LibraryRows::links_of(transaction, recording_id))
            json_array_append_new(items, json_pack("{s:s, s:I, s:I}", "link", link.link_id.c_str(), "created_ms",
                                                   json_int_t(link.created_ms), "expires_ms",
                                                   json_int_t(link.expires_ms)));
        json_object_set_new(out.get(), "links", items);
    };

    const std::string who = caller.rule.is_operator ? "an operator"
                            : caller.rule.user.empty() ? "the host secret of " + caller.rule.host_of
                                                       : caller.rule.user;
    std::string error;
    const bool ok = delivery_.library("the recordings library", [&](pqxx::transaction_base &transaction,
                                                                    storage::OutboxStore &outbox, std::string &) {
        if (action == "room") {
            const std::string room = domain::string_field(body, "room");
            list(LibraryRows::in_room(transaction, room), domain::library_lists_whole_room(caller.rule, room));
            json_object_set_new(out.get(), "room", json_string(room.c_str()));
            return true;
        }
        if (action == "mine") {
            list(LibraryRows::of_user(transaction, caller.rule.user), true);
            return true;
        }
        if (action == "notices") {
            json_t *items = json_array();
            for (const auto &row : LibraryRows::notices_of(transaction, caller.rule.user))
                json_array_append_new(items, recording_json(row, caller.rule));
            json_object_set_new(out.get(), "notices", items);
            return true;
        }
        if (action == "dismiss") {
            if (LibraryRows::dismiss_notice(transaction, recording_id, caller.rule.user)) return true;
            refusal = reply_error(ErrorCode::NoSuchItem, "you have no notice of that recording");
            return false;
        }
        if (action == "open_link") {
            const auto link = LibraryRows::link_of_token(transaction,
                                                         storage::sha256_hex(domain::string_field(body, "share_token")));
            const char *why = !link ? "this share link is not valid"
                              : link->revoked ? "this share link was revoked"
                              : link->expires_ms <= now_ms() ? "this share link has expired"
                                                             : nullptr;
            if (why) {
                refusal = reply_error(ErrorCode::Unauthorized, why);
                return false;
            }
            const auto row = LibraryRows::find(transaction, link->recording);
            if (!row) {
                refusal = reply_error(ErrorCode::NoSuchRecording, "the shared recording was deleted");
                return false;
            }
            json_object_set_new(out.get(), "recording", recording_json(*row, domain::LibraryCaller{}));
            json_object_set_new(out.get(), "link_expires_ms", json_integer(link->expires_ms));
            return add_link(*row, link->expires_ms);
        }
        const LibraryAction need = action == "details" || action == "link" ? LibraryAction::View
                                   : action == "rename" || action == "delete" ? LibraryAction::Manage
                                                                               : LibraryAction::Share;
        const auto row = checked(transaction, need, need != LibraryAction::View);
        if (!row) return false;
        if (action == "details") {
            json_object_set_new(out.get(), "recording", recording_json(*row, caller.rule));
            if (domain::library_allows(caller.rule, {row->room, row->owner, row->shared_with}, LibraryAction::Share))
                links_json(transaction);
            return true;
        }
        if (action == "link") {
            json_object_set_new(out.get(), "recording", recording_json(*row, caller.rule));
            return add_link(*row, 0);
        }
        if (action == "share") {
            const int added = LibraryRows::share(transaction, *row, users, caller.rule.user, config_.node_id);
            json_object_set_new(out.get(), "added", json_integer(added));
        } else if (action == "unshare") {
            if (!LibraryRows::unshare(transaction, recording_id, domain::string_field(body, "user"))) {
                refusal = reply_error(ErrorCode::NoSuchItem, "the recording is not shared with that user");
                return false;
            }
        } else if (action == "share_link") {
            storage::LibraryLink link;
            link.link_id = common::random_id().substr(0, 16);
            link.created_by = caller.rule.user;
            link.expires_ms = now_ms() + share_seconds * 1000;
            const std::string token = common::random_id() + common::random_id(); // 256 bits
            LibraryRows::add_link(transaction, *row, link, storage::sha256_hex(token), config_.node_id);
            json_object_set_new(out.get(), "link", json_string(link.link_id.c_str()));
            json_object_set_new(out.get(), "share_token", json_string(token.c_str()));
            json_object_set_new(out.get(), "expires_ms", json_integer(link.expires_ms));
        } else if (action == "revoke_link") {
            if (!LibraryRows::revoke_link(transaction, recording_id, domain::string_field(body, "link"))) {
                refusal = reply_error(ErrorCode::NoSuchItem, "the recording has no such active link");
                return false;
            }
        } else if (action == "rename") {
            LibraryRows::rename(transaction, recording_id, title);
        } else if (action == "delete") {
            if (row->state == "recording" || row->state == "uploading") {
                refusal = reply_error(ErrorCode::RecordingState, "the recording is still being " +
                                                                     std::string(row->state == "recording" ? "recorded" : "uploaded"));
                return false;
            }
            LibraryRows::mark_deleted(transaction, recording_id);
            const storage::DeleteRequest removal{recording_id, row->storage, row->location, row->files};
            // A local file can be removed only by the node that holds it, unless all share the volume.
            const bool pinned = row->storage == "local" && !config_.delivery.shared_recordings;
            const storage::NewJob job{storage::delete_job_id(recording_id), row->room, "delete", pinned ? row->node : "",
                                      storage::delete_payload(removal)};
            std::string refused;
            if (!outbox.enqueue(transaction, {job}, refused)) {
                refusal = reply_error(ErrorCode::Internal, "the deletion could not be queued: " + refused);
                return false;
            }
        }
        kLog.info("library " + action + " of " + recording_id + " by " + who);
        const auto updated = LibraryRows::find(transaction, recording_id);
        if (updated) json_object_set_new(out.get(), "recording", recording_json(*updated, caller.rule));
        if (action == "share_link" || action == "revoke_link") links_json(transaction);
        return true;
    }, error);
    if (refusal) return std::move(*refusal);
    if (!ok) {
        kLog.warning("library " + action + ": " + error);
        return reply_error(ErrorCode::LibraryUnavailable, "the recordings database is unreachable; retry");
    }
    return reply_with(std::move(out));
}

} // namespace roomrec::plugin
