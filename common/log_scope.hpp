// The request a thread is working on, for the log: while a LogScope lives, every line the
// thread logs through the facade (common/log.hpp) names its room, participant and transaction.
// The plugin's dispatcher opens one around each request; a handler may open a nested one once
// it knows more (the room a join names, say).
//
//   common::LogScope scope({.room = room_id, .transaction = transaction});
#pragma once

#include <string>

namespace roomrec::common {

// Designated initializers name only what is known: {.room = id, .transaction = tx}.
struct LogContext {
    std::string room = {}; // the initializers let -Wextra accept the fields left out
    std::string participant = {};
    std::string transaction = {};

    bool empty() const { return room.empty() && participant.empty() && transaction.empty(); }
};

class LogScope {
public:
    // Fields left empty keep the value of the enclosing scope on this thread, if any.
    explicit LogScope(LogContext context);
    ~LogScope(); // the enclosing scope's context is current again
    LogScope(const LogScope &) = delete;
    LogScope &operator=(const LogScope &) = delete;

    // The innermost live scope's context on the calling thread; empty outside any scope.
    static const LogContext &current();

private:
    LogContext context_;
    const LogContext *outer_;
};

} // namespace roomrec::common
