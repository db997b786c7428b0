// From a Janus message to a handler's reply: finds the request in the declared table,
// validates its parameters, runs the handler on the signalling thread (or, where the table says
// so, on the caller's thread), catches what it throws, and answers synchronously or, for
// requests that carry JSEP, with push_event. Every failure is logged with its request context.
#pragma once

#include "domain/request_table.hpp"
#include "plugin/janus_api.hpp"
#include "plugin/replies.hpp"
#include "plugin/request.hpp"

#include <functional>
#include <vector>

namespace roomrec::plugin {

class RoomMessenger;
class SessionTable;
class SignallingWorker;

// Every request the plugin accepts: domain/request_table.cpp (docs/API.md mirrors it).
using domain::request_types;
using domain::RequestType;

class RequestDispatcher {
public:
    using Handler = std::function<Reply(Request &)>;

    RequestDispatcher(SignallingWorker &worker, SessionTable &sessions, RoomMessenger &messenger);

    // Binds a declared request to its handler; throws for a name the table does not declare.
    void bind(const char *name, Handler handler);
    // Throws unless every declared request has a handler.
    void check_complete() const;

    // Janus's request threads: takes ownership of transaction, message and jsep.
    janus_plugin_result *handle_message(janus_plugin_session *handle, char *transaction, json_t *message, json_t *jsep);
    // Janus's admin thread: borrows message; returns a new reference.
    json_t *handle_admin_message(json_t *message);

private:
    Reply run(const RequestType &type, Request &request) const;

    SignallingWorker &worker_;
    SessionTable &sessions_;
    RoomMessenger &messenger_;
    std::vector<Handler> handlers_; // by position in request_types()
};

} // namespace roomrec::plugin
