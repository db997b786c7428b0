#include "recorder/worker/composite_pipeline.hpp"

#include "recorder/core/frame_header.hpp"
#include "recorder/core/layout.hpp"

#include <gst/app/gstappsrc.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

// GST_DEBUG=roomrec:5 logs each buffer going into the muxer, and roomrec:6 where each frame and
// audio buffer goes on the output's timeline (the pacer's and the audio timeline's decisions),
// to read beside rtpbin's lip-sync log (rtpbin:5).
GST_DEBUG_CATEGORY_STATIC(roomrec_worker_debug);
#define GST_CAT_DEFAULT roomrec_worker_debug

namespace roomrec::recorder {
namespace {

using common::gst_take;
using common::GstElementPtr;
using common::GstPadPtr;

// Jitter buffer depth: enough for Internet jitter, small enough for a ~2 s first frame (M5).
constexpr guint kJitterLatencyMs = 200;

// One colorimetry for every tile and the output. Caps without it get a size-dependent default
// (BT.601 up to 576 lines, BT.709 above), so an upscaled stage was matrix-converted by its
// videoscale and again by the compositor, and the output's colorimetry depended on the layout.
// BT.601 limited range is what VP8 is and what WebRTC senders write in VP9 and H.264; decoded
// frames are labelled with what their bitstream states (DecodedVideo): no conversion at all in
// the usual case, one into BT.601 for a stream that says it is something else.
constexpr const char *kColour = ",colorimetry=bt601,chroma-site=jpeg";

// ultrafast drops CABAC, deblocking and the 8x8 transform, which makes the stream Constrained
// Baseline (the output must be High or Main) and costs ~3.5 dB PSNR at 4 Mbit/s. Restoring them
// and the intra partitions keeps ultrafast's cheap motion search and is still ~25 % cheaper
// than superfast (docs/PERFORMANCE.md).
constexpr const char *kUltrafastHigh = "cabac=1:deblock=1:8x8dct=1:partitions=i8x8,i4x4";

// avenc_aac puts 1024 samples of encoder delay ("priming") before the first sound, and mp4mux
// (fragmented, streamable) writes no edit list for it: each track simply starts at its own first
// buffer. So the audio track starts that much later than the video (the mixer's start time), and
// a player's decoder output of the priming fills exactly that gap: sound and picture of the same
// moment play together (they were 21 ms apart; tests/integration/test_recorder_soak.py).
constexpr guint64 kAacPrimingNs = 1024 * GST_SECOND / 48000;
// How far a stream's timestamps may stray from where the audio mixer expects them before it
// realigns the stream: under half an Opus frame. Each stream's AudioTimeline keeps its samples
// contiguous and makes the moves in its silences, so the mixer realigns only where the timeline
// marks a discontinuity (a sender back after a pause).
constexpr guint64 kAudioAlignmentNs = 5 * GST_MSECOND;
// What each audio branch hands the mixer: the samples AudioTimeline edits.
constexpr int kMixRate = 48000;
constexpr int kMixChannels = 2;
constexpr const char *kMixCaps = "audio/x-raw,format=F32LE,layout=interleaved,rate=48000,channels=2";

struct CodecElements {
    const char *encoding; // RTP encoding-name
    int clock_rate;
    const char *depay;
    const char *parse; // nullptr if none is needed
    const char *decoder;
};

// VP8 is decoded by libavcodec: on one thread it uses ~25 % less CPU than libvpx's decoder for a
// browser's 1080p screen share (docs/PERFORMANCE.md). For VP9 libvpx is as fast.
const CodecElements &codec_elements(Codec codec) {
    static const CodecElements vp8{"VP8", 90000, "rtpvp8depay", nullptr, "avdec_vp8"};
    static const CodecElements vp9{"VP9", 90000, "rtpvp9depay", nullptr, "vp9dec"};
    static const CodecElements h264{"H264", 90000, "rtph264depay", "h264parse", "avdec_h264"};
    static const CodecElements opus{"OPUS", 48000, "rtpopusdepay", nullptr, "opusdec"};
    switch (codec) {
    case Codec::Vp8: return vp8;
    case Codec::Vp9: return vp9;
    case Codec::H264: return h264;
    case Codec::Opus: break;
    }
    return opus;
}

// A recording decodes several streams at once on a few cores: a decoder's own threads only add
// hand-offs (vp9dec on its automatic threads used ~40 % more CPU for a 1080p stage).
void decode_on_one_thread(GstElement *decoder) {
    GObjectClass *type = G_OBJECT_GET_CLASS(decoder);
    if (g_object_class_find_property(type, "max-threads") != nullptr) g_object_set(decoder, "max-threads", 1, nullptr);
    if (g_object_class_find_property(type, "threads") != nullptr) g_object_set(decoder, "threads", 1u, nullptr);
}

// A new element the caller owns until it hands it to a bin (which takes its own reference).
GstElementPtr make(const char *factory, const char *name = nullptr) {
    GstElementPtr element = common::gst_take_floating(gst_element_factory_make(factory, name));
    if (!element) g_printerr("roomrec-recorder: missing GStreamer element %s\n", factory);
    return element;
}

// Sets the "caps" property (capsfilter, appsrc) from its text form.
void set_caps(GstElement *element, const std::string &caps_text) {
    const common::GstCapsPtr caps(gst_caps_from_string(caps_text.c_str()));
    g_object_set(element, "caps", caps.get(), nullptr);
}

GstElementPtr make_appsrc(const std::string &caps_text) {
    GstElementPtr src = make("appsrc");
    if (!src) return src;
    set_caps(src.get(), caps_text);
    g_object_set(src.get(), "is-live", TRUE, "format", GST_FORMAT_TIME, "do-timestamp", TRUE, "max-bytes",
                 guint64(4 * 1024 * 1024), "block", FALSE, nullptr);
    return src;
}

// Links a static src pad to a request or static sink pad.
bool link_pads(GstElement *source, GstPad *sink) {
    const GstPadPtr source_pad = gst_take(gst_element_get_static_pad(source, "src"));
    return source_pad && sink != nullptr && GST_PAD_LINK_SUCCESSFUL(gst_pad_link(source_pad.get(), sink));
}

GstPadProbeReturn answer_latency_not_live(GstPad *, GstPadProbeInfo *info, gpointer) {
    GstQuery *query = GST_PAD_PROBE_INFO_QUERY(info);
    if (GST_QUERY_TYPE(query) != GST_QUERY_LATENCY) return GST_PAD_PROBE_OK;
    gst_query_set_latency(query, FALSE, 0, GST_CLOCK_TIME_NONE);
    return GST_PAD_PROBE_HANDLED;
}

// The muxer fails the whole file on a buffer without a timestamp; an encoder may emit one
// (rarely, at start), and it cannot be placed anyway.
GstPadProbeReturn drop_untimed_buffer(GstPad *pad, GstPadProbeInfo *info, gpointer) {
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
    if (GST_BUFFER_PTS_IS_VALID(buffer)) {
        // Each track of the file starts at its own first buffer (no edit list): these say where.
        GST_DEBUG("%s: into the muxer at %" G_GUINT64_FORMAT " (decode %" G_GUINT64_FORMAT ")",
                  GST_OBJECT_NAME(GST_OBJECT_PARENT(pad)), GST_BUFFER_PTS(buffer), GST_BUFFER_DTS(buffer));
        return GST_PAD_PROBE_OK;
    }
    g_printerr("roomrec-recorder: dropped an untimed buffer on %s\n", GST_OBJECT_NAME(GST_OBJECT_PARENT(pad)));
    return GST_PAD_PROBE_DROP;
}

} // namespace

CompositePipeline::CompositePipeline(WorkerConfig output, std::function<void(const WorkerEvent &)> on_event)
    : output_(std::move(output)), on_event_(std::move(on_event)) {
    GST_DEBUG_CATEGORY_INIT(roomrec_worker_debug, "roomrec", 0, "roomrec recorder worker");
}

CompositePipeline::~CompositePipeline() {
    // Stopped before the handles go: no streaming thread may still use a branch.
    if (pipeline_) gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
}

bool CompositePipeline::start(std::string &error) {
    pipeline_ = common::gst_take_floating(gst_pipeline_new("roomrec-recorder"));
    GstElementPtr rtpbin = make("rtpbin");
    GstElementPtr compositor = make("compositor", "compositor");
    GstElementPtr audiomixer = make("audiomixer", "audiomixer");
    GstElementPtr background = make("videotestsrc");
    GstElementPtr background_caps = make("capsfilter");
    GstElementPtr silence = make("audiotestsrc");
    GstElementPtr silence_caps = make("capsfilter");
    GstElementPtr i420 = make("capsfilter");
    GstElementPtr encoder = make("x264enc", "encoder");
    GstElementPtr h264_caps = make("capsfilter");
    GstElementPtr h264parse = make("h264parse");
    GstElementPtr video_queue = make("queue");
    GstElementPtr audio_convert = make("audioconvert");
    GstElementPtr aac = make("avenc_aac");
    GstElementPtr aacparse = make("aacparse");
    GstElementPtr audio_queue = make("queue");
    GstElementPtr muxer = make("mp4mux", "muxer");
    GstElementPtr sink = make("filesink", "sink");
    const GstElementPtr *all[] = {&rtpbin,      &compositor,   &audiomixer,    &background, &background_caps,
                                  &silence,     &silence_caps, &i420,          &encoder,    &h264_caps,
                                  &h264parse,   &video_queue,  &audio_convert, &aac,        &aacparse,
                                  &audio_queue, &muxer,        &sink};
    for (const GstElementPtr *element : all)
        if (!*element) {
            error =
                "a GStreamer element is missing (install gstreamer1.0-plugins-good/bad/ugly and gstreamer1.0-libav)";
            return false;
        }
    // The bin takes its own reference to each; the handles here are dropped at the end.
    for (const GstElementPtr *element : all) gst_bin_add(GST_BIN(pipeline_.get()), element->get());
    rtpbin_ = rtpbin.get();
    compositor_ = compositor.get();
    audiomixer_ = audiomixer.get();

    g_object_set(rtpbin_, "latency", kJitterLatencyMs, "do-lost", TRUE, "autoremove", TRUE, nullptr);
    g_signal_connect(rtpbin_, "pad-added", G_CALLBACK(on_rtpbin_pad), this);
    // A live, silent base keeps the output going while nobody is on screen.
    g_object_set(background.get(), "is-live", TRUE, "pattern", 2 /* black */, nullptr);
    g_object_set(silence.get(), "is-live", TRUE, "wave", 4 /* silence */, nullptr);
    const std::string fps = std::to_string(output_.fps);
    // The live base only drives the compositor's clock: a tiny frame it places at 0,0 costs
    // nothing, and the compositor paints the black background itself.
    set_caps(background_caps.get(), "video/x-raw,format=I420,width=16,height=16,framerate=" + fps + "/1" + kColour);
    set_caps(silence_caps.get(), kMixCaps);
    // Not ignore-inactive-pads: until the live bases produce, every pad is inactive, and a mixer
    // that ignores them all sees no live input and ends the stream (an empty file at start-up).
    // Output frames from running time 0 on: the grid FramePacer places frames on.
    g_object_set(compositor_, "background", 1 /* black */, "start-time-selection", 0 /* zero */, nullptr);
    g_object_set(audiomixer_, "start-time-selection", 2 /* set */, "start-time", kAacPrimingNs, nullptr);
    // Lip sync moves a stream's timestamps when its sender reports arrive (rtpbin), often by less
    // than the mixer's default 40 ms alignment threshold, below which the mixer keeps playing the
    // stream where it was: the correction never reached the file, leaving each recording with its
    // own fixed A/V offset of up to 40 ms. Each stream's AudioTimeline makes such moves in the
    // stream's silences (place_audio); the mixer follows the discontinuities it marks at once.
    g_object_set(audiomixer_, "alignment-threshold", kAudioAlignmentNs, nullptr);
    // 4:2:0 before x264, or it may pick 4:4:4 that browsers cannot play. Everything stays I420
    // in one colorimetry end to end: no whole-frame colour conversion anywhere (CPU).
    set_caps(i420.get(), "video/x-raw,format=I420,width=" + std::to_string(output_.width) +
                             ",height=" + std::to_string(output_.height) + ",framerate=" + fps +
                             "/1,pixel-aspect-ratio=1/1" + kColour);
    gst_util_set_object_arg(G_OBJECT(encoder.get()), "speed-preset", output_.x264_preset.c_str());
    gst_util_set_object_arg(G_OBJECT(encoder.get()), "tune", "zerolatency");
    g_object_set(encoder.get(), "bitrate", guint(output_.video_bitrate_kbps), "key-int-max", guint(output_.fps * 2),
                 nullptr);
    if (output_.x264_preset == "ultrafast") g_object_set(encoder.get(), "option-string", kUltrafastHigh, nullptr);
    // One thread for the fast presets: zerolatency's sliced threads cost x264 ~15 % more CPU on
    // two cores, and one core encodes 1080p30 at a third of its time. From veryfast on, one core
    // is (nearly) too slow for real time, so x264 keeps its own threading there.
    if (output_.x264_preset == "ultrafast" || output_.x264_preset == "superfast")
        g_object_set(encoder.get(), "threads", 1u, nullptr);
    set_caps(h264_caps.get(), "video/x-h264,profile=high");
    g_object_set(aac.get(), "bitrate", output_.audio_bitrate_bps, nullptr);
    // A moov up front, then 1 s fragments: a kill -9 keeps all but the last. Streamable: the
    // header is never rewritten at the end (that rewrite intermittently emptied the sample
    // descriptions), so a finished file is exactly a killed one plus its last fragment.
    g_object_set(muxer.get(), "fragment-duration", guint(output_.fragment_ms), "streamable", TRUE, nullptr);
    // Unbuffered: each fragment reaches the file as the muxer emits it, so kill -9 loses at
    // most the fragment being built (M4), not a stdio buffer's worth more.
    g_object_set(sink.get(), "location", output_.output.c_str(), "sync", FALSE, "buffer-mode", 2 /* unbuffered */,
                 nullptr);

    const GstPadPtr background_pad = gst_take(gst_element_request_pad_simple(compositor_, "sink_%u"));
    g_object_set(background_pad.get(), "zorder", 0u, nullptr);
    const GstPadPtr silence_pad = gst_take(gst_element_request_pad_simple(audiomixer_, "sink_%u"));
    if (!link_pads(background_caps.get(), background_pad.get()) || !link_pads(silence_caps.get(), silence_pad.get()) ||
        !gst_element_link(background.get(), background_caps.get()) ||
        !gst_element_link(silence.get(), silence_caps.get()) ||
        !gst_element_link_many(compositor_, i420.get(), encoder.get(), h264_caps.get(), h264parse.get(),
                               video_queue.get(), nullptr) ||
        !gst_element_link_many(audiomixer_, audio_convert.get(), aac.get(), aacparse.get(), audio_queue.get(),
                               nullptr) ||
        !gst_element_link_pads(video_queue.get(), "src", muxer.get(), "video_%u") ||
        !gst_element_link_pads(audio_queue.get(), "src", muxer.get(), "audio_%u") ||
        !gst_element_link(muxer.get(), sink.get())) {
        error = "cannot link the output pipeline";
        return false;
    }
    // The header is written once, when the muxer starts. A live muxer starts after a timeout
    // even if the encoder has not produced its caps yet, leaving an empty video track; told its
    // inputs are not live, it waits for data on both. Both are driven by live test sources, so
    // that wait is short and never endless.
    for (GstElement *queue : {video_queue.get(), audio_queue.get()}) {
        const GstPadPtr queue_src = gst_take(gst_element_get_static_pad(queue, "src"));
        gst_pad_add_probe(queue_src.get(), GST_PAD_PROBE_TYPE_QUERY_UPSTREAM, answer_latency_not_live, nullptr,
                          nullptr);
        gst_pad_add_probe(queue_src.get(), GST_PAD_PROBE_TYPE_BUFFER, drop_untimed_buffer, nullptr, nullptr);
    }
    const GstPadPtr sink_pad = gst_take(gst_element_get_static_pad(sink.get(), "sink"));
    gst_pad_add_probe(sink_pad.get(), GST_PAD_PROBE_TYPE_BUFFER, on_output_buffer, this, nullptr);
    if (!output_.tracks.empty()) {
        tracks_ = std::make_unique<TrackWriter>(output_.tracks, output_.fragment_ms);
        if (!tracks_->start(muxer.get(), error)) return false;
    }

    if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        error = "the pipeline does not start (is " + output_.output + " writable?)";
        return false;
    }
    return true;
}

