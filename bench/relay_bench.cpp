// Relay benchmark (R6): the plugin's media-thread work for 1 publisher → N subscribers,
// i.e. snapshot load, per-subscriber copy + seq/ts rewrite + payload type, and the hand-off
// call to Janus (here a stub that only counts; in Janus relay_rtp queues the packet for SRTP).
// Prints packets/s in, packets/s forwarded and CPU microseconds per 1,000 forwarded packets.
//
//   relay_bench [seconds_per_case]
#include "plugin/janus_api.hpp"
#include "plugin/janus_callbacks_gateway.hpp"
#include "plugin/media_relay.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace {

uint64_t forwarded = 0;
uint32_t checksum = 0;

void count_relay(janus_plugin_session *, janus_plugin_rtp *packet) {
    ++forwarded;
    checksum += static_cast<uint8_t>(packet->buffer[3]); // keeps the copy observable
}

double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

janus_plugin_session *fake_handle() {
    auto *handle = new janus_plugin_session();
    handle->ref.count = 1;
    handle->ref.free = [](const janus_refcount *) {};
    return handle;
}

} // namespace

int main(int argc, char **argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
    janus_callbacks gateway{};
    const_cast<void (*&)(janus_plugin_session *, janus_plugin_rtp *)>(gateway.relay_rtp) = count_relay;
    roomrec::plugin::JanusCallbacksGateway adapter(&gateway, nullptr); // the plugin's real path

    std::printf("%-12s %14s %16s %22s\n", "subscribers", "packets_in/s", "forwarded/s", "cpu_us_per_1000_fwd");
    for (const int subscribers : {1, 10, 50}) {
        const roomrec::plugin::PlannedStream plan{1, "1", roomrec::plugin::MediaKind::Video,
                                                  roomrec::plugin::StreamSource::Webcam};
        auto source = std::make_shared<roomrec::plugin::PublishedStream>(
            fake_handle(), plan, roomrec::plugin::NegotiatedCodec{"vp8", 96, ""}, "feed", 500000);
        std::vector<std::shared_ptr<roomrec::plugin::SubscriberStream>> streams;
        for (int i = 0; i < subscribers; ++i) {
            auto gate = std::make_shared<roomrec::plugin::MediaGate>();
            gate->media_up = true;
            auto stream = std::make_shared<roomrec::plugin::SubscriberStream>(fake_handle(), gate, 1, "1", source);
            roomrec::plugin::attach_subscriber(*source, stream);
            streams.push_back(stream);
        }
        // A typical 1,200-byte video packet.
        std::vector<char> buffer(1200, 0x42);
        const uint8_t header[12] = {0x80, 96, 0, 1, 0, 0, 0x10, 0, 0xAB, 0xCD, 0xEF, 0x01};
        std::memcpy(buffer.data(), header, sizeof header);
        janus_plugin_rtp packet{};
        packet.mindex = 1;
        packet.video = TRUE;
        packet.buffer = buffer.data();
        packet.length = static_cast<uint16_t>(buffer.size());

        forwarded = 0;
        roomrec::plugin::MediaCounters counters;
        uint64_t sent = 0;
        uint16_t seq = 0;
        uint32_t timestamp = 0;
        const double cpu_start = cpu_seconds();
        const auto wall_start = std::chrono::steady_clock::now();
        double elapsed = 0;
        while (elapsed < seconds) {
            for (int burst = 0; burst < 1000; ++burst) {
                buffer[2] = static_cast<char>(seq >> 8);
                buffer[3] = static_cast<char>(seq);
                buffer[4] = static_cast<char>(timestamp >> 24);
                ++seq;
                timestamp += 3000;
                roomrec::plugin::relay_to_subscribers(adapter, *source, packet, static_cast<int64_t>(sent) * 1000,
                                                      counters);
                ++sent;
            }
            elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
        }
        const double cpu = cpu_seconds() - cpu_start;
        std::printf("%-12d %14.0f %16.0f %22.3f\n", subscribers, sent / elapsed, forwarded / elapsed,
                    cpu * 1e6 / (forwarded / 1000.0));
    }
    return checksum == 0xFFFFFFFF ? 1 : 0;
}
