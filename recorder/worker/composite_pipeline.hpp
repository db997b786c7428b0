// The recorder's GStreamer pipeline (M1-M4): per-stream RTP → rtpbin (jitter buffer,
// RTCP lip sync) → depay → decode → scale into its layout cell → compositor / audiomixer →
// H.264 + AAC → fragmented MP4, so a crash loses at most the last fragment.
#pragma once

#include "recorder/contract/control_messages.hpp"
#include "recorder/core/audio_timeline.hpp"
#include "recorder/core/frame_header.hpp"
#include "recorder/core/frame_pacer.hpp"
#include "recorder/core/input_gate.hpp"
#include "recorder/worker/decoded_video.hpp"
#include "recorder/worker/track_writer.hpp"

#include "common/gst_handles.hpp"

#include <gst/gst.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace roomrec::recorder {

// Its elements named compositor, audiomixer, encoder, muxer and sink keep those names: tests
// and pipeline graphs (GST_DEBUG_DUMP_DOT_DIR) find them by name.
class CompositePipeline {
public:
    // on_event receives the first_frame and input_rejected events, on a streaming thread;
    // errors and the end of the file are posted on the bus.
    CompositePipeline(WorkerConfig output, std::function<void(const WorkerEvent &)> on_event);
    ~CompositePipeline();
    CompositePipeline(const CompositePipeline &) = delete;
    CompositePipeline &operator=(const CompositePipeline &) = delete;

    bool start(std::string &error);
    // After start(). A stream id is used once; a removed one is not added again.
    bool add_stream(uint16_t id, const StreamSpec &spec, std::string &error);
    void remove_stream(uint16_t id);
    // arrival_us: when the plugin received the packet (g_get_monotonic_time), or -1 for "now".
    void push_rtp(uint16_t id, const uint8_t *data, size_t length, int64_t arrival_us = -1);
    void push_rtcp(uint16_t id, const uint8_t *data, size_t length, int64_t arrival_us = -1);
    // Ends every input; the bus reports EOS once the file is complete.
    void finish();

    GstElement *pipeline() const { return pipeline_.get(); }
    // For an error on the bus: true if an isolated track's element reported it (that track
    // stops; the composite does not).
    bool is_track_error(GstObject *source) { return tracks_ && tracks_->take_error(source); }
    uint64_t dropped_packets() const { return dropped_; }
    // Video frames kept from the decoders for their size (all streams).
    uint64_t dropped_frames() const { return dropped_frames_.load(); }

private:
    struct Branch {
        CompositePipeline *owner = nullptr;
        uint16_t id = 0;
        StreamSpec spec;
        // Video: checks each frame's size before the decoder; its streaming thread only.
        std::optional<InputGate> gate;
        int avc_length_size = 0;               // H.264 in avc form: the NAL length size; 0: Annex B
        std::unique_ptr<DecodedVideo> decoded; // video: colour label, unchanged frames dropped
        std::optional<FramePacer> pacer;       // video: its output frames; its streaming thread only
        std::optional<AudioTimeline> timeline; // audio: its place in the mix; its streaming thread only
        std::vector<float> edited_audio;       // the timeline's output, reused
        // Elements are owned by the pipeline.
        GstElement *rtp_src = nullptr;
        GstElement *rtcp_src = nullptr;
        GstElement *scale_caps = nullptr; // video: the cell size
        // The cell size scale_caps should have; only the branch's own streaming thread applies
        // it (apply_cell_caps). Changed from another thread during a negotiation, the
        // capsfilter can answer with neither size and the branch fails not-negotiated.
        std::mutex cell_mutex;
        std::string cell_caps;
        std::string applied_cell_caps;
        common::GstPadPtr mixer_pad; // compositor or audiomixer request pad
        bool linked = false;
        bool ended = false;
        uint64_t order = 0;
    };

    static void on_rtpbin_pad(GstElement *rtpbin, GstPad *pad, gpointer self);

    static GstPadProbeReturn on_output_buffer(GstPad *pad, GstPadProbeInfo *info, gpointer self);
    static GstPadProbeReturn apply_cell_caps(GstPad *pad, GstPadProbeInfo *info, gpointer branch);
    static GstPadProbeReturn pace_frame(GstPad *pad, GstPadProbeInfo *info, gpointer branch);
    static GstPadProbeReturn place_audio(GstPad *pad, GstPadProbeInfo *info, gpointer branch);
    static GstPadProbeReturn gate_frame(GstPad *pad, GstPadProbeInfo *info, gpointer branch);
    void report_rejected(Branch &branch);
    static void note_colour(Branch &branch, const FrameHeader &header);
    void link_decoder(uint16_t id, GstPad *pad);
    void relayout();
    void push(GstElement *src, const uint8_t *data, size_t length, int64_t arrival_us);
    GstClockTime arrival_running_time(int64_t arrival_us);

    WorkerConfig output_;
    std::function<void(const WorkerEvent &)> on_event_;
    common::GstElementPtr pipeline_;
    // Owned by pipeline_.
    GstElement *rtpbin_ = nullptr;
    GstElement *compositor_ = nullptr;
    GstElement *audiomixer_ = nullptr;
    std::unique_ptr<TrackWriter> tracks_; // isolated tracks, when output_.tracks names a folder
    std::mutex mutex_; // branches_: the main thread adds/ends streams, streaming threads link them
    std::map<uint16_t, Branch> branches_;
    uint64_t next_order_ = 0;
    uint64_t dropped_ = 0;
    // How much later than they arrived packets are timed (arrival_running_time), under mutex_.
    std::optional<GstClockTime> arrival_shift_;
    std::atomic<uint64_t> dropped_frames_{0};
    int output_buffers_ = 0;

    bool first_frame_reported_ = false;
};

} // namespace roomrec::recorder