bool CompositePipeline::add_stream(uint16_t id, const StreamSpec &spec, std::string &error) {
    std::lock_guard lock(mutex_);
    if (!pipeline_) {
        error = "the pipeline has not started";
        return false;
    }
    if (codec_kind(spec.codec) != spec.kind) {
        error = std::string("codec ") + codec_name(spec.codec) + " does not match the stream's kind";
        return false;
    }
    if (branches_.count(id)) {
        error = "stream " + std::to_string(id) + " exists";
        return false;
    }
    const CodecElements &codec = codec_elements(spec.codec);
    const bool video = spec.kind == MediaKind::Video;
    GstElementPtr rtp_src = make_appsrc(std::string("application/x-rtp,media=") + (video ? "video" : "audio") +
                                        ",clock-rate=" + std::to_string(codec.clock_rate) + ",encoding-name=" +
                                        codec.encoding + ",payload=" + std::to_string(spec.payload_type));
    GstElementPtr rtcp_src = make_appsrc("application/x-rtcp");
    if (!rtp_src || !rtcp_src) {
        error = "appsrc is missing";
        return false;
    }
    Branch &branch = branches_[id];
    branch.owner = this;
    branch.id = id;
    branch.spec = spec;
    branch.order = next_order_++;
    branch.rtp_src = rtp_src.get();
    branch.rtcp_src = rtcp_src.get();
    gst_bin_add_many(GST_BIN(pipeline_.get()), branch.rtp_src, branch.rtcp_src, nullptr);
    // One rtpbin session per stream; rtpbin pairs audio and video by RTCP CNAME for lip sync.
    const std::string session = std::to_string(id);
    const bool linked = gst_element_link_pads(branch.rtp_src, "src", rtpbin_, ("recv_rtp_sink_" + session).c_str()) &&
                        gst_element_link_pads(branch.rtcp_src, "src", rtpbin_, ("recv_rtcp_sink_" + session).c_str());
    gst_element_sync_state_with_parent(branch.rtp_src);
    gst_element_sync_state_with_parent(branch.rtcp_src);
    if (!linked) {
        error = "cannot link stream " + session;
        return false;
    }
    return true;
}

