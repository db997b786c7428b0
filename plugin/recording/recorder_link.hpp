// The plugin's end of one recording (M1, M6): the media threads' tap queue, and a thread
// that writes it to a roomrec-recorder process over a SOCK_SEQPACKET socketpair, reads the
// worker's events, and restarts the worker (a new segment file) if it dies mid-recording.
// Janus never waits for the worker: a dead or stuck worker only costs dropped tap packets.
#pragma once

#include "common/packet_ring.hpp"
#include "recorder/contract/wire_protocol.hpp"
#include "recorder/core/frame_size.hpp"

#include <glib.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace roomrec::plugin {

struct RecorderSettings {
    std::string recorder_path; // the roomrec-recorder executable
    int width = 1920;
    int height = 1080;
    int fps = 30;
    int video_bitrate_kbps = 4000;
    std::string x264_preset = "ultrafast";
    size_t queue_packets = 4096;                     // tap ring capacity (about 2-4 s of a busy room)
    int max_restarts = 5;                            // worker deaths survived per recording
    int64_t stop_timeout_ms = 20000;                 // how long a stopping worker may take to finish its file
    recorder::SizeBound max_stage_size{3840, 2160};  // larger stage frames never reach a decoder
    recorder::SizeBound max_webcam_size{1920, 1080}; // the same for webcams
    int memory_limit_mib = 1024;                     // the worker's resident limit; 0: none
    unsigned file_mode = 0640;                       // of each segment (created here; the worker only writes it)
    bool tracks = false;                             // isolated tracks: each worker run writes tracks-<segment>/
};

struct LinkEvent {
    enum Kind {
        FirstFrame, // the recording's first frame is in the file
        WorkerDied, // the worker died (message says why); a new one was started with every stream
        GapClosed,  // the restarted worker wrote again; gap_seconds were lost
        Finished,   // the worker is done and the segments are complete
        // A stream sent a frame past its size bound (or unreadable); it is dropped until a
        // keyframe within the bound. Repeated about once a second while that lasts.
        InputRejected,
    } kind;
    std::string message;
    double gap_seconds = 0;
    bool failed = false;               // Finished: the worker gave up or could not start at all
    std::vector<std::string> segments; // Finished: the segment files, in order
    uint16_t stream = 0;               // InputRejected: the stream's id on the wire
    int width = 0;                     // InputRejected: the refused size (0x0: unreadable)
    int height = 0;
    uint64_t dropped_frames = 0; // InputRejected: the stream's dropped frames so far
};

class RecorderLink {
public:
    // on_event runs on the link's own thread. lock_fd is the recording folder's lock, held
    // by every worker too, so start-up recovery leaves a folder alone while anyone writes it.
    RecorderLink(RecorderSettings settings, std::string folder, int lock_fd,
                 std::function<void(const LinkEvent &)> on_event);
    ~RecorderLink();
    RecorderLink(const RecorderLink &) = delete;
    RecorderLink &operator=(const RecorderLink &) = delete;

    // Spawns the first worker and the link thread; false with a reason if the worker cannot run.
    bool start(std::string &error);

    // Signalling thread: describe streams (JSON as in wire_protocol.hpp) and end the recording.
    void add_stream(uint16_t id, const std::string &spec_json);
    void remove_stream(uint16_t id);
    void stop();
    // Waits for the link thread to end (after stop(), once the file is complete).
    void join();

    // Media threads: copy a packet into the tap ring; never waits.
    // type is Rtp or Rtcp; the record carries the arrival time (TimedRtp/TimedRtcp).
    void tap(recorder::WireType type, uint16_t stream, const uint8_t *data, size_t length) {
        uint8_t header[recorder::kWireHeader + recorder::kArrivalBytes];
        recorder::write_wire_header(
            header, type == recorder::WireType::Rtp ? recorder::WireType::TimedRtp : recorder::WireType::TimedRtcp,
            stream);
        recorder::write_arrival(header + recorder::kWireHeader, g_get_monotonic_time());
        ring_.try_push(header, sizeof header, data, length);
    }

    uint64_t dropped_packets() const { return ring_.dropped() + unsent_.load(); }
    int restarts() const { return restarts_.load(); }

private:
    struct Control {
        recorder::WireType type;
        uint16_t stream;
        std::string payload;
    };

    void run();
    bool spawn(std::string &error);
    void send_configuration();
    bool send_record(const uint8_t *data, size_t length, bool must_deliver);
    void read_events();
    void handle_worker_exit();
    void reap(bool kill_first);
    std::string segment_path(int index) const;

    const RecorderSettings settings_;
    const std::string folder_;
    const int lock_fd_;
    const std::function<void(const LinkEvent &)> on_event_;
    common::PacketRing ring_;

    std::mutex mutex_; // controls_ and streams_: the signalling thread writes, the link thread reads
    std::deque<Control> controls_;
    std::map<uint16_t, std::string> streams_; // live streams, replayed to a restarted worker
    bool stop_requested_ = false;

    // Link thread only.
    int socket_ = -1;
    pid_t pid_ = -1;
    int segment_ = 0;
    std::vector<std::string> segments_;
    bool stopping_ = false;
    int64_t stop_sent_us_ = 0;
    bool first_frame_seen_ = false;
    int64_t gap_started_us_ = 0; // set while a restarted worker has not written yet
    bool done_ = false;
    std::string last_error_;

    std::atomic<uint64_t> unsent_{0};
    std::atomic<int> restarts_{0};
    std::thread thread_;
};

} // namespace roomrec::plugin
