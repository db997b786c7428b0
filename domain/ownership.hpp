// Who owns a recording (C9).
#pragma once

#include "domain/room.hpp"

#include <string>

namespace roomrec::domain {

// Channel rooms: the channel owner. Gallery rooms: the gallery owner, else the initiator.
// Single rooms: the media owner (the initiator when the room names none).
std::string recording_owner(const RoomSettings &room, const std::string &initiator_user_id);

} // namespace roomrec::domain
