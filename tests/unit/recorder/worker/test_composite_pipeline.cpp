// The recorder's composite pipeline in-process: VP8 RTP made by a GstHarness (a test pattern
// through vp8enc ! rtpvp8pay) is pushed in real time, and the compositor's output frames are
// looked at: their size, that they keep coming, and where each stream is drawn while a stage
// joins and leaves. Then the encoder's caps and the end of the file.
#include "recorder/core/layout.hpp"
#include "recorder/worker/composite_pipeline.hpp"

#include "common/gst_handles.hpp"

#include <gst/check/gstharness.h>
#include <gst/gst.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <thread>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::recorder;
using roomrec::common::gst_take;
using roomrec::common::GstBufferPtr;
using roomrec::common::GstCapsPtr;
using roomrec::common::GstElementPtr;
using roomrec::common::GstMessagePtr;
using roomrec::common::GstPadPtr;

namespace {

constexpr auto kFrameInterval = std::chrono::milliseconds(33);
// Generous for a loaded machine or a sanitizer build; a passing run takes about a second per step.
constexpr auto kStepTimeout = std::chrono::seconds(8);
// videotestsrc colours after VP8 and scaling, in 8-bit luma: white 235, red 81, black 16.
constexpr int kBright = 190;
constexpr int kRedLow = 50;
constexpr int kRedHigh = 130;

struct HarnessTeardown {
    void operator()(GstHarness *harness) const { gst_harness_teardown(harness); }
};

// One publisher's VP8 RTP: a solid colour at 320x180, 30 fps, a keyframe every 15 frames.
class RtpSource {
public:
    explicit RtpSource(const char *pattern)
        : harness_(gst_harness_new_parse("vp8enc deadline=1 lag-in-frames=0 keyframe-max-dist=15 "
                                         "target-bitrate=300000 ! rtpvp8pay pt=96 mtu=1200")) {
        // Live on the harness's test clock: each push cranks it once for exactly one frame.
        const std::string source = std::string("videotestsrc is-live=true pattern=") + pattern +
                                   " ! capsfilter caps=\"video/x-raw,format=I420,width=320,height=180,framerate=30/1\"";
        gst_harness_add_src_parse(harness_.get(), source.c_str(), TRUE);
    }

    // Encodes the next frame and pushes its packets as stream id.
    void push_frame(CompositePipeline &pipeline, uint16_t id) {
        assert_int_equal(gst_harness_push_from_src(harness_.get()), GST_FLOW_OK);
        while (GstBufferPtr packet{gst_harness_try_pull(harness_.get())}) {
            GstMapInfo map;
            assert_true(gst_buffer_map(packet.get(), &map, GST_MAP_READ));
            pipeline.push_rtp(id, map.data, map.size);
            gst_buffer_unmap(packet.get(), &map);
        }
    }

private:
    std::unique_ptr<GstHarness, HarnessTeardown> harness_;
};

// The compositor's output, seen from its src pad on the streaming thread.
class CompositeProbe {
public:
    explicit CompositeProbe(GstElement *pipeline) {
        const GstElementPtr compositor = gst_take(gst_bin_get_by_name(GST_BIN(pipeline), "compositor"));
        assert_non_null(compositor.get());
        pad_ = gst_take(gst_element_get_static_pad(compositor.get(), "src"));
        gst_pad_add_probe(pad_.get(), GST_PAD_PROBE_TYPE_BUFFER, on_buffer, this, nullptr);
    }

    int frames() {
        std::lock_guard lock(mutex_);
        return frames_;
    }

    // Mean luma of a 32x32 square centred on (x, y) of the latest frame; -1 before any frame.
    int luma_at(int x, int y) {
        GstBufferPtr frame;
        {
            std::lock_guard lock(mutex_);
            if (!latest_) return -1;
            frame.reset(gst_buffer_ref(latest_.get()));
        }
        GstMapInfo map;
        if (!gst_buffer_map(frame.get(), &map, GST_MAP_READ)) return -1;
        // I420 at 1920 wide: the Y plane comes first with a stride of exactly the width.
        int sum = 0;
        int count = 0;
        for (int row = y - 16; row < y + 16; ++row)
            for (int column = x - 16; column < x + 16; ++column)
                if (static_cast<size_t>(row) * kCanvasWidth + column < map.size) {
                    sum += map.data[static_cast<size_t>(row) * kCanvasWidth + column];
                    ++count;
                }
        gst_buffer_unmap(frame.get(), &map);
        return count ? sum / count : -1;
    }

