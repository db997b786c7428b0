// A room's settings (R1) and its roster of joined participants (R2, R7).
#pragma once

#include "domain/client_info.hpp"
#include "domain/request_schema.hpp"
#include "domain/role.hpp"

#include <jansson.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace roomrec::domain {

enum class RoomType { Single, Channel, Gallery };

const char *room_type_name(RoomType type);

constexpr int64_t kDefaultMaxSessionSeconds = 24 * 3600;
constexpr int64_t kLimitMaxSessionSeconds = 72 * 3600;
constexpr int kMaxReactionBurst = 1000; // as the jcfg limits (room_rate_limits)
constexpr int kMaxReactionsPerMinute = 60000;

struct RoomSettings {
    std::string id;
    std::string title;
    RoomType type = RoomType::Single;
    std::string media_owner;   // single rooms
    std::string channel_owner; // channel rooms
    std::string gallery_owner; // gallery rooms
    int64_t max_session_seconds = kDefaultMaxSessionSeconds;
    std::string parent_id; // breakout rooms name their parent
    int64_t max_participants = 100;
    std::map<Role, std::string> secrets; // role → secret that proves it; absent: token only
    bool is_static = false;              // declared in the jcfg, not destroyable by API
    bool is_public = false;              // listed (id and title) to callers without the admin_secret
    // The room's own reaction limit; 0 = the jcfg "limits" (reactions_burst, reactions_per_minute).
    int reaction_burst = 0;
    int reactions_per_minute = 0;
};

// Validates a room description (API "create" body or a jcfg category turned into JSON).
std::variant<RoomSettings, ValidationError> parse_room_settings(const json_t *description);

// Constant-time check of a room secret for a role; false when the role has no secret.
bool secret_proves_role(const RoomSettings &room, Role role, const std::string &secret);

struct Member {
    std::string participant_id;
    ClientInfo client;
    Role role = Role::Viewer;
    bool on_stage = false; // viewers brought on stage by a host or moderator
};

class Roster {
public:
    bool add(Member member); // false if the id is taken
    bool remove(const std::string &participant_id);
    Member *find(const std::string &participant_id);
    const Member *find(const std::string &participant_id) const;
    // The member a user holds their seat through (one seat per user), if any.
    const Member *find_user(const std::string &user_id) const;
    size_t size() const { return members_.size(); }
    size_t count(Role role) const;
    std::vector<const Member *> members() const;

private:
    std::map<std::string, Member> members_;
};

} // namespace roomrec::domain
