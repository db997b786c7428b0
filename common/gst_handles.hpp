// RAII for GStreamer and GLib values (DESIGN rule 5): each handle releases exactly the
// reference it was given. Header-only; whoever includes it links GStreamer.
#pragma once

#include <glib.h>
#include <gst/gst.h>

#include <memory>
#include <utility>

namespace roomrec::common {

struct GstObjectUnref {
    void operator()(gpointer object) const { gst_object_unref(object); }
};
// Any GstObject: elements, bins, pads, buses.
template <typename T> using GstObjectPtr = std::unique_ptr<T, GstObjectUnref>;
using GstElementPtr = GstObjectPtr<GstElement>;
using GstPadPtr = GstObjectPtr<GstPad>;
using GstBusPtr = GstObjectPtr<GstBus>;

// Wraps a reference the caller owns (gst_element_get_static_pad, gst_element_get_bus,
// gst_element_request_pad_simple).
template <typename T> GstObjectPtr<T> gst_take(T *object) { return GstObjectPtr<T>(object); }

// For a new object whose reference is floating (gst_element_factory_make, gst_pipeline_new):
// sinks it, so the handle owns a full reference and a bin it is added to takes a second one
// of its own instead of the handle's.
template <typename T> GstObjectPtr<T> gst_take_floating(T *object) {
    if (object != nullptr) gst_object_ref_sink(object);
    return GstObjectPtr<T>(object);
}

// A new reference to an object borrowed from elsewhere.
template <typename T> GstObjectPtr<T> gst_share(T *object) {
    if (object != nullptr) gst_object_ref(object);
    return GstObjectPtr<T>(object);
}

struct GstCapsUnref {
    void operator()(GstCaps *caps) const { gst_caps_unref(caps); }
};
using GstCapsPtr = std::unique_ptr<GstCaps, GstCapsUnref>;

struct GstBufferUnref {
    void operator()(GstBuffer *buffer) const { gst_buffer_unref(buffer); }
};
using GstBufferPtr = std::unique_ptr<GstBuffer, GstBufferUnref>;

struct GstSampleUnref {
    void operator()(GstSample *sample) const { gst_sample_unref(sample); }
};
using GstSamplePtr = std::unique_ptr<GstSample, GstSampleUnref>;

struct GstMessageUnref {
    void operator()(GstMessage *message) const { gst_message_unref(message); }
};
using GstMessagePtr = std::unique_ptr<GstMessage, GstMessageUnref>;

struct GErrorFree {
    void operator()(GError *error) const { g_error_free(error); }
};
using GErrorPtr = std::unique_ptr<GError, GErrorFree>;

struct GFreeDeleter {
    void operator()(gpointer memory) const { g_free(memory); }
};
using GCharPtr = std::unique_ptr<gchar, GFreeDeleter>;

struct GMainLoopUnref {
    void operator()(GMainLoop *loop) const { g_main_loop_unref(loop); }
};
using GMainLoopPtr = std::unique_ptr<GMainLoop, GMainLoopUnref>;

// Fills a handle through a C out-parameter: gst_message_parse_error(m, GOut(error), GOut(debug)).
// The handle takes the value when the full expression ends.
template <typename Handle> class GOut {
public:
    explicit GOut(Handle &handle) : handle_(handle) {}
    ~GOut() { handle_.reset(value_); }
    GOut(const GOut &) = delete;
    GOut &operator=(const GOut &) = delete;
    operator typename Handle::pointer *() { return &value_; }

private:
    Handle &handle_;
    typename Handle::pointer value_ = nullptr;
};

} // namespace roomrec::common