void CompositePipeline::on_rtpbin_pad(GstElement *, GstPad *pad, gpointer self) {
    // recv_rtp_src_<session>_<ssrc>_<pt>
    const common::GCharPtr name(gst_pad_get_name(pad));
    unsigned session = 0;
    const bool ours = std::sscanf(name.get(), "recv_rtp_src_%u_", &session) == 1;
    if (ours) static_cast<CompositePipeline *>(self)->link_decoder(static_cast<uint16_t>(session), pad);
}

// Runs on a streaming thread: builds depay → decode → convert/scale (or resample) → mixer. The
// decoder's frames carry the colour their bitstream states (DecodedVideo), so the convert is a
// passthrough unless that differs from kColour; it sits before the scale so the scale never
// converts colour (see kColour).
void CompositePipeline::link_decoder(uint16_t id, GstPad *pad) {
    std::lock_guard lock(mutex_);
    auto it = branches_.find(id);
    if (it == branches_.end() || it->second.linked) return;
    Branch &branch = it->second;
    const CodecElements &codec = codec_elements(branch.spec.codec);
    const bool video = branch.spec.kind == MediaKind::Video;
    std::vector<GstElementPtr> chain;
    chain.push_back(make(codec.depay));
    if (codec.parse) chain.push_back(make(codec.parse));
    chain.push_back(make(codec.decoder));
    GstElement *decoder = chain.back().get();
    if (decoder != nullptr) decode_on_one_thread(decoder);
    GstElement *scale = nullptr;
    if (video) {
        chain.push_back(make("videoconvert"));
        // Only a stream in another colour space is converted: 8 bits to 8 bits needs no
        // dithering, which would cost CPU and add noise the encoder then spends bits on.
        if (chain.back()) g_object_set(chain.back().get(), "dither", 0 /* none */, nullptr);
        chain.push_back(make("videoscale"));
        scale = chain.back().get();
        chain.push_back(make("capsfilter"));
        branch.scale_caps = chain.back().get();
    } else {
        chain.push_back(make("audioconvert"));
        chain.push_back(make("audioresample"));
        chain.push_back(make("capsfilter"));
        if (chain.back()) set_caps(chain.back().get(), kMixCaps);
    }
    chain.push_back(make("queue"));
    for (const GstElementPtr &element : chain)
        if (!element) {
            branch.scale_caps = nullptr;
            return;
        }
    for (const GstElementPtr &element : chain) gst_bin_add(GST_BIN(pipeline_.get()), element.get());
    for (size_t i = 0; i + 1 < chain.size(); ++i) gst_element_link(chain[i].get(), chain[i + 1].get());
    if (video) {
        // Before the decoder allocates anything for a frame, its size is checked (issue 11).
        branch.gate.emplace(branch.spec.source == StreamSource::Stage
                                ? SizeBound{output_.max_stage_width, output_.max_stage_height}
                                : SizeBound{output_.max_webcam_width, output_.max_webcam_height});
        const GstPadPtr decoder_sink = gst_take(gst_element_get_static_pad(decoder, "sink"));
        gst_pad_add_probe(decoder_sink.get(),
                          GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM), gate_frame,
                          &branch, nullptr);
    }
    if (video) {
        branch.decoded = std::make_unique<DecodedVideo>([&branch] {
            std::lock_guard cell_lock(branch.cell_mutex);
            return branch.cell_caps != branch.applied_cell_caps;
        });
        branch.decoded->attach(decoder);
    }
    if (scale != nullptr) {
        const GstPadPtr scale_sink = gst_take(gst_element_get_static_pad(scale, "sink"));
        gst_pad_add_probe(scale_sink.get(),
                          GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
                          apply_cell_caps, &branch, nullptr);
    }
    if (video) {
        // Into the compositor: on the branch's last streaming thread, after any frame was dropped.
        branch.pacer.emplace(output_.fps);
        const GstPadPtr chain_src = gst_take(gst_element_get_static_pad(chain.back().get(), "src"));
        gst_pad_add_probe(chain_src.get(),
                          GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
                                          GST_PAD_PROBE_TYPE_EVENT_FLUSH),
                          pace_frame, &branch, nullptr);
    } else {
        branch.timeline.emplace(AudioTimelineSettings{kMixRate, kMixChannels});
        const GstPadPtr chain_src = gst_take(gst_element_get_static_pad(chain.back().get(), "src"));
        gst_pad_add_probe(chain_src.get(),
                          GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
                                          GST_PAD_PROBE_TYPE_EVENT_FLUSH),
                          place_audio, &branch, nullptr);
    }
    const GstPadPtr chain_sink = gst_take(gst_element_get_static_pad(chain.front().get(), "sink"));
    if (tracks_) tracks_->link(GST_BIN(pipeline_.get()), id, branch.spec, pad, chain_sink.get());
    else gst_pad_link(pad, chain_sink.get());
    branch.mixer_pad = gst_take(gst_element_request_pad_simple(video ? compositor_ : audiomixer_, "sink_%u"));
    link_pads(chain.back().get(), branch.mixer_pad.get());
    branch.linked = true;
    if (video) relayout();
    for (const GstElementPtr &element : chain) gst_element_sync_state_with_parent(element.get());
}

