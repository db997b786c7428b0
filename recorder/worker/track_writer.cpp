#include "recorder/worker/track_writer.hpp"

#include "recorder/contract/track_sidecar.hpp"

#include "common/gst_handles.hpp"

#include <glib/gstdio.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace roomrec::recorder {
namespace {

using common::gst_take;
using common::GstElementPtr;
using common::GstPadPtr;

// What the track's queue holds before it drops (a stalled disk): the composite keeps going.
constexpr guint64 kTrackQueueNs = 2 * GST_SECOND;

const char *depayloader(Codec codec) {
    switch (codec) {
    case Codec::Vp8: return "rtpvp8depay";
    case Codec::Vp9: return "rtpvp9depay";
    case Codec::H264: return "rtph264depay";
    case Codec::Opus: break;
    }
    return "rtpopusdepay";
}

// A buffer's start in running time, by the segment the pad last saw.
GstClockTime running_time(GstPad *pad, GstClockTime timestamp) {
    if (!GST_CLOCK_TIME_IS_VALID(timestamp)) return GST_CLOCK_TIME_NONE;
    GstEvent *event = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0);
    if (event == nullptr) return timestamp;
    const GstSegment *segment = nullptr;
    gst_event_parse_segment(event, &segment);
    const GstClockTime running = gst_segment_to_running_time(segment, GST_FORMAT_TIME, timestamp);
    gst_event_unref(event);
    return running;
}

int milliseconds(GstClockTimeDiff nanoseconds) { return static_cast<int>(nanoseconds / GST_MSECOND); }

} // namespace

TrackWriter::TrackWriter(std::string folder, int fragment_ms) : folder_(std::move(folder)), fragment_ms_(fragment_ms) {}

bool TrackWriter::start(GstElement *composite_muxer, std::string &error) {
    if (g_mkdir_with_parents(folder_.c_str(), 0700) != 0) {
        error = "cannot create the tracks folder " + folder_ + ": " + std::strerror(errno);
        return false;
    }
    // The composite's picture is its timeline: the file's time 0 is its first frame (its audio
    // starts an AAC priming later and plays from 0 too). Not the first input to reach the muxer:
    // on a slow worker that is often the audio, and every track would be placed 21 ms early.
    gst_element_foreach_sink_pad(
        composite_muxer,
        [](GstElement *, GstPad *pad, gpointer self) -> gboolean {
            const common::GCharPtr name(gst_pad_get_name(pad));
            if (g_str_has_prefix(name.get(), "video"))
                gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, on_composite_input, self, nullptr);
            return TRUE;
        },
        this);
    return true;
}

