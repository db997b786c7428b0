// Isolated tracks: beside the composite, each stream's own file, remuxed without transcoding
// (VP8, VP9 and Opus into Matroska, H.264 into fragmented MP4), with a sidecar JSON
// (recorder/contract/track_sidecar.hpp) that places the track on the composite's timeline.
//
// The composite's branch for a stream is rtpbin pad → depay → decode → ...; with tracks on,
// the pad feeds a tee instead: one branch is that decode chain, unchanged, the other a leaky
// queue → depay → (h264parse) → muxer → filesink. The queue drops rather than blocks, so a slow
// disk or a stuck muxer costs the track packets, never the composite.
//
// Offsets: each track's first buffer and the composite muxer's first input are compared in
// pipeline running time (rtpbin's output is already lip-synced by RTCP). The track files start
// at 0; start_offset_ms is where they begin on the composite's timeline.
//
// Crash safety: Matroska is written streamable (clusters only, no index at the end) and the MP4
// in 1 s fragments, so a kill -9 leaves every track readable up to its last cluster/fragment;
// the sidecar is written (renamed into place) as soon as the offset is known, and again with the
// duration when the track ends.
#pragma once

#include "recorder/contract/control_messages.hpp"

#include <gst/gst.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace roomrec::recorder {

class TrackWriter {
public:
    explicit TrackWriter(std::string folder, int fragment_ms);
    TrackWriter(const TrackWriter &) = delete;
    TrackWriter &operator=(const TrackWriter &) = delete;

    // Before the pipeline plays: creates the folder and watches the composite muxer's inputs for
    // the composite's first timestamp.
    bool start(GstElement *composite_muxer, std::string &error);

    // On the streaming thread that announced rtp_pad (rtpbin's pad-added): links rtp_pad to
    // chain_sink through a tee that also feeds the stream's track. If the track's elements are
    // missing, the stream is linked without a track (the composite matters more).
    void link(GstBin *pipeline, uint16_t id, const StreamSpec &spec, GstPad *rtp_pad, GstPad *chain_sink);

    // On the bus thread, for an error message: true if `source` is one of a track's elements.
    // That track is given up (its tee branch drops from then on) and the recording goes on.
    bool take_error(GstObject *source);

private:
    struct Track {
        TrackWriter *owner = nullptr;
        uint16_t id = 0;
        StreamSpec spec;
        std::string file; // name in folder_
        GstClockTime first = GST_CLOCK_TIME_NONE; // running time of the first buffer
        GstClockTime end = GST_CLOCK_TIME_NONE;   // running time where the last buffer ends
        bool placed = false;                      // the sidecar has an offset
        std::atomic<bool> failed{false};          // an element of the track reported an error
        GstElement *sink = nullptr;               // owned by the pipeline
    };

    static GstPadProbeReturn on_composite_input(GstPad *pad, GstPadProbeInfo *info, gpointer self);
    static GstPadProbeReturn on_track_data(GstPad *pad, GstPadProbeInfo *info, gpointer track);
    static GstPadProbeReturn skip_failed(GstPad *pad, GstPadProbeInfo *info, gpointer track);
    // Caller holds mutex_.
    void place(Track &track);
    void write_sidecar(const Track &track, int duration_ms);

    const std::string folder_;
    const int fragment_ms_;
    std::mutex mutex_; // tracks_ and composite_start_: streaming threads of every branch
    std::map<uint16_t, std::unique_ptr<Track>> tracks_;
    GstClockTime composite_start_ = GST_CLOCK_TIME_NONE;
};

} // namespace roomrec::recorder