    GstCapsPtr caps() const { return GstCapsPtr(gst_pad_get_current_caps(pad_.get())); }

private:
    static GstPadProbeReturn on_buffer(GstPad *, GstPadProbeInfo *info, gpointer self) {
        auto &probe = *static_cast<CompositeProbe *>(self);
        std::lock_guard lock(probe.mutex_);
        ++probe.frames_;
        probe.latest_.reset(gst_buffer_ref(GST_PAD_PROBE_INFO_BUFFER(info)));
        return GST_PAD_PROBE_OK;
    }

    GstPadPtr pad_;
    std::mutex mutex_;
    int frames_ = 0;
    GstBufferPtr latest_;
};

struct Publisher {
    uint16_t id;
    RtpSource *source;
};

// Feeds every publisher one frame per frame interval until done() holds; false on timeout.
bool pump_until(CompositePipeline &pipeline, const std::vector<Publisher> &publishers,
                const std::function<bool()> &done) {
    const auto deadline = std::chrono::steady_clock::now() + kStepTimeout;
    auto next = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() < deadline) {
        for (const Publisher &publisher : publishers) publisher.source->push_frame(pipeline, publisher.id);
        if (done()) return true;
        next += kFrameInterval;
        std::this_thread::sleep_until(next);
    }
    return false;
}

int int_field(const GstCaps *caps, const char *name) {
    int value = -1;
    if (caps != nullptr && gst_caps_get_size(caps) > 0)
        gst_structure_get_int(gst_caps_get_structure(caps, 0), name, &value);
    return value;
}

StreamSpec video(StreamSource source) {
    StreamSpec spec;
    spec.kind = MediaKind::Video;
    spec.source = source;
    spec.codec = Codec::Vp8;
    spec.payload_type = 96;
    spec.participant = "p1";
    return spec;
}

class TempFolder {
public:
    TempFolder() {
        char name[] = "/tmp/roomrec-pipeline-XXXXXX";
        assert_non_null(mkdtemp(name));
        path_ = name;
    }
    ~TempFolder() { std::filesystem::remove_all(path_); }
    std::string file(const char *name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

WorkerConfig config_for(const std::string &output) {
    WorkerConfig config;
    config.output = output;
    return config;
}

} // namespace

static void composes_and_follows_a_stage_that_comes_and_goes(void **) {
    TempFolder folder;
    const std::string output = folder.file("out.mp4");
    std::atomic<bool> first_frame{false};
    CompositePipeline pipeline(config_for(output), [&](const WorkerEvent &event) {
        if (event.kind == WorkerEvent::Kind::FirstFrame && event.path == output) first_frame = true;
    });
    std::string error;
    assert_true(pipeline.start(error));
    CompositeProbe probe(pipeline.pipeline());
    RtpSource webcam("white");
    RtpSource stage("red");

    // A webcam alone fills the frame.
    assert_true(pipeline.add_stream(1, video(StreamSource::Webcam), error));
    const bool webcam_shown = pump_until(pipeline, {{1, &webcam}}, [&] { return probe.luma_at(960, 540) > kBright; });
    assert_true(webcam_shown);
    const GstCapsPtr caps = probe.caps();
    assert_int_equal(int_field(caps.get(), "width"), 1920);
    assert_int_equal(int_field(caps.get(), "height"), 1080);

    // A stage takes the large cell; the webcam moves to the strip beside it.
    const Layout with_stage = compute_layout(1, true);
    const auto centre = [](const Rect &cell) { return std::pair{cell.x + cell.width / 2, cell.y + cell.height / 2}; };
    const auto [stage_x, stage_y] = centre(with_stage.stage);
    const auto [strip_x, strip_y] = centre(with_stage.webcams.at(0));
    assert_true(pipeline.add_stream(2, video(StreamSource::Stage), error));
    const bool stage_shown = pump_until(pipeline, {{1, &webcam}, {2, &stage}}, [&] {
        const int on_stage = probe.luma_at(stage_x, stage_y);
        return on_stage > kRedLow && on_stage < kRedHigh && probe.luma_at(strip_x, strip_y) > kBright;
    });
    if (!stage_shown)
        fail_msg("stage %d (red expected), strip %d (white expected)", probe.luma_at(stage_x, stage_y),
                 probe.luma_at(strip_x, strip_y));

    // The stage leaves: the webcam has the whole frame again, and frames keep coming.
    pipeline.remove_stream(2);
    const int frames_at_removal = probe.frames();
    const bool webcam_back = pump_until(pipeline, {{1, &webcam}}, [&] {
        return probe.luma_at(stage_x, stage_y) > kBright && probe.frames() > frames_at_removal + 15;
    });
    if (!webcam_back)
        fail_msg("after removal: %d at the stage's centre, %d new frames", probe.luma_at(stage_x, stage_y),
                 probe.frames() - frames_at_removal);
    assert_true(pump_until(pipeline, {{1, &webcam}}, [&] { return first_frame.load(); }));

    // The encoder makes High-profile 1080p H.264, and finishing ends the file cleanly.
    const GstElementPtr muxer = gst_take(gst_bin_get_by_name(GST_BIN(pipeline.pipeline()), "muxer"));
    const GstPadPtr muxer_video = gst_take(gst_element_get_static_pad(muxer.get(), "video_0"));
    assert_non_null(muxer_video.get());
    const GstCapsPtr h264(gst_pad_get_current_caps(muxer_video.get()));
    assert_non_null(h264.get());
    const GstStructure *h264_format = gst_caps_get_structure(h264.get(), 0);
    assert_string_equal(gst_structure_get_name(h264_format), "video/x-h264");
    assert_string_equal(gst_structure_get_string(h264_format, "profile"), "high");
    assert_int_equal(int_field(h264.get(), "width"), 1920);
    assert_int_equal(int_field(h264.get(), "height"), 1080);

    pipeline.finish();
    const roomrec::common::GstBusPtr bus = gst_take(gst_element_get_bus(pipeline.pipeline()));
    const GstMessagePtr end(
        gst_bus_timed_pop_filtered(bus.get(), 15 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR)));
    assert_non_null(end.get());
    assert_int_equal(GST_MESSAGE_TYPE(end.get()), GST_MESSAGE_EOS);
    // The header, then fragments (flat colours compress to almost nothing, so no size check).
    const std::string file = read_file(output);
    assert_true(file.find("ftyp") != std::string::npos);
    assert_true(file.find("moof") != std::string::npos);
    assert_true(file.find("mdat") != std::string::npos);
    assert_int_equal(pipeline.dropped_packets(), 0);
}

