#include "domain/ownership.hpp"

namespace roomrec::domain {

std::string recording_owner(const RoomSettings &room, const std::string &initiator_user_id) {
    const std::string *owner = nullptr;
    switch (room.type) {
    case RoomType::Channel: owner = &room.channel_owner; break;
    case RoomType::Gallery: owner = &room.gallery_owner; break;
    case RoomType::Single: owner = &room.media_owner; break;
    }
    return owner != nullptr && !owner->empty() ? *owner : initiator_user_id;
}

} // namespace roomrec::domain