// Caller holds mutex_.
void CompositePipeline::relayout() {
    // The newest stage is shown large; webcams keep the order they arrived in.
    const Branch *stage = nullptr;
    std::vector<Branch *> webcams;
    for (auto &[id, branch] : branches_) {
        if (branch.spec.kind != MediaKind::Video || !branch.linked || branch.ended) continue;
        if (branch.spec.source == StreamSource::Stage) {
            if (stage == nullptr || branch.order > stage->order) stage = &branch;
        } else {
            webcams.push_back(&branch);
        }
    }
    std::sort(webcams.begin(), webcams.end(), [](const Branch *a, const Branch *b) { return a->order < b->order; });
    const Layout layout = compute_layout(static_cast<int>(webcams.size()), stage != nullptr, output_.width,
                                         output_.height);
    auto place = [](Branch &branch, const Rect &cell, bool visible) {
        {
            std::lock_guard cell_lock(branch.cell_mutex);
            branch.cell_caps = "video/x-raw,width=" + std::to_string(std::max(cell.width, 2)) +
                               ",height=" + std::to_string(std::max(cell.height, 2)) + ",pixel-aspect-ratio=1/1" +
                               kColour;
        }
        g_object_set(branch.mixer_pad.get(), "xpos", cell.x, "ypos", cell.y, "width", cell.width, "height", cell.height,
                     "alpha", visible ? 1.0 : 0.0, "zorder", 1u, nullptr);
    };
    for (size_t i = 0; i < webcams.size(); ++i) place(*webcams[i], layout.webcams[i], true);
    for (auto &[id, branch] : branches_) {
        if (branch.spec.kind != MediaKind::Video || !branch.linked || branch.ended ||
            branch.spec.source != StreamSource::Stage)
            continue;
        place(branch, layout.stage, &branch == stage);
    }
}

