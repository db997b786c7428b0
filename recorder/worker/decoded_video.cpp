#include "recorder/worker/decoded_video.hpp"

#include <gst/video/video.h>

#include <cstring>

namespace roomrec::recorder {
namespace {

GstVideoColorimetry colorimetry_of(VideoColour colour) {
    GstVideoColorimetry c{};
    switch (resolve_colour(colour).matrix) {
    case ColourMatrix::Bt709:
        c = {GST_VIDEO_COLOR_RANGE_16_235, GST_VIDEO_COLOR_MATRIX_BT709, GST_VIDEO_TRANSFER_BT709,
             GST_VIDEO_COLOR_PRIMARIES_BT709};
        break;
    case ColourMatrix::Bt2020:
        c = {GST_VIDEO_COLOR_RANGE_16_235, GST_VIDEO_COLOR_MATRIX_BT2020, GST_VIDEO_TRANSFER_BT2020_10,
             GST_VIDEO_COLOR_PRIMARIES_BT2020};
        break;
    case ColourMatrix::Smpte240:
        c = {GST_VIDEO_COLOR_RANGE_16_235, GST_VIDEO_COLOR_MATRIX_SMPTE240M, GST_VIDEO_TRANSFER_SMPTE240M,
             GST_VIDEO_COLOR_PRIMARIES_SMPTE240M};
        break;
    case ColourMatrix::Bt601:
    case ColourMatrix::Unspecified:
        c = {GST_VIDEO_COLOR_RANGE_16_235, GST_VIDEO_COLOR_MATRIX_BT601, GST_VIDEO_TRANSFER_BT601,
             GST_VIDEO_COLOR_PRIMARIES_SMPTE170M};
        break;
    }
    if (colour.full_range) c.range = GST_VIDEO_COLOR_RANGE_0_255;
    return c;
}

} // namespace

DecodedVideo::DecodedVideo(std::function<bool()> must_pass) : must_pass_(std::move(must_pass)) {}

void DecodedVideo::stated(VideoColour colour) {
    full_range_.store(colour.full_range);
    matrix_.store(static_cast<int>(colour.matrix));
}

void DecodedVideo::attach(GstElement *decoder) {
    const common::GstPadPtr src = common::gst_take(gst_element_get_static_pad(decoder, "src"));
    gst_pad_add_probe(src.get(), GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
                      on_decoded, this, nullptr);
}

// The decoder's caps with the stated colorimetry. The chroma siting is labelled as the
// pipeline's (centred) too: H.264's is left-sited, half a chroma sample away, and a differing
// label alone would make the convert process every frame.
GstEvent *DecodedVideo::relabelled(GstEvent *caps_event) const {
    GstCaps *caps = nullptr;
    gst_event_parse_caps(caps_event, &caps);
    GstVideoInfo info;
    if (caps == nullptr || !gst_video_info_from_caps(&info, caps) || !GST_VIDEO_INFO_IS_YUV(&info)) return nullptr;
    const VideoColour colour{static_cast<ColourMatrix>(matrix_.load()), full_range_.load()};
    const GstVideoColorimetry colorimetry = colorimetry_of(colour);
    const common::GCharPtr text(gst_video_colorimetry_to_string(&colorimetry));
    GstCaps *labelled = gst_caps_copy(caps);
    gst_caps_set_simple(labelled, "colorimetry", G_TYPE_STRING, text.get(), "chroma-site", G_TYPE_STRING, "jpeg",
                        nullptr);
    GstEvent *event = gst_event_new_caps(labelled);
    gst_caps_unref(labelled);
    return event;
}

// Compares the whole frame with the last one let through: a changed frame usually differs in
// its first lines (the comparison stops there), an unchanged one costs a read of two frames,
// far less than converting and scaling it.
bool DecodedVideo::repeats_previous(GstBuffer *buffer) {
    if (!previous_ || gst_buffer_get_size(previous_.get()) != gst_buffer_get_size(buffer)) return false;
    GstMapInfo before, now;
    if (!gst_buffer_map(previous_.get(), &before, GST_MAP_READ)) return false;
    bool same = false;
    if (gst_buffer_map(buffer, &now, GST_MAP_READ)) {
        same = before.size == now.size && std::memcmp(before.data, now.data, now.size) == 0;
        gst_buffer_unmap(buffer, &now);
    }
    gst_buffer_unmap(previous_.get(), &before);
    return same;
}

GstPadProbeReturn DecodedVideo::on_decoded(GstPad *, GstPadProbeInfo *info, gpointer data) {
    auto &self = *static_cast<DecodedVideo *>(data);
    if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
        GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
        if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_STOP) self.previous_.reset();
        if (GST_EVENT_TYPE(event) != GST_EVENT_CAPS) return GST_PAD_PROBE_OK;
        self.previous_.reset(); // new caps: the next frame goes through
        if (GstEvent *labelled = self.relabelled(event)) {
            gst_event_unref(event);
            GST_PAD_PROBE_INFO_DATA(info) = labelled;
        }
        return GST_PAD_PROBE_OK;
    }
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
    if (self.repeats_previous(buffer) && !self.must_pass_()) {
        self.repeated_.fetch_add(1);
        return GST_PAD_PROBE_DROP;
    }
    self.previous_.reset(gst_buffer_ref(buffer));
    return GST_PAD_PROBE_OK;
}

} // namespace roomrec::recorder
