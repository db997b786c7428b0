// roomrec-recorder: composes one room's recording in its own process, so a decoder or muxer
// crash, or a hostile bitstream, never takes Janus down (M6). It reads wire messages
// (recorder/contract/wire_protocol.hpp, payloads in control_messages.hpp) from a SOCK_SEQPACKET socket and writes one fragmented MP4.
//
//   roomrec-recorder --fd N       (the plugin passes one end of a socketpair)
//   roomrec-recorder --socket PATH (connect to a listening socket; for tools and tests)
#include "recorder/contract/control_messages.hpp"
#include "recorder/contract/wire_protocol.hpp"
#include "recorder/worker/composite_pipeline.hpp"
#include "recorder/worker/memory_guard.hpp"

#include "common/gst_handles.hpp"

#include <glib-unix.h>
#include <gst/gst.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <variant>

using roomrec::recorder::CompositePipeline;
using roomrec::recorder::ContractError;
using roomrec::recorder::WireType;
using roomrec::recorder::WorkerEvent;

namespace {

struct Worker {
    int fd = -1;
    roomrec::common::GMainLoopPtr loop;
    std::unique_ptr<CompositePipeline> pipeline;
    roomrec::recorder::MemoryGuard memory;
    int exit_code = 0;
    gint64 started_us = 0;
};

void send_event(int fd, const WorkerEvent &event) {
    const auto message = roomrec::recorder::encode_wire(WireType::Event, 0, roomrec::recorder::encode(event));
    // Best effort: if the plugin is gone there is nobody to tell.
    (void)send(fd, message.data(), message.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

void fail(Worker &worker, const std::string &message) {
    g_printerr("roomrec-recorder: %s\n", message.c_str());
    send_event(worker.fd, WorkerEvent::error(message));
    worker.exit_code = 1;
    g_main_loop_quit(worker.loop.get());
}

gboolean on_bus(GstBus *, GstMessage *message, gpointer data) {
    auto &worker = *static_cast<Worker *>(data);
    switch (GST_MESSAGE_TYPE(message)) {
    case GST_MESSAGE_EOS: {
        const double seconds = (g_get_monotonic_time() - worker.started_us) / 1e6;
        send_event(worker.fd, WorkerEvent::finished(seconds, worker.pipeline->dropped_packets(),
                                                    worker.pipeline->dropped_frames()));
        g_main_loop_quit(worker.loop.get());
        break;
    }
    case GST_MESSAGE_ERROR: {
        roomrec::common::GErrorPtr error;
        roomrec::common::GCharPtr debug;
        gst_message_parse_error(message, roomrec::common::GOut(error), roomrec::common::GOut(debug));
        const std::string where = GST_OBJECT_NAME(GST_MESSAGE_SRC(message));
        g_printerr("roomrec-recorder: %s: %s\n", where.c_str(), debug ? debug.get() : "");
        if (worker.pipeline->is_track_error(GST_MESSAGE_SRC(message))) break;
        fail(worker, where + ": " + (error ? error->message : "error"));
        break;
    }
    default: break;
    }
    return TRUE;
}

bool configure(Worker &worker, std::string_view payload) {
    const auto config = roomrec::recorder::decode_worker_config(payload);
    if (const auto *refused = std::get_if<ContractError>(&config)) {
        fail(worker, refused->message);
        return false;
    }
    const int fd = worker.fd;
    const auto &settings = std::get<roomrec::recorder::WorkerConfig>(config);
    std::string error;
    // Before the pipeline allocates anything: one hostile stream fails this recording, not the host.
    const bool guarded = worker.memory.start(
        settings.memory_limit_mib,
        [fd](const std::string &message) {
        g_printerr("roomrec-recorder: %s; exiting\n", message.c_str());
        send_event(fd, WorkerEvent::error(message));
        },
        error);
    if (!guarded) {
        fail(worker, error);
        return false;
    }
    worker.pipeline = std::make_unique<CompositePipeline>(settings,
                                                          [fd](const WorkerEvent &event) { send_event(fd, event); });
    if (!worker.pipeline->start(error)) {
        fail(worker, error);
        return false;
    }
    const roomrec::common::GstBusPtr bus = roomrec::common::gst_take(gst_element_get_bus(worker.pipeline->pipeline()));
    gst_bus_add_watch(bus.get(), on_bus, &worker);
    worker.started_us = g_get_monotonic_time();
    return true;
}

void push_timed(roomrec::recorder::CompositePipeline &pipeline, const roomrec::recorder::WireMessage &message) {
    const auto timed = roomrec::recorder::split_arrival(message.payload);
    if (!timed) return;
    const auto *packet = reinterpret_cast<const uint8_t *>(timed->packet.data());
    if (message.type == WireType::TimedRtp)
        pipeline.push_rtp(message.stream, packet, timed->packet.size(), timed->arrival_us);
    else pipeline.push_rtcp(message.stream, packet, timed->packet.size(), timed->arrival_us);
}

void add_stream(Worker &worker, uint16_t id, std::string_view payload) {
    const auto spec = roomrec::recorder::decode_stream_spec(payload);
    std::string error;
    if (const auto *refused = std::get_if<ContractError>(&spec)) error = refused->message;
    else worker.pipeline->add_stream(id, std::get<roomrec::recorder::StreamSpec>(spec), error);
    // One bad stream is not fatal: the recording goes on without it.
    if (!error.empty()) g_printerr("roomrec-recorder: stream %u: %s\n", unsigned(id), error.c_str());
}

gboolean on_socket(gint fd, GIOCondition condition, gpointer data) {
    auto &worker = *static_cast<Worker *>(data);
    uint8_t buffer[roomrec::recorder::kMaxWireMessage];
    for (;;) {
        const ssize_t length = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (length < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return TRUE;
        if (length <= 0) {
            g_printerr("roomrec-recorder: socket closed (%zd, %s); finishing\n", length,
                       length < 0 ? g_strerror(errno) : "eof");
            // The plugin went away (or closed without Stop): finish the file rather than lose it.
            if (worker.pipeline) worker.pipeline->finish();
            else g_main_loop_quit(worker.loop.get());
            return FALSE;
        }
        const auto message = roomrec::recorder::decode_wire(buffer, static_cast<size_t>(length));
        if (!message) continue;
        if (!worker.pipeline) {
            if (message->type != WireType::Config) {
                fail(worker, "the first message must be a config");
                return FALSE;
            }
            if (!configure(worker, message->payload)) return FALSE;
            continue;
        }
        const auto *payload = reinterpret_cast<const uint8_t *>(message->payload.data());
        switch (message->type) {
        case WireType::Rtp: worker.pipeline->push_rtp(message->stream, payload, message->payload.size()); break;
        case WireType::Rtcp: worker.pipeline->push_rtcp(message->stream, payload, message->payload.size()); break;
        case WireType::TimedRtp:
        case WireType::TimedRtcp: push_timed(*worker.pipeline, *message); break;
        case WireType::AddStream: add_stream(worker, message->stream, message->payload); break;
        case WireType::RemoveStream: worker.pipeline->remove_stream(message->stream); break;
        case WireType::Stop: worker.pipeline->finish(); break;
        default: break;
        }
    }
    (void)condition;
}

int connect_socket(const char *path) {
    const int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) return -1;
    return fd;
}

} // namespace

int main(int argc, char **argv) {
    // The plugin creates the output with the configured mode before starting a worker; anything
    // this process creates itself (a run by hand, a tool) is private to its user.
    umask(077);
    gst_init(&argc, &argv);
    Worker worker;
    if (argc == 3 && std::strcmp(argv[1], "--fd") == 0) worker.fd = std::atoi(argv[2]);
    else if (argc == 3 && std::strcmp(argv[1], "--socket") == 0) worker.fd = connect_socket(argv[2]);
    if (worker.fd < 0) {
        std::fprintf(stderr, "usage: roomrec-recorder --fd N | --socket PATH\n");
        return 2;
    }
    worker.loop.reset(g_main_loop_new(nullptr, FALSE));
    g_unix_fd_add(worker.fd, G_IO_IN, on_socket, &worker);
    // SIGTERM finishes the file cleanly; SIGKILL relies on the fragmented MP4.
    g_unix_signal_add(
        SIGTERM,
        [](gpointer data) -> gboolean {
            auto &w = *static_cast<Worker *>(data);
            if (w.pipeline) w.pipeline->finish();
            else g_main_loop_quit(w.loop.get());
            return G_SOURCE_REMOVE;
        },
        &worker);
    g_main_loop_run(worker.loop.get());
    worker.pipeline.reset();
    worker.loop.reset();
    close(worker.fd);
    return worker.exit_code;
}
