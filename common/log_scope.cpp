#include "common/log_scope.hpp"

#include <utility>

namespace roomrec::common {
namespace {

thread_local const LogContext *t_current = nullptr;

} // namespace

LogScope::LogScope(LogContext context) : context_(std::move(context)), outer_(t_current) {
    if (outer_ != nullptr) {
        if (context_.room.empty()) context_.room = outer_->room;
        if (context_.participant.empty()) context_.participant = outer_->participant;
        if (context_.transaction.empty()) context_.transaction = outer_->transaction;
    }
    t_current = &context_;
}

LogScope::~LogScope() { t_current = outer_; }

const LogContext &LogScope::current() {
    static const LogContext none;
    return t_current != nullptr ? *t_current : none;
}

} // namespace roomrec::common
