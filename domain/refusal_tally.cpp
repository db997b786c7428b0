#include "domain/refusal_tally.hpp"

#include <algorithm>

namespace roomrec::domain {

RefusalTally::RefusalTally(size_t max_users) : max_users_(std::max<size_t>(max_users, 1)) {}

// A user with nothing pending and a last row kRowGapUs ago behaves exactly like an untracked
// one (their next refusal writes at once), so forgetting them changes no row.
void RefusalTally::forget_written(int64_t now_us) {
    std::erase_if(users_, [&](const auto &entry) {
        return entry.second.pending == 0 && now_us - entry.second.last_row_us >= kRowGapUs;
    });
}

std::optional<int64_t> RefusalTally::refuse(const std::string &user_id, int64_t now_us) {
    auto it = users_.find(user_id);
    if (it == users_.end()) {
        if (users_.size() >= max_users_) forget_written(now_us);
        if (users_.size() >= max_users_) return 1; // untracked: one row per refusal
        users_.emplace(user_id, Entry{0, now_us});
        return 1; // the user's first row
    }
    Entry &entry = it->second;
    ++entry.pending;
    if (now_us - entry.last_row_us < kRowGapUs) return std::nullopt;
    const int64_t count = entry.pending;
    entry.pending = 0;
    entry.last_row_us = now_us;
    return count;
}

std::optional<int64_t> RefusalTally::flush(const std::string &user_id) {
    const auto it = users_.find(user_id);
    if (it == users_.end()) return std::nullopt;
    const int64_t count = it->second.pending;
    users_.erase(it);
    if (count == 0) return std::nullopt;
    return count;
}

std::vector<std::pair<std::string, int64_t>> RefusalTally::flush_all() {
    std::vector<std::pair<std::string, int64_t>> rows;
    for (const auto &[user, entry] : users_)
        if (entry.pending > 0) rows.emplace_back(user, entry.pending);
    users_.clear();
    return rows;
}

int64_t RefusalTally::pending(const std::string &user_id) const {
    const auto it = users_.find(user_id);
    return it == users_.end() ? 0 : it->second.pending;
}

} // namespace roomrec::domain
