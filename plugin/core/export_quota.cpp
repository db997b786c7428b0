#include "plugin/core/export_quota.hpp"

namespace roomrec::plugin {

void ExportQuota::forget_old(int64_t now_us) {
    for (auto it = taken_.begin(); it != taken_.end();) {
        auto &times = it->second;
        while (!times.empty() && times.front() <= now_us - window_us_) times.pop_front();
        it = times.empty() ? taken_.erase(it) : std::next(it);
    }
}

std::optional<int64_t> ExportQuota::take(const std::string &key, int64_t now_us) {
    forget_old(now_us);
    auto &times = taken_[key];
    if (times.size() >= limit_) return times.front() + window_us_ - now_us;
    times.push_back(now_us);
    return std::nullopt;
}

void ExportQuota::give_back(const std::string &key) {
    const auto found = taken_.find(key);
    if (found == taken_.end() || found->second.empty()) return;
    found->second.pop_back();
    if (found->second.empty()) taken_.erase(found);
}

} // namespace roomrec::plugin
