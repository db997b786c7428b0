// The logging facade: every layer logs through a Logger named after its subsystem, the process
// decides where lines go. Libraries know no Janus: the sink is stderr until the plugin installs
// one that writes into Janus's log (plugin/janus_log_sink.hpp).
//
//   namespace { constexpr common::Logger kLog("telemetry"); }
//   kLog.warning("Postgres unavailable: " + error);
//   -> [roomrec] [telemetry] [room=r1 participant=p7 tx=abc] Postgres unavailable: ...
//
// The bracket with room, participant and transaction appears while a common::LogScope is alive
// on the logging thread (common/log_scope.hpp).
#pragma once

#include "common/log_scope.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace roomrec::common {

// Most severe first; a level lets through itself and everything above it.
enum class LogLevel { Error, Warning, Info, Verbose, Debug };

const char *log_level_name(LogLevel level); // "error", "warning", ...

struct LogRecord {
    LogLevel level;
    std::string_view tag;      // the Logger's subsystem name
    const LogContext &context; // the logging thread's LogScope; empty outside one
    std::string_view message;
};

// Called on the logging thread, from any thread at once: it must be thread-safe, and must not
// itself log through the facade.
using LogSink = std::function<void(const LogRecord &record)>;

// Installs a sink; an empty one restores the default (stderr). Returns the one it replaces
// (empty for the default), so a caller can put it back.
LogSink set_log_sink(LogSink sink);
// Lines less severe than `level` are dropped before the message reaches a sink (default Info).
void set_log_level(LogLevel level);
LogLevel log_level();

// "[roomrec] [tag] [room=.. participant=.. tx=..] message": the tag and context brackets only
// when there is a tag and a context, and only the context fields that are set.
std::string format_log_line(const LogRecord &record);

// printf-style text for a log message (the plugin's lines carry numbers and ids).
std::string format_text(const char *format, ...) __attribute__((format(printf, 1, 2)));

class Logger {
public:
    explicit constexpr Logger(std::string_view tag) : tag_(tag) {}

    std::string_view tag() const { return tag_; }
    // Whether a line at this level would reach the sink: check before building a costly message.
    bool enabled(LogLevel level) const { return level <= log_level(); }

    void log(LogLevel level, std::string_view message) const;
    void error(std::string_view message) const { log(LogLevel::Error, message); }
    void warning(std::string_view message) const { log(LogLevel::Warning, message); }
    void info(std::string_view message) const { log(LogLevel::Info, message); }
    void verbose(std::string_view message) const { log(LogLevel::Verbose, message); }
    void debug(std::string_view message) const { log(LogLevel::Debug, message); }

private:
    std::string_view tag_;
};

} // namespace roomrec::common
