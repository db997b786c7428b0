// Per-user count of refused signals (reactions over the limit), so reports can show attempts,
// not only what got through. Rows are coalesced: a refusal writes a row (value = refusals since
// the user's previous row) when kRowGapUs passed since that previous row; the rest waits for the
// next such refusal, the user's leave, or the end of the session. Pure; one per room session.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace roomrec::domain {

class RefusalTally {
public:
    static constexpr int64_t kRowGapUs = 10'000'000;

    // max_users: like the rate limiter's bound. A user beyond it is not tracked: each of their
    // refusals is its own row (value 1), so the count stays exact and memory stays bounded.
    explicit RefusalTally(size_t max_users = 20'000);

    // One refusal of user_id at now_us (monotonic): the value of the row to write now, if any.
    std::optional<int64_t> refuse(const std::string &user_id, int64_t now_us);
    // The user left: their unwritten refusals, if any (and they are forgotten).
    std::optional<int64_t> flush(const std::string &user_id);
    // The session ends: every user's unwritten refusals.
    std::vector<std::pair<std::string, int64_t>> flush_all();

    size_t tracked_users() const { return users_.size(); }
    int64_t pending(const std::string &user_id) const;

private:
    struct Entry {
        int64_t pending = 0; // refused since the last row
        int64_t last_row_us = 0;
    };
    void forget_written(int64_t now_us); // users with nothing pending whose last row is old enough

    size_t max_users_;
    std::unordered_map<std::string, Entry> users_;
};

} // namespace roomrec::domain
