// Lets another thread cancel the report query running on the report worker's connection, so a
// stopping plugin never waits for a long query. The worker attaches its connection for the
// duration of one statement; cancel() (any thread) asks the server to cancel it (libpq's
// cancel request, on its own socket) and refuses every later attach. The lock makes the
// connection outlive a cancel in progress: detach waits for it.
#pragma once

#include <mutex>

namespace pqxx {
class connection_base;
}

namespace roomrec::analytics {

class QueryCanceller {
public:
    // The worker, before its statement: false when cancel() came first (do not run it).
    bool attach(pqxx::connection_base &connection);
    void detach();
    // Any thread: cancels the attached statement, if any, and every later one.
    void cancel();
    bool cancelled() const;

    // attach() .. detach() as a scope.
    class Scope {
    public:
        Scope(QueryCanceller *canceller, pqxx::connection_base &connection)
            : canceller_(canceller), attached_(!canceller || canceller->attach(connection)) {}
        ~Scope() {
            if (canceller_ && attached_) canceller_->detach();
        }
        Scope(const Scope &) = delete;
        Scope &operator=(const Scope &) = delete;
        bool attached() const { return attached_; }

    private:
        QueryCanceller *canceller_;
        bool attached_;
    };

private:
    mutable std::mutex mutex_;
    pqxx::connection_base *running_ = nullptr;
    bool cancelled_ = false;
};

} // namespace roomrec::analytics
