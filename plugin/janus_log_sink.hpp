// The logging facade's sink inside Janus (common/log.hpp): every line of the libraries and of
// the plugin's own threads (delivery, telemetry, retention) goes to Janus's log at the matching
// Janus level. Installed at init, before any of those threads starts; Janus filters by its own
// (runtime-adjustable) level, so the facade lets everything through to this sink.
#pragma once

#include "common/log.hpp"
#include "plugin/janus_api.hpp"

namespace roomrec::plugin {

inline int janus_level_of(common::LogLevel level) {
    switch (level) {
    case common::LogLevel::Error: return LOG_ERR;
    case common::LogLevel::Warning: return LOG_WARN;
    case common::LogLevel::Info: return LOG_INFO;
    case common::LogLevel::Verbose: return LOG_VERB;
    case common::LogLevel::Debug: return LOG_DBG;
    }
    return LOG_INFO;
}

inline void install_janus_log_sink() {
    common::set_log_sink([](const common::LogRecord &record) {
        const int level = janus_level_of(record.level);
        if (level > janus_log_level) return; // not worth formatting
        JANUS_LOG(level, "%s\n", common::format_log_line(record).c_str());
    });
    common::set_log_level(common::LogLevel::Debug);
}

// Back to stderr: the sink's code goes away with the plugin.
inline void remove_janus_log_sink() {
    common::set_log_sink({});
    common::set_log_level(common::LogLevel::Info);
}

} // namespace roomrec::plugin