void TrackWriter::link(GstBin *pipeline, uint16_t id, const StreamSpec &spec, GstPad *rtp_pad, GstPad *chain_sink) {
    const bool video = spec.kind == MediaKind::Video;
    const bool mp4 = spec.codec == Codec::H264;
    std::vector<GstElementPtr> branch;
    // Named "track<id>-<factory>": take_error finds a track by its elements' names.
    auto add = [&branch, id](const char *factory) {
        const std::string name = "track" + std::to_string(id) + "-" + factory;
        branch.push_back(common::gst_take_floating(gst_element_factory_make(factory, name.c_str())));
        return branch.back().get();
    };
    GstElement *tee = add("tee");
    GstElement *queue = add("queue");
    GstElement *depay = add(depayloader(spec.codec));
    if (mp4) add("h264parse");
    GstElement *last = branch.back().get();
    GstElement *muxer = add(mp4 ? "mp4mux" : "matroskamux");
    GstElement *sink = add("filesink");
    for (const GstElementPtr &element : branch)
        if (!element) {
            g_printerr("roomrec-recorder: stream %u: no track (a GStreamer element is missing)\n", unsigned(id));
            gst_pad_link(rtp_pad, chain_sink); // the composite still gets the stream
            return;
        }
    auto track = std::make_unique<Track>();
    track->owner = this;
    track->id = id;
    track->spec = spec;
    track->file = "stream-" + std::to_string(id) + "." + track_extension(spec.codec);
    track->sink = sink;
    // Leaky: a track that cannot keep up loses packets; the tee never waits for it.
    g_object_set(queue, "leaky", 2 /* downstream */, "max-size-time", kTrackQueueNs, "max-size-buffers", 0u,
                 "max-size-bytes", 0u, nullptr);
    if (video) g_object_set(depay, "wait-for-keyframe", TRUE, "request-keyframe", TRUE, nullptr);
    if (mp4) {
        g_object_set(muxer, "fragment-duration", guint(fragment_ms_), "streamable", TRUE, nullptr);
    } else {
        g_object_set(muxer, "streamable", TRUE, "offset-to-zero", TRUE, nullptr);
    }
    const std::string path = folder_ + "/" + track->file;
    // Unbuffered, like the composite: each cluster or fragment is in the file once muxed, so a
    // kill -9 loses at most the one being built.
    g_object_set(sink, "location", path.c_str(), "sync", FALSE, "async", FALSE, "buffer-mode", 2 /* unbuffered */,
                 nullptr);

    for (const GstElementPtr &element : branch) gst_bin_add(pipeline, element.get());
    const GstPadPtr tee_sink = gst_take(gst_element_get_static_pad(tee, "sink"));
    const GstPadPtr to_chain = gst_take(gst_element_request_pad_simple(tee, "src_%u"));
    const GstPadPtr to_track = gst_take(gst_element_request_pad_simple(tee, "src_%u"));
    const GstPadPtr queue_sink = gst_take(gst_element_get_static_pad(queue, "sink"));
    const bool linked = gst_element_link_many(queue, depay, nullptr) && (!mp4 || gst_element_link(depay, last)) &&
                        gst_element_link_pads(last, "src", muxer, video ? "video_%u" : "audio_%u") &&
                        gst_element_link(muxer, sink) &&
                        GST_PAD_LINK_SUCCESSFUL(gst_pad_link(to_track.get(), queue_sink.get())) &&
                        GST_PAD_LINK_SUCCESSFUL(gst_pad_link(to_chain.get(), chain_sink)) &&
                        GST_PAD_LINK_SUCCESSFUL(gst_pad_link(rtp_pad, tee_sink.get()));
    if (!linked) g_printerr("roomrec-recorder: stream %u: cannot link its track\n", unsigned(id));
    const GstPadPtr muxer_input = gst_take(gst_element_get_static_pad(last, "src"));
    gst_pad_add_probe(muxer_input.get(),
                      GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM), on_track_data,
                      track.get(), nullptr);
    gst_pad_add_probe(to_track.get(), GST_PAD_PROBE_TYPE_BUFFER, skip_failed, track.get(), nullptr);
    {
        std::lock_guard lock(mutex_);
        tracks_[id] = std::move(track);
    }
    // Downstream first, so no element gets data before it plays.
    for (auto it = branch.rbegin(); it != branch.rend(); ++it) gst_element_sync_state_with_parent(it->get());
}

