// How many exports one user may ask for: at most `limit` in any sliding window of `window_us`
// (the plugin: 10 an hour). Keys are user keys ("host <user>", "operator", ...); a key whose
// exports all left the window is forgotten, so the table holds only recent askers. Pure; not
// thread-safe (the plugin uses it on the signalling thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

namespace roomrec::plugin {

class ExportQuota {
public:
    static constexpr size_t kPerHour = 10;
    static constexpr int64_t kHourUs = 3600LL * 1000 * 1000;

    explicit ExportQuota(size_t limit = kPerHour, int64_t window_us = kHourUs) : limit_(limit), window_us_(window_us) {}

    // Counts one export for `key` at now_us and returns nullopt, or refuses (counting nothing)
    // and returns how long until the key's oldest export in the window leaves it.
    std::optional<int64_t> take(const std::string &key, int64_t now_us);
    // An export counted by take() that was not queued after all (the delivery refused it).
    void give_back(const std::string &key);

    size_t keys() const { return taken_.size(); }

private:
    void forget_old(int64_t now_us);

    size_t limit_;
    int64_t window_us_;
    std::map<std::string, std::deque<int64_t>> taken_; // per key, times in order
};

} // namespace roomrec::plugin
