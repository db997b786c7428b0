#include "plugin/report_access.hpp"

#include "domain/role.hpp"
#include "domain/signed_token.hpp"



namespace roomrec::plugin {
namespace {

using domain::ErrorCode;

const char *text(const Request &request, const char *name) {
    return json_string_value(json_object_get(request.body.get(), name));
}

bool owns(const domain::RoomSettings &settings, const std::string &user) {
    return !user.empty() &&
           (user == settings.media_owner || user == settings.channel_owner || user == settings.gallery_owner);
}

} // namespace

std::optional<Reply> host_secret_refusal(const LiveRoom *room, const char *secret, const char *other_role) {
    if (!room) return reply_error(ErrorCode::Unauthorized, "a room secret works only while the room is live here");
    if (domain::secret_proves_role(room->settings, domain::Role::Host, secret)) return std::nullopt;
    for (const auto role : {domain::Role::Moderator, domain::Role::Speaker, domain::Role::Viewer})
        if (domain::secret_proves_role(room->settings, role, secret)) return reply_error(ErrorCode::Forbidden, other_role);
    return reply_error(ErrorCode::Unauthorized, "wrong secret");
}

std::variant<ReportGrant, Reply> check_report_access(const PluginConfig &config, const std::string &room_id,
                                                     const LiveRoom *room, const Request &request, int64_t now_s) {
    if (request.admin) return ReportGrant{"operator", "admin", ""};
    if (const char *secret = text(request, "admin_secret")) {
        if (same_secret(secret, config.admin_secret)) return ReportGrant{"operator", "admin", ""};
        return reply_error(ErrorCode::Unauthorized, "wrong admin_secret");
    }
    if (const char *token = text(request, "token")) {
        const auto check = domain::verify_token(token, config.token_secret, kPackage, now_s);
        if (!check.ok()) return reply_error(ErrorCode::Unauthorized, domain::token_error_text(check.error));
        if (check.claims.room != room_id) return reply_error(ErrorCode::Unauthorized, "token is for another room");
        const std::string credential = "user:" + check.claims.user;
        if (check.claims.role == "host") return ReportGrant{"host " + check.claims.user, credential, check.claims.user};
        if (room && owns(room->settings, check.claims.user))
            return ReportGrant{"owner " + check.claims.user, credential, check.claims.user};
        return reply_error(ErrorCode::Forbidden, "reports are for the room's hosts and owner");
    }
    if (const char *secret = text(request, "secret")) {
        if (auto refused = host_secret_refusal(room, secret, "reports are for the room's hosts and owner"))
            return std::move(*refused);
        return ReportGrant{"host secret", "secret:" + room_id, ""};
    }
    return reply_error(ErrorCode::Unauthorized, "reports need the admin_secret, a host's token or the host secret");
}

} // namespace roomrec::plugin
