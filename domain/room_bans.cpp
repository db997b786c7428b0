#include "domain/room_bans.hpp"

#include <algorithm>

namespace roomrec::domain {

RoomBans::RoomBans(size_t max_users) : max_users_(std::max<size_t>(max_users, 1)) {}

void RoomBans::ban(const std::string &user_id, int64_t now_us, int64_t duration_us, bool covers_hosts) {
    if (duration_us <= 0 || user_id.empty()) return;
    const int64_t until = duration_us > INT64_MAX - now_us ? INT64_MAX : now_us + duration_us;
    if (const auto it = until_us_.find(user_id); it != until_us_.end()) {
        it->second.until_us = std::max(it->second.until_us, until);
        it->second.covers_hosts = it->second.covers_hosts || covers_hosts;
        return;
    }
    make_room(now_us);
    until_us_.emplace(user_id, Ban{until, covers_hosts});
}

std::optional<int64_t> RoomBans::banned_until(const std::string &user_id, int64_t now_us, bool as_host) const {
    const auto it = until_us_.find(user_id);
    if (it == until_us_.end() || it->second.until_us <= now_us) return std::nullopt;
    if (as_host && !it->second.covers_hosts) return std::nullopt;
    return it->second.until_us;
}

bool RoomBans::lift(const std::string &user_id) { return until_us_.erase(user_id) > 0; }

void RoomBans::make_room(int64_t now_us) {
    if (until_us_.size() < max_users_) return;
    std::erase_if(until_us_, [now_us](const auto &entry) { return entry.second.until_us <= now_us; });
    if (until_us_.size() < max_users_) return;
    const auto soonest = std::min_element(until_us_.begin(), until_us_.end(), [](const auto &a, const auto &b) {
        return a.second.until_us < b.second.until_us;
    });
    until_us_.erase(soonest);
}

int64_t seconds_left(int64_t until_us, int64_t now_us) {
    if (until_us <= now_us) return 0;
    const int64_t left = until_us - now_us;
    return left / 1'000'000 + (left % 1'000'000 != 0 ? 1 : 0);
}

} // namespace roomrec::domain
