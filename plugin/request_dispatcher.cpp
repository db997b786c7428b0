#include "plugin/request_dispatcher.hpp"

#include "common/log.hpp"
#include "plugin/room_messenger.hpp"
#include "plugin/session_table.hpp"
#include "plugin/signalling_worker.hpp"

#include <chrono>
#include <stdexcept>

namespace roomrec::plugin {
namespace {

constexpr common::Logger kLog("request");

constexpr auto kCallTimeout = std::chrono::seconds(15);

janus_plugin_result *sync_result(common::JsonPtr data) {
    return janus_plugin_result_new(JANUS_PLUGIN_OK, nullptr, data.release());
}

// Which room, participant and transaction the log lines of a request are about.
common::LogContext context_of(const Request &request) {
    common::LogContext context;
    if (request.session && request.session->kind != SessionKind::Unbound) {
        context.room = request.session->room_id;
        context.participant = request.session->participant_id;
    } else if (const char *room = json_string_value(json_object_get(request.body.get(), "room"))) {
        context.room = room;
    }
    context.transaction = request.admin ? "admin" : request.transaction;
    return context;
}

} // namespace

RequestDispatcher::RequestDispatcher(SignallingWorker &worker, SessionTable &sessions, RoomMessenger &messenger)
    : worker_(worker), sessions_(sessions), messenger_(messenger), handlers_(request_types().size()) {}

void RequestDispatcher::bind(const char *name, Handler handler) {
    const size_t index = domain::request_index(name);
    if (index == handlers_.size()) throw std::logic_error(std::string("no request \"") + name + "\" is declared");
    handlers_[index] = std::move(handler);
}

void RequestDispatcher::check_complete() const {
    for (size_t i = 0; i < handlers_.size(); ++i)
        if (!handlers_[i])
            throw std::logic_error(std::string("request \"") + request_types()[i].name + "\" has no handler");
}

Reply RequestDispatcher::run(const RequestType &type, Request &request) const {
    // Everything the handler logs names the request's room, participant and transaction.
    const common::LogScope scope(context_of(request));
    try {
        return handlers_[static_cast<size_t>(&type - request_types().data())](request);
    } catch (const std::exception &error) {
        kLog.error(common::format_text("%s failed: %s", type.name, error.what()));
        return reply_error(domain::ErrorCode::Internal, "internal error");
    }
}

janus_plugin_result *RequestDispatcher::handle_message(janus_plugin_session *handle, char *transaction, json_t *message,
                                                       json_t *jsep) {
    // Janus hands over ownership of all three.
    common::JsonPtr body(message);
    common::JsonPtr offer(jsep);
    std::string transaction_id = transaction != nullptr ? transaction : "";
    g_free(transaction);

    if (!sessions_.find(handle))
        return janus_plugin_result_new(JANUS_PLUGIN_ERROR, "no session for this handle", nullptr);
    const auto checked = domain::validate_request(body.get(), false);
    if (const auto *invalid = std::get_if<domain::ValidationError>(&checked))
        return sync_result(std::move(reply_error(*invalid).data));
    const RequestType *type = std::get<const RequestType *>(checked);

    auto request = std::make_shared<Request>();
    request->transaction = std::move(transaction_id);
    request->body = std::move(body);
    request->jsep = std::move(offer);
    auto run_here = [this, handle, type, request]() -> Reply {
        request->session = sessions_.find(handle);
        if (!request->session) return reply_error(domain::ErrorCode::NotJoined, "the handle is gone");
        return run(*type, *request);
    };
    if (type->on_caller) {
        Reply reply = run_here();
        // No data: the handler queued the work and will push the answer with this transaction.
        if (!reply.data) return janus_plugin_result_new(JANUS_PLUGIN_OK_WAIT, "queued", nullptr);
        return sync_result(std::move(reply.data));
    }
    if (type->carries_jsep) {
        worker_.post([this, run_here, request, type] {
            const Reply reply = run_here();
            if (!request->session || messenger_.push(*request->session, request->transaction.c_str(), reply) ||
                !reply.jsep)
                return;
            // Janus refused our SDP (e.g. the old PeerConnection never finished closing): take
            // the change back so nobody sees streams that will never flow, and tell the client.
            const common::LogScope scope(context_of(*request));
            kLog.warning(common::format_text("%s: Janus refused the SDP, change undone", type->name));
            if (reply.undo) reply.undo();
            messenger_.push(*request->session, request->transaction.c_str(),
                            reply_error(domain::ErrorCode::InvalidSdp, "Janus could not apply the SDP; try again"));
        });
        return janus_plugin_result_new(JANUS_PLUGIN_OK_WAIT, "negotiating", nullptr);
    }
    // A request the client was told timed out must not take effect later.
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    auto reply = worker_.call<std::shared_ptr<Reply>>(
        [run_here, cancelled] {
        if (cancelled->load()) return std::make_shared<Reply>(reply_error(domain::ErrorCode::Internal, "cancelled"));
        return std::make_shared<Reply>(run_here());
        },
        kCallTimeout);
    if (!reply) {
        cancelled->store(true);
        return sync_result(std::move(reply_error(domain::ErrorCode::Internal, "the plugin is busy or stopping").data));
    }
    return sync_result(std::move((*reply)->data));
}

json_t *RequestDispatcher::handle_admin_message(json_t *message) {
    const auto checked = domain::validate_request(message, true);
    if (const auto *invalid = std::get_if<domain::ValidationError>(&checked))
        return reply_error(*invalid).data.release();
    const RequestType *type = std::get<const RequestType *>(checked);
    auto request = std::make_shared<Request>();
    request->body = common::json_share(message); // borrowed from Janus
    request->admin = true;
    if (type->on_caller) return run(*type, *request).data.release();
    auto reply = worker_.call<std::shared_ptr<Reply>>(
        [this, type, request] { return std::make_shared<Reply>(run(*type, *request)); }, kCallTimeout);
    if (!reply) return reply_error(domain::ErrorCode::Internal, "the plugin is busy or stopping").data.release();
    return (*reply)->data.release();
}

} // namespace roomrec::plugin
