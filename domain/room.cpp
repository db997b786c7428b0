#include "domain/room.hpp"

#include "common/utf8.hpp"

#include <openssl/crypto.h>

#include <array>

namespace roomrec::domain {
namespace {

constexpr std::array kRoomParams{
    ParamSpec{"room", JsonKind::Identifier, true, 64},
    ParamSpec{"title", JsonKind::String, true, 200},
    ParamSpec{"type", JsonKind::String, false, 16},
    ParamSpec{"media_owner", JsonKind::Identifier, false, 128},
    ParamSpec{"channel_owner", JsonKind::Identifier, false, 128},
    ParamSpec{"gallery_owner", JsonKind::Identifier, false, 128},
    ParamSpec{"max_session_duration", JsonKind::Integer, false, kLimitMaxSessionSeconds, 60},
    ParamSpec{"parent", JsonKind::Identifier, false, 64},
    ParamSpec{"max_participants", JsonKind::Integer, false, 1000, 1},
    ParamSpec{"host_secret", JsonKind::String, false, 256},
    ParamSpec{"moderator_secret", JsonKind::String, false, 256},
    ParamSpec{"speaker_secret", JsonKind::String, false, 256},
    ParamSpec{"viewer_secret", JsonKind::String, false, 256},
    ParamSpec{"public", JsonKind::Boolean, false, 0},
    ParamSpec{"reaction_burst", JsonKind::Integer, false, kMaxReactionBurst, 1},
    ParamSpec{"reactions_per_minute", JsonKind::Integer, false, kMaxReactionsPerMinute, 1},
};

} // namespace

const char *room_type_name(RoomType type) {
    switch (type) {
    case RoomType::Single: return "single";
    case RoomType::Channel: return "channel";
    case RoomType::Gallery: return "gallery";
    }
    return "single";
}

std::variant<RoomSettings, ValidationError> parse_room_settings(const json_t *description) {
    if (auto invalid = validate_params(description, kRoomParams)) return *invalid;
    RoomSettings room;
    room.id = string_field(description, "room");
    room.title = string_field(description, "title");
    if (room.title.empty()) return ValidationError{ErrorCode::InvalidElement, "title must not be empty"};
    // Refused rather than silently changed: the caller learns which character, and a title can
    // never spoof another or be invisible in lists, events and file names.
    if (const std::string invisible = common::invisible_text_error(room.title); !invisible.empty())
        return ValidationError{ErrorCode::InvalidElement, "title must not contain " + invisible};
    const std::string type = string_field(description, "type");
    if (type == "channel") room.type = RoomType::Channel;
    else if (type == "gallery") room.type = RoomType::Gallery;
    else if (!type.empty() && type != "single")
        return ValidationError{ErrorCode::InvalidElement, "type must be \"single\", \"channel\" or \"gallery\""};
    room.media_owner = string_field(description, "media_owner");
    room.channel_owner = string_field(description, "channel_owner");
    room.gallery_owner = string_field(description, "gallery_owner");
    room.parent_id = string_field(description, "parent");
    if (room.parent_id == room.id) return ValidationError{ErrorCode::InvalidElement, "parent must be another room"};
    if (const json_t *duration = json_object_get(description, "max_session_duration"))
        room.max_session_seconds = json_integer_value(duration);
    room.is_public = json_is_true(json_object_get(description, "public"));
    if (const json_t *limit = json_object_get(description, "max_participants"))
        room.max_participants = json_integer_value(limit);
    if (const json_t *burst = json_object_get(description, "reaction_burst"))
        room.reaction_burst = static_cast<int>(json_integer_value(burst));
    if (const json_t *rate = json_object_get(description, "reactions_per_minute"))
        room.reactions_per_minute = static_cast<int>(json_integer_value(rate));
    const std::pair<const char *, Role> secret_keys[] = {{"host_secret", Role::Host},
                                                         {"moderator_secret", Role::Moderator},
                                                         {"speaker_secret", Role::Speaker},
                                                         {"viewer_secret", Role::Viewer}};
    for (const auto &[key, role] : secret_keys) {
        std::string secret = string_field(description, key);
        if (!secret.empty()) room.secrets[role] = std::move(secret);
    }
    return room;
}

bool secret_proves_role(const RoomSettings &room, Role role, const std::string &secret) {
    const auto it = room.secrets.find(role);
    if (it == room.secrets.end() || secret.empty() || it->second.size() != secret.size()) return false;
    return CRYPTO_memcmp(it->second.data(), secret.data(), secret.size()) == 0;
}

bool Roster::add(Member member) {
    const std::string id = member.participant_id;
    return members_.emplace(id, std::move(member)).second;
}

bool Roster::remove(const std::string &participant_id) { return members_.erase(participant_id) > 0; }

Member *Roster::find(const std::string &participant_id) {
    const auto it = members_.find(participant_id);
    return it == members_.end() ? nullptr : &it->second;
}

const Member *Roster::find(const std::string &participant_id) const {
    const auto it = members_.find(participant_id);
    return it == members_.end() ? nullptr : &it->second;
}

const Member *Roster::find_user(const std::string &user_id) const {
    for (const auto &[id, member] : members_)
        if (member.client.user_id == user_id) return &member;
    return nullptr;
}

size_t Roster::count(Role role) const {
    size_t total = 0;
    for (const auto &[id, member] : members_)
        if (member.role == role) ++total;
    return total;
}

std::vector<const Member *> Roster::members() const {
    std::vector<const Member *> list;
    for (const auto &[id, member] : members_) list.push_back(&member);
    return list;
}

} // namespace roomrec::domain