void CompositePipeline::remove_stream(uint16_t id) {
    std::lock_guard lock(mutex_);
    auto it = branches_.find(id);
    if (it == branches_.end() || it->second.ended) return;
    it->second.ended = true;
    gst_app_src_end_of_stream(GST_APP_SRC(it->second.rtp_src));
    gst_app_src_end_of_stream(GST_APP_SRC(it->second.rtcp_src));
    if (it->second.spec.kind == MediaKind::Video && it->second.mixer_pad)
        g_object_set(it->second.mixer_pad.get(), "alpha", 0.0, nullptr);
    relayout();
}

// The running time at which the plugin received a packet, for the jitter buffer's arrival-based
// clock recovery. Packets the plugin queued while the worker started would otherwise all be
// stamped with the moment they were read: the jitter buffer then takes the burst for network
// delay, maps each stream's RTP clock wrongly by up to the start-up time, and corrects it
// seconds later, a visible shift of one stream against the others (lost audio, skipped
// frames). Packets received before the pipeline ran are timed later by one shift, the same for
// every stream, so that the oldest is at 0. Caller holds mutex_.
GstClockTime CompositePipeline::arrival_running_time(int64_t arrival_us) {
    const common::GstObjectPtr<GstClock> clock(gst_element_get_clock(pipeline_.get()));
    if (arrival_us < 0 || !clock) return GST_CLOCK_TIME_NONE;
    const GstClockTimeDiff age = std::max<int64_t>(0, g_get_monotonic_time() - arrival_us) * GST_USECOND;
    const GstClockTime now = gst_clock_get_time(clock.get());
    const GstClockTimeDiff running = GST_CLOCK_DIFF(gst_element_get_base_time(pipeline_.get()), now) - age;
    if (!arrival_shift_) arrival_shift_ = GstClockTime(std::max<GstClockTimeDiff>(0, -running));
    return GstClockTime(std::max<GstClockTimeDiff>(0, running + GstClockTimeDiff(*arrival_shift_)));
}