static void refuses_bad_streams_and_survives_stray_packets(void **) {
    TempFolder folder;
    CompositePipeline pipeline(config_for(folder.file("out.mp4")), [](const WorkerEvent &) {});
    std::string error;
    assert_false(pipeline.add_stream(1, video(StreamSource::Webcam), error));
    assert_false(error.empty());
    assert_true(pipeline.start(error));

    StreamSpec mismatched = video(StreamSource::Webcam);
    mismatched.codec = Codec::Opus;
    error.clear();
    assert_false(pipeline.add_stream(1, mismatched, error));
    assert_false(error.empty());
    assert_true(pipeline.add_stream(1, video(StreamSource::Webcam), error));
    error.clear();
    assert_false(pipeline.add_stream(1, video(StreamSource::Stage), error));
    assert_false(error.empty());

    const uint8_t junk[40] = {0x80, 96, 0, 1};
    pipeline.push_rtp(7, junk, sizeof junk); // nobody added stream 7
    pipeline.push_rtp(1, junk, 5);           // shorter than an RTP header
    pipeline.push_rtp(1, junk, sizeof junk); // a header and a garbage VP8 payload: queued
    pipeline.push_rtcp(7, junk, sizeof junk);
    assert_int_equal(pipeline.dropped_packets(), 2);
    pipeline.remove_stream(1);
    pipeline.remove_stream(1);
    pipeline.push_rtp(1, junk, sizeof junk); // after its end
    assert_int_equal(pipeline.dropped_packets(), 3);
    // Torn down while running, without finish(): the destructor stops it.
}

static void a_pipeline_that_cannot_write_reports_it(void **) {
    CompositePipeline pipeline(config_for("/nonexistent-folder/out.mp4"), [](const WorkerEvent &) {});
    std::string error;
    assert_false(pipeline.start(error));
    assert_true(error.find("/nonexistent-folder/out.mp4") != std::string::npos);
}

int main(int argc, char **argv) {
    gst_init(&argc, &argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refuses_bad_streams_and_survives_stray_packets),
        cmocka_unit_test(a_pipeline_that_cannot_write_reports_it),
        cmocka_unit_test(composes_and_follows_a_stage_that_comes_and_goes),
    };
    const int failures = cmocka_run_group_tests(tests, nullptr, nullptr);
    // A failed test jumps past its destructors and leaves its pipeline running, which
    // gst_deinit would wait for forever.
    if (failures == 0) gst_deinit();
    return failures;
}