// The tee's branch to a failed track: buffers are dropped here, so the tee never hears the
// track's error and the composite's branch keeps its data.
GstPadProbeReturn TrackWriter::skip_failed(GstPad *, GstPadProbeInfo *, gpointer data) {
    return static_cast<Track *>(data)->failed.load() ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

bool TrackWriter::take_error(GstObject *source) {
    unsigned id = 0;
    if (source == nullptr || std::sscanf(GST_OBJECT_NAME(source), "track%u-", &id) != 1) return false;
    std::lock_guard lock(mutex_);
    auto it = tracks_.find(static_cast<uint16_t>(id));
    if (it == tracks_.end()) return false;
    it->second->failed.store(true);
    // Its queue stopped on the error with the end of stream still inside: the pipeline's end
    // waits for every sink, so this one is ended here.
    const GstPadPtr sink_pad = gst_take(gst_element_get_static_pad(it->second->sink, "sink"));
    gst_pad_send_event(sink_pad.get(), gst_event_new_eos());
    g_printerr("roomrec-recorder: stream %u: its track is given up; the recording goes on\n", id);
    return true;
}

GstPadProbeReturn TrackWriter::on_composite_input(GstPad *pad, GstPadProbeInfo *info, gpointer self) {
    auto &writer = *static_cast<TrackWriter *>(self);
    const GstClockTime start = running_time(pad, GST_BUFFER_PTS(GST_PAD_PROBE_INFO_BUFFER(info)));
    if (!GST_CLOCK_TIME_IS_VALID(start)) return GST_PAD_PROBE_OK;
    std::lock_guard lock(writer.mutex_);
    if (!GST_CLOCK_TIME_IS_VALID(writer.composite_start_)) {
        writer.composite_start_ = start;
        for (auto &[id, track] : writer.tracks_) writer.place(*track);
    }
    return GST_PAD_PROBE_REMOVE;
}

GstPadProbeReturn TrackWriter::on_track_data(GstPad *pad, GstPadProbeInfo *info, gpointer data) {
    auto &track = *static_cast<Track *>(data);
    TrackWriter &writer = *track.owner;
    if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
        if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) != GST_EVENT_EOS) return GST_PAD_PROBE_OK;
        std::lock_guard lock(writer.mutex_);
        if (track.placed && GST_CLOCK_TIME_IS_VALID(track.end))
            writer.write_sidecar(track, milliseconds(GstClockTimeDiff(track.end - track.first)));
        return GST_PAD_PROBE_OK;
    }
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
    const GstClockTime start = running_time(pad, GST_BUFFER_PTS(buffer));
    // mp4mux fails the track on a buffer without a timestamp (h264parse emits one now and then
    // when the worker is slow); it cannot be placed anyway.
    if (!GST_CLOCK_TIME_IS_VALID(start)) return GST_PAD_PROBE_DROP;
    const GstClockTime duration = GST_BUFFER_DURATION_IS_VALID(buffer) ? GST_BUFFER_DURATION(buffer) : 0;
    std::lock_guard lock(writer.mutex_);
    // A track begins with a keyframe: what precedes one cannot be shown by an editor anyway.
    if (!GST_CLOCK_TIME_IS_VALID(track.first) && GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT))
        return GST_PAD_PROBE_DROP;
    if (!GST_CLOCK_TIME_IS_VALID(track.first)) {
        track.first = start;
        writer.place(track);
    }
    if (!GST_CLOCK_TIME_IS_VALID(track.end) || start + duration > track.end) track.end = start + duration;
    return GST_PAD_PROBE_OK;
}

void TrackWriter::place(Track &track) {
    if (track.placed || !GST_CLOCK_TIME_IS_VALID(track.first) || !GST_CLOCK_TIME_IS_VALID(composite_start_)) return;
    track.placed = true;
    write_sidecar(track, -1);
}

// Small, on a streaming thread of this worker only (Janus never waits for it).
// g_file_set_contents renames a new file into place: a reader finds the old sidecar or the new
// one, never half of one.
void TrackWriter::write_sidecar(const Track &track, int duration_ms) {
    TrackSidecar sidecar;
    sidecar.stream = track.id;
    sidecar.spec = track.spec;
    sidecar.file = track.file;
    sidecar.start_offset_ms = milliseconds(GST_CLOCK_DIFF(composite_start_, track.first));
    sidecar.duration_ms = duration_ms;
    const std::string text = encode(sidecar);
    const std::string path = folder_ + "/stream-" + std::to_string(track.id) + ".json";
    common::GErrorPtr error;
    if (!g_file_set_contents(path.c_str(), text.c_str(), static_cast<gssize>(text.size()), common::GOut(error)))
        g_printerr("roomrec-recorder: cannot write %s: %s\n", path.c_str(), error ? error->message : "?");
}

} // namespace roomrec::recorder
