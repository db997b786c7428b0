#include "common/log.hpp"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <memory>
#include <mutex>

namespace roomrec::common {
namespace {

void write_to_stderr(const LogRecord &record) {
    const char *marker = record.level == LogLevel::Error     ? "[ERR] "
                         : record.level == LogLevel::Warning ? "[WARN] "
                                                             : "";
    const std::string line = marker + format_log_line(record) + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr); // one call: lines of threads do not interleave
}

// Never destroyed: threads that outlive main() (detached, or joined in a static destructor)
// may still log while the process exits.
struct Facade {
    std::atomic<LogLevel> level{LogLevel::Info};
    std::mutex mutex; // guards sink: a log call copies it and calls it outside the lock
    std::shared_ptr<const LogSink> sink;
};

Facade &facade() {
    static Facade *const instance = new Facade;
    return *instance;
}

void append_field(std::string &out, const char *name, const std::string &value) {
    if (value.empty()) return;
    if (out.back() != '[') out += ' ';
    out += name;
    out += '=';
    out += value;
}

} // namespace

const char *log_level_name(LogLevel level) {
    switch (level) {
    case LogLevel::Error: return "error";
    case LogLevel::Warning: return "warning";
    case LogLevel::Info: return "info";
    case LogLevel::Verbose: return "verbose";
    case LogLevel::Debug: return "debug";
    }
    return "unknown";
}

LogSink set_log_sink(LogSink sink) {
    auto installed = sink ? std::make_shared<const LogSink>(std::move(sink)) : nullptr;
    Facade &f = facade();
    std::lock_guard lock(f.mutex);
    installed.swap(f.sink);
    return installed ? *installed : LogSink();
}

void set_log_level(LogLevel level) { facade().level.store(level, std::memory_order_relaxed); }

LogLevel log_level() { return facade().level.load(std::memory_order_relaxed); }

std::string format_log_line(const LogRecord &record) {
    std::string line = "[roomrec] ";
    if (!record.tag.empty()) {
        line += '[';
        line += record.tag;
        line += "] ";
    }
    if (!record.context.empty()) {
        line += '[';
        append_field(line, "room", record.context.room);
        append_field(line, "participant", record.context.participant);
        append_field(line, "tx", record.context.transaction);
        line += "] ";
    }
    line += record.message;
    return line;
}

void Logger::log(LogLevel level, std::string_view message) const {
    if (!enabled(level)) return;
    Facade &f = facade();
    std::shared_ptr<const LogSink> sink;
    {
        std::lock_guard lock(f.mutex);
        sink = f.sink;
    }
    const LogRecord record{level, tag_, LogScope::current(), message};
    if (sink) (*sink)(record);
    else write_to_stderr(record);
}

std::string format_text(const char *format, ...) {
    va_list args;
    va_start(args, format);
    va_list again;
    va_copy(again, args);
    const int length = std::vsnprintf(nullptr, 0, format, args);
    va_end(args);
    std::string text(length > 0 ? static_cast<size_t>(length) : 0, '\0');
    if (length > 0) std::vsnprintf(text.data(), text.size() + 1, format, again);
    va_end(again);
    return text;
}

} // namespace roomrec::common
