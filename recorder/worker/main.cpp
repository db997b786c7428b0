// roomrec-recorder: composes one room's recording in its own process, so a decoder or muxer
// crash, or a hostile bitstream, never takes Janus down (M6). It reads wire messages
// (recorder/core/wire_protocol.hpp) from a SOCK_SEQPACKET socket and writes one fragmented MP4.
//
//   roomrec-recorder --fd N       (the plugin passes one end of a socketpair)
//   roomrec-recorder --socket PATH (connect to a listening socket; for tools and tests)
#include "recorder/worker/composite_pipeline.hpp"
#include "recorder/contract/wire_protocol.hpp"

#include <glib-unix.h>
#include <gst/gst.h>
#include <jansson.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

using roomrec::recorder::WireType;
using roomrec::recorder::CompositePipeline;

namespace {

struct Worker {
    int fd = -1;
    GMainLoop *loop = nullptr;
    std::unique_ptr<CompositePipeline> pipeline;
    int exit_code = 0;
    gint64 started_us = 0;
};

void send_event(int fd, const std::string &json) {
    const auto message = roomrec::recorder::encode_wire(WireType::Event, 0, json);
    // Best effort: if the plugin is gone there is nobody to tell.
    (void)send(fd, message.data(), message.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

std::string text(json_t *object, const char *key, const char *fallback = "") {
    const char *value = json_string_value(json_object_get(object, key));
    return value ? value : fallback;
}

int integer(json_t *object, const char *key, int fallback) {
    json_t *value = json_object_get(object, key);
    return json_is_integer(value) ? static_cast<int>(json_integer_value(value)) : fallback;
}

void fail(Worker &worker, const std::string &message) {
    g_printerr("roomrec-recorder: %s\n", message.c_str());
    json_t *event = json_pack("{s:s, s:s}", "event", "error", "message", message.c_str());
    char *dumped = json_dumps(event, JSON_COMPACT);
    send_event(worker.fd, dumped);
    free(dumped);
    json_decref(event);
    worker.exit_code = 1;
    g_main_loop_quit(worker.loop);
}

gboolean on_bus(GstBus *, GstMessage *message, gpointer data) {
    auto &worker = *static_cast<Worker *>(data);
    switch (GST_MESSAGE_TYPE(message)) {
    case GST_MESSAGE_EOS: {
        const double seconds = (g_get_monotonic_time() - worker.started_us) / 1e6;
        json_t *event = json_pack("{s:s, s:f, s:I}", "event", "finished", "wall_seconds", seconds, "dropped_packets",
                                  static_cast<json_int_t>(worker.pipeline->dropped_packets()));
        char *dumped = json_dumps(event, JSON_COMPACT);
        send_event(worker.fd, dumped);
        free(dumped);
        json_decref(event);
        g_main_loop_quit(worker.loop);
        break;
    }
    case GST_MESSAGE_ERROR: {
        GError *error = nullptr;
        gchar *debug = nullptr;
        gst_message_parse_error(message, &error, &debug);
        const std::string where = GST_OBJECT_NAME(GST_MESSAGE_SRC(message));
        g_printerr("roomrec-recorder: %s: %s\n", where.c_str(), debug ? debug : "");
        fail(worker, where + ": " + (error ? error->message : "error"));
        g_clear_error(&error);
        g_free(debug);
        break;
    }
    default: break;
    }
    return TRUE;
}

bool configure(Worker &worker, std::string_view payload) {
    json_error_t parse_error;
    json_t *config = json_loadb(payload.data(), payload.size(), 0, &parse_error);
    if (!json_is_object(config)) {
        json_decref(config);
        fail(worker, "config is not a JSON object");
        return false;
    }
    roomrec::recorder::OutputSettings output;
    output.path = text(config, "output");
    output.width = integer(config, "width", output.width);
    output.height = integer(config, "height", output.height);
    output.fps = integer(config, "fps", output.fps);
    output.video_bitrate_kbps = integer(config, "video_bitrate_kbps", output.video_bitrate_kbps);
    output.fragment_ms = integer(config, "fragment_ms", output.fragment_ms);
    output.x264_preset = text(config, "x264_preset", output.x264_preset.c_str());
    json_decref(config);
    if (output.path.empty() || output.width < 16 || output.height < 16 || output.width % 2 || output.height % 2 ||
        output.fps < 1 || output.fps > 60) {
        fail(worker, "config needs an output path and an even size and 1-60 fps");
        return false;
    }
    const int fd = worker.fd;
    worker.pipeline = std::make_unique<CompositePipeline>(output, [fd](const std::string &event) { send_event(fd, event); });
    std::string error;
    if (!worker.pipeline->start(error)) {
        fail(worker, error);
        return false;
    }
    GstBus *bus = gst_element_get_bus(worker.pipeline->pipeline());
    gst_bus_add_watch(bus, on_bus, &worker);
    gst_object_unref(bus);
    worker.started_us = g_get_monotonic_time();
    return true;
}

void add_stream(Worker &worker, uint16_t id, std::string_view payload) {
    json_error_t parse_error;
    json_t *spec_json = json_loadb(payload.data(), payload.size(), 0, &parse_error);
    roomrec::recorder::StreamSpec spec;
    spec.video = text(spec_json, "kind") == "video";
    spec.stage = text(spec_json, "source") == "stage";
    spec.codec = text(spec_json, "codec");
    spec.payload_type = integer(spec_json, "payload_type", -1);
    spec.participant = text(spec_json, "participant");
    json_decref(spec_json);
    std::string error;
    if (spec.payload_type < 0 || spec.payload_type > 127) error = "stream " + std::to_string(id) + ": bad payload_type";
    else if (!worker.pipeline->add_stream(id, spec, error)) error = "stream " + std::to_string(id) + ": " + error;
    if (!error.empty()) g_printerr("roomrec-recorder: %s\n", error.c_str()); // one bad stream is not fatal
}

gboolean on_socket(gint fd, GIOCondition condition, gpointer data) {
    auto &worker = *static_cast<Worker *>(data);
    uint8_t buffer[roomrec::recorder::kMaxWireMessage];
    for (;;) {
        const ssize_t length = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (length < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return TRUE;
        if (length <= 0) {
            g_printerr("roomrec-recorder: socket closed (%zd, %s); finishing\n", length, length < 0 ? g_strerror(errno) : "eof");
            // The plugin went away (or closed without Stop): finish the file rather than lose it.
            if (worker.pipeline) worker.pipeline->finish();
            else g_main_loop_quit(worker.loop);
            return FALSE;
        }
        const auto message = roomrec::recorder::decode_wire(buffer, static_cast<size_t>(length));
        if (!message) continue;
        if (!worker.pipeline) {
            if (message->type != WireType::Config || !configure(worker, message->payload)) {
                if (worker.exit_code == 0) fail(worker, "the first message must be a valid config");
                return FALSE;
            }
            continue;
        }
        const auto *payload = reinterpret_cast<const uint8_t *>(message->payload.data());
        switch (message->type) {
        case WireType::Rtp: worker.pipeline->push_rtp(message->stream, payload, message->payload.size()); break;
        case WireType::Rtcp: worker.pipeline->push_rtcp(message->stream, payload, message->payload.size()); break;
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
    gst_init(&argc, &argv);
    Worker worker;
    if (argc == 3 && std::strcmp(argv[1], "--fd") == 0) worker.fd = std::atoi(argv[2]);
    else if (argc == 3 && std::strcmp(argv[1], "--socket") == 0) worker.fd = connect_socket(argv[2]);
    if (worker.fd < 0) {
        std::fprintf(stderr, "usage: roomrec-recorder --fd N | --socket PATH\n");
        return 2;
    }
    worker.loop = g_main_loop_new(nullptr, FALSE);
    g_unix_fd_add(worker.fd, G_IO_IN, on_socket, &worker);
    // SIGTERM finishes the file cleanly; SIGKILL relies on the fragmented MP4.
    g_unix_signal_add(SIGTERM, [](gpointer data) -> gboolean {
        auto &w = *static_cast<Worker *>(data);
        if (w.pipeline) w.pipeline->finish();
        else g_main_loop_quit(w.loop);
        return G_SOURCE_REMOVE;
    }, &worker);
    g_main_loop_run(worker.loop);
    worker.pipeline.reset();
    g_main_loop_unref(worker.loop);
    close(worker.fd);
    return worker.exit_code;
}
