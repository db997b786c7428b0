#include "plugin/library_access.hpp"

#include "domain/signed_token.hpp"
#include "plugin/report_access.hpp"

namespace roomrec::plugin {

using domain::ErrorCode;

std::variant<LibraryGrant, Reply> check_library_access(const PluginConfig &config, const LiveRoom *room,
                                                       const Request &request, int64_t now_s) {
    const json_t *body = request.body.get();
    const auto text = [body](const char *name) { return json_string_value(json_object_get(body, name)); };
    if (request.admin) return LibraryGrant{{true, "", ""}, "admin"};
    if (const char *secret = text("admin_secret")) {
        if (same_secret(secret, config.admin_secret)) return LibraryGrant{{true, "", ""}, "admin"};
        return reply_error(ErrorCode::Unauthorized, "wrong admin_secret");
    }
    if (const char *token = text("token")) {
        const auto check = domain::verify_token(token, config.token_secret, kPackage, now_s);
        if (!check.ok()) return reply_error(ErrorCode::Unauthorized, domain::token_error_text(check.error));
        return LibraryGrant{{false, check.claims.user, check.claims.role == "host" ? check.claims.room : ""},
                            "user:" + check.claims.user};
    }
    if (const char *secret = text("secret")) {
        const char *room_id = text("room");
        if (room_id == nullptr || *room_id == '\0')
            return reply_error(ErrorCode::MissingElement, "room is required with a room's secret");
        if (room && room->settings.id != room_id) room = nullptr; // never another room's secret
        if (auto refused = host_secret_refusal(room, secret, "the library takes the room's host secret, not another role's"))
            return std::move(*refused);
        return LibraryGrant{domain::host_secret_caller(room_id), std::string("secret:") + room_id};
    }
    return reply_error(ErrorCode::Unauthorized,
                       "the library needs a signed token, the room's host secret (with room) or the admin_secret");
}

} // namespace roomrec::plugin
