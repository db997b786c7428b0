#include "analytics/reports/query_canceller.hpp"

#include <pqxx/connection_base>

namespace roomrec::analytics {

bool QueryCanceller::attach(pqxx::connection_base &connection) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancelled_) return false;
    running_ = &connection;
    return true;
}

void QueryCanceller::detach() {
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = nullptr;
}

void QueryCanceller::cancel() {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    if (running_ == nullptr) return;
    try {
        running_->cancel_query();
    } catch (const std::exception &) {
        // The server is away or the statement just ended: nothing left to cancel.
    }
}

bool QueryCanceller::cancelled() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return cancelled_;
}

} // namespace roomrec::analytics