void CompositePipeline::push(GstElement *src, const uint8_t *data, size_t length, int64_t arrival_us) {
    GstBuffer *buffer = gst_buffer_new_memdup(data, length);
    // appsrc's do-timestamp times only buffers without a timestamp (the "now" of an untimed push).
    GST_BUFFER_DTS(buffer) = arrival_running_time(arrival_us);
    if (gst_app_src_push_buffer(GST_APP_SRC(src), buffer) != GST_FLOW_OK) ++dropped_;
}

void CompositePipeline::push_rtp(uint16_t id, const uint8_t *data, size_t length, int64_t arrival_us) {
    std::lock_guard lock(mutex_);
    auto it = branches_.find(id);
    if (it == branches_.end() || it->second.ended || length < 12) {
        ++dropped_;
        return;
    }
    push(it->second.rtp_src, data, length, arrival_us);
}

void CompositePipeline::push_rtcp(uint16_t id, const uint8_t *data, size_t length, int64_t arrival_us) {
    std::lock_guard lock(mutex_);
    auto it = branches_.find(id);
    if (it == branches_.end() || it->second.ended || length < 8) return;
    push(it->second.rtcp_src, data, length, arrival_us);
}

void CompositePipeline::finish() {
    if (pipeline_) gst_element_send_event(pipeline_.get(), gst_event_new_eos());
}

// On the branch's streaming thread, before its videoscale sees the caps or the buffer: the thread
// that negotiates the branch, so its capsfilter never changes in the middle of a negotiation.
GstPadProbeReturn CompositePipeline::apply_cell_caps(GstPad *, GstPadProbeInfo *info, gpointer data) {
    const bool event = info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM;
    if (event && GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) != GST_EVENT_CAPS) return GST_PAD_PROBE_OK;
    auto &branch = *static_cast<Branch *>(data);
    std::string caps;
    {
        std::lock_guard lock(branch.cell_mutex);
        if (branch.cell_caps == branch.applied_cell_caps) return GST_PAD_PROBE_OK;
        caps = branch.applied_cell_caps = branch.cell_caps;
    }
    set_caps(branch.scale_caps, caps); // the capsfilter asks videoscale to renegotiate
    return GST_PAD_PROBE_OK;
}

