// Who a host or moderator removed from a room session, and until when (R7). A kick keeps that
// user out: their next join is refused until the ban ends or the room session closes. Users are
// trusted ids only (a signed token's user, or the id the server gave a guest), so a ban cannot be
// laid on someone else by claiming their name. Monotonic clock injected, in microseconds.
// Not thread-safe: one instance per room, used on the signalling thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace roomrec::domain {

class RoomBans {
public:
    // At most max_users bans are kept; when full, expired ones are forgotten first and then the
    // one ending soonest, so a flood of kicks never grows the table without bound.
    explicit RoomBans(size_t max_users = 10'000);

    // Bans user_id until now_us + duration_us (a later end replaces an earlier one, never the
    // reverse). A duration <= 0 bans nobody. A moderator's kick never keeps out a host (they may
    // not kick one): covers_hosts false lets the same user still join as host.
    void ban(const std::string &user_id, int64_t now_us, int64_t duration_us, bool covers_hosts = true);
    // When the user's ban ends, if they are banned at now_us from joining (as host or not).
    std::optional<int64_t> banned_until(const std::string &user_id, int64_t now_us, bool as_host = false) const;
    // True if the user was banned (and is no longer).
    bool lift(const std::string &user_id);
    // The room session ended: every ban goes with it.
    void clear() { until_us_.clear(); }
    size_t size() const { return until_us_.size(); }

private:
    struct Ban {
        int64_t until_us;
        bool covers_hosts;
    };
    void make_room(int64_t now_us);

    size_t max_users_;
    std::map<std::string, Ban> until_us_;
};

// Seconds left until a ban ends, rounded up (for the refusal's text).
int64_t seconds_left(int64_t until_us, int64_t now_us);

} // namespace roomrec::domain
