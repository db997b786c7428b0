// Log lines of the plugin's own threads (delivery, telemetry, retention) into Janus's log.
// Those libraries know no Janus: they take a sink, level 0 error, 1 warning, 2 info.
#pragma once

#include "plugin/janus_api.hpp"

#include <functional>
#include <string>

namespace roomrec::plugin {

inline std::function<void(int, const std::string &)> janus_log_sink(std::string prefix) {
    return [prefix = std::move(prefix)](int level, const std::string &line) {
        const int janus_level = level == 0 ? LOG_ERR : level == 1 ? LOG_WARN : LOG_INFO;
        JANUS_LOG(janus_level, "[roomrec] %s%s\n", prefix.c_str(), line.c_str());
    };
}

} // namespace roomrec::plugin