// A frame's timestamp as FramePacer places it on the compositor's output frames (the
// compositor starts its output at running time 0: start-time-selection "zero").
GstPadProbeReturn CompositePipeline::pace_frame(GstPad *pad, GstPadProbeInfo *info, gpointer data) {
    auto &branch = *static_cast<Branch *>(data);
    if (info->type & (GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_EVENT_FLUSH)) {
        const GstEventType type = GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info));
        if (type == GST_EVENT_SEGMENT || type == GST_EVENT_FLUSH_STOP) branch.pacer->reset();
        return GST_PAD_PROBE_OK;
    }
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
    if (!GST_BUFFER_PTS_IS_VALID(buffer)) return GST_PAD_PROBE_OK;
    GstEvent *segment_event = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0);
    if (segment_event == nullptr) return GST_PAD_PROBE_OK;
    const GstSegment *segment = nullptr;
    gst_event_parse_segment(segment_event, &segment);
    const guint64 running = segment->format == GST_FORMAT_TIME
                                ? gst_segment_to_running_time(segment, GST_FORMAT_TIME, GST_BUFFER_PTS(buffer))
                                : GST_CLOCK_TIME_NONE;
    if (GST_CLOCK_TIME_IS_VALID(running)) {
        const int64_t placed = branch.pacer->place(static_cast<int64_t>(running));
        GST_LOG("stream %u: frame at running time %" G_GUINT64_FORMAT " placed at %" G_GINT64_FORMAT,
                unsigned(branch.id), running, placed);
        const guint64 position = placed == static_cast<int64_t>(running)
                                     ? GST_CLOCK_TIME_NONE
                                     : gst_segment_position_from_running_time(segment, GST_FORMAT_TIME,
                                                                              static_cast<guint64>(placed));
        if (GST_CLOCK_TIME_IS_VALID(position)) {
            buffer = gst_buffer_make_writable(buffer);
            GST_BUFFER_PTS(buffer) = position;
            GST_PAD_PROBE_INFO_DATA(info) = buffer;
        }
    }
    gst_event_unref(segment_event);
    return GST_PAD_PROBE_OK;
}

// Where a stream's audio goes in the mix (AudioTimeline): the same samples, or the same with
// some silence taken out or added, contiguous with the buffer before.
GstPadProbeReturn CompositePipeline::place_audio(GstPad *, GstPadProbeInfo *info, gpointer data) {
    auto &branch = *static_cast<Branch *>(data);
    AudioTimeline &timeline = *branch.timeline;
    if (info->type & (GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_EVENT_FLUSH)) {
        const GstEventType type = GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info));
        if (type == GST_EVENT_SEGMENT || type == GST_EVENT_FLUSH_STOP) timeline.reset();
        if (type == GST_EVENT_EOS && timeline.removed_frames() + timeline.inserted_frames() + timeline.jumps() > 0)
            g_printerr("roomrec-recorder: stream %u: audio moved in its silences by %.1f ms out and %.1f ms in, "
                       "%" G_GINT64_FORMAT " moves not in silence, %" G_GINT64_FORMAT " discontinuities\n",
                       unsigned(branch.id), timeline.removed_frames() * 1000.0 / kMixRate,
                       timeline.inserted_frames() * 1000.0 / kMixRate, timeline.forced_moves(), timeline.jumps());
        return GST_PAD_PROBE_OK;
    }
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
    if (!GST_BUFFER_PTS_IS_VALID(buffer)) return GST_PAD_PROBE_OK;
    GstMapInfo map;
    if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) return GST_PAD_PROBE_OK;
    const size_t frames = map.size / (sizeof(float) * kMixChannels);
    const AudioTimeline::Placed placed = timeline.place(static_cast<int64_t>(GST_BUFFER_PTS(buffer)),
                                                        reinterpret_cast<const float *>(map.data), frames,
                                                        branch.edited_audio);
    gst_buffer_unmap(buffer, &map);
    GST_LOG("stream %u: audio at %" G_GUINT64_FORMAT " (%zu frames) placed at %" G_GINT64_FORMAT " (%zu frames)%s%s",
            unsigned(branch.id), GST_BUFFER_PTS(buffer), frames, placed.pts_ns, placed.frames,
            placed.edited ? ", edited" : "", placed.discont ? ", discontinuity" : "");
    if (placed.frames == 0) return GST_PAD_PROBE_DROP; // all of it taken out
    if (placed.edited) {
        GstBuffer *edited = gst_buffer_new_memdup(branch.edited_audio.data(),
                                                  branch.edited_audio.size() * sizeof(float));
        gst_buffer_copy_into(edited, buffer, GST_BUFFER_COPY_FLAGS, 0, -1);
        gst_buffer_unref(buffer);
        buffer = edited;
    } else {
        buffer = gst_buffer_make_writable(buffer);
    }
    GST_BUFFER_PTS(buffer) = static_cast<GstClockTime>(placed.pts_ns);
    GST_BUFFER_DURATION(buffer) = gst_util_uint64_scale_int(placed.frames, GST_SECOND, kMixRate);
    GST_BUFFER_OFFSET(buffer) = GST_BUFFER_OFFSET_NONE;
    GST_BUFFER_OFFSET_END(buffer) = GST_BUFFER_OFFSET_NONE;
    if (placed.discont) GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DISCONT);
    GST_PAD_PROBE_INFO_DATA(info) = buffer;
    return GST_PAD_PROBE_OK;
}

namespace {

// H.264 caps (what h264parse negotiates with avdec_h264, avc here): in avc form the parameter
// sets are in codec_data and the access units carry NAL lengths, not start codes; avc3 may
// carry them in band too; in byte-stream form everything is in band (length_size 0).
FrameHeader read_h264_caps(GstCaps *caps, int &length_size) {
    const GstStructure *format = gst_caps_get_structure(caps, 0);
    const char *stream_format = format ? gst_structure_get_string(format, "stream-format") : nullptr;
    const bool avc = stream_format != nullptr && std::strcmp(stream_format, "avc") == 0;
    const bool avc3 = stream_format != nullptr && std::strcmp(stream_format, "avc3") == 0;
    length_size = avc || avc3 ? 4 : 0;
    if (!avc && !avc3) return {};
    const GValue *value = gst_structure_get_value(format, "codec_data");
    GstBuffer *codec_data = value && G_VALUE_HOLDS(value, GST_TYPE_BUFFER) ? gst_value_get_buffer(value) : nullptr;
    if (codec_data == nullptr && avc3) return {};
    GstMapInfo map;
    if (codec_data == nullptr || !gst_buffer_map(codec_data, &map, GST_MAP_READ)) {
        FrameHeader unreadable;
        unreadable.malformed = true;
        return unreadable;
    }
    const FrameHeader header = read_h264_avc_config(map.data, map.size, length_size);
    gst_buffer_unmap(codec_data, &map);
    return header;
}

// The caps event with the frame size taken out (takes the event, returns its replacement).
GstEvent *without_size(GstEvent *caps_event) {
    GstCaps *caps = nullptr;
    gst_event_parse_caps(caps_event, &caps);
    if (caps == nullptr || gst_caps_get_size(caps) == 0) return caps_event;
    GstStructure *structure = gst_caps_get_structure(caps, 0);
    if (!gst_structure_has_field(structure, "width") && !gst_structure_has_field(structure, "height"))
        return caps_event;
    GstCaps *sizeless = gst_caps_copy(caps);
    gst_structure_remove_fields(gst_caps_get_structure(sizeless, 0), "width", "height", nullptr);
    GstEvent *replacement = gst_event_new_caps(sizeless);
    gst_caps_unref(sizeless);
    gst_event_unref(caps_event);
    return replacement;
}

} // namespace

void CompositePipeline::note_colour(Branch &branch, const FrameHeader &header) {
    if (branch.decoded && header.colour) branch.decoded->stated(*header.colour);
}

void CompositePipeline::report_rejected(Branch &branch) {
    const FrameSize refused = branch.gate->refused_size();
    const SizeBound bound = branch.gate->bound();
    g_printerr("roomrec-recorder: stream %u: dropping frames until a keyframe of at most %dx%d (last refused: "
               "%dx%d, %" G_GUINT64_FORMAT " dropped)\n",
               unsigned(branch.id), bound.width, bound.height, refused.width, refused.height,
               branch.gate->dropped_frames());
    on_event_(WorkerEvent::input_rejected(branch.id, refused.width, refused.height, branch.gate->dropped_frames()));
}

// On the branch's streaming thread, before its decoder sees the frame (or, for H.264 in avc
// form, the parameter sets in its caps).
GstPadProbeReturn CompositePipeline::gate_frame(GstPad *, GstPadProbeInfo *info, gpointer data) {
    auto &branch = *static_cast<Branch *>(data);
    const int64_t now = g_get_monotonic_time();
    if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
        GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
        if (GST_EVENT_TYPE(event) != GST_EVENT_CAPS) return GST_PAD_PROBE_OK;
        if (branch.spec.codec != Codec::H264) {
            // The depayloader copies the size a keyframe claims into its caps, and the decoder
            // refuses caps whose size it cannot open: the stream would stop at the caps before
            // the gate saw a frame. Each keyframe carries its size, and the gate checks it.
            GST_PAD_PROBE_INFO_DATA(info) = without_size(event);
            return GST_PAD_PROBE_OK;
        }
        GstCaps *caps = nullptr;
        gst_event_parse_caps(event, &caps);
        // The caps pass either way: the decoder allocates per frame, and the frames are held back.
        const FrameHeader config = read_h264_caps(caps, branch.avc_length_size);
        note_colour(branch, config);
        if (branch.gate->configure(config, now).report)
            branch.owner->report_rejected(branch);
        return GST_PAD_PROBE_OK;
    }
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
    GstMapInfo map;
    if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) return GST_PAD_PROBE_DROP;
    const FrameHeader header = branch.avc_length_size > 0
                                   ? read_h264_avc_access_unit(map.data, map.size, branch.avc_length_size)
                                   : read_frame_header(branch.spec.codec, map.data, map.size);
    gst_buffer_unmap(buffer, &map);
    note_colour(branch, header);
    const InputGate::Decision decision = branch.gate->admit(header, now);
    if (decision.pass) return GST_PAD_PROBE_OK;
    branch.owner->dropped_frames_.fetch_add(1);
    if (decision.report) branch.owner->report_rejected(branch);
    return GST_PAD_PROBE_DROP;
}

GstPadProbeReturn CompositePipeline::on_output_buffer(GstPad *, GstPadProbeInfo *, gpointer self) {
    auto *pipeline = static_cast<CompositePipeline *>(self);
    // Buffer 1 is the file header (ftyp/moov); the first fragment after it holds the first frames.
    if (!pipeline->first_frame_reported_ && ++pipeline->output_buffers_ > 1) {
        pipeline->first_frame_reported_ = true;
        pipeline->on_event_(WorkerEvent::first_frame(pipeline->output_.output));
    }
    return GST_PAD_PROBE_OK;
}

} // namespace roomrec::recorder
