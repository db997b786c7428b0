// Objects shared between the signalling thread (which builds them) and the media threads
// (which only read immutable snapshots of them). Every cross-thread pointer is a shared_ptr
// snapshot swapped atomically, so a media thread never waits for the signalling thread.
#pragma once

#include "plugin/core/keyframe_limiter.hpp"
#include "plugin/core/rtp_rewriter.hpp"
#include "plugin/core/stream_plan.hpp"
#include "plugin/janus_api.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace roomrec::plugin {

// Keeps a Janus handle alive (Janus refcount) for as long as a media object may use it.
class HandleRef {
public:
    struct Adopt {};
    explicit HandleRef(janus_plugin_session *handle);
    // Takes over the reference Janus keeps for the plugin (create_session runs before Janus
    // initialises the counter, so an increment there would be lost).
    HandleRef(janus_plugin_session *handle, Adopt) : handle_(handle) {}
    ~HandleRef();
    HandleRef(const HandleRef &) = delete;
    HandleRef &operator=(const HandleRef &) = delete;
    janus_plugin_session *get() const { return handle_; }
    // Forgets the handle without releasing a reference (for a handle Janus never set up).
    void forget() { handle_ = nullptr; }

private:
    janus_plugin_session *handle_;
};

// Whether a handle may receive media now; shared by a session and everything relaying to it.
struct MediaGate {
    std::atomic<bool> media_up{false};
    std::atomic<bool> closed{false};
    bool open() const { return media_up.load(std::memory_order_acquire) && !closed.load(std::memory_order_acquire); }
};

struct NegotiatedCodec {
    std::string name; // "opus", "vp8", "vp9", "h264"
    int payload_type = 0;
    std::string fmtp; // as offered by the publisher (profile for H.264/VP9)
};

class RecorderLink;

// Where the recorder tap sends a published stream's packets (set while a recording runs).
struct RecorderTap {
    std::shared_ptr<RecorderLink> link;
    uint16_t stream_id = 0;
};

// A publisher's latest RTCP sender report (compound, as received) and when it came, for a
// recording that starts between two reports (plugin/core/sender_report.hpp). The media thread
// stores about one a second without allocating and never waits: while the signalling thread
// copies the report out (when a recording starts), a new one is skipped, the next one kept.
class SenderReportCache {
public:
    static constexpr size_t kMaxLength = 512; // an SR and its SDES; longer compounds are not kept

    void store(const uint8_t *data, size_t length, int64_t now_us) {
        if (length > kMaxLength) return;
        std::unique_lock lock(mutex_, std::try_to_lock);
        if (!lock.owns_lock()) return;
        std::copy(data, data + length, bytes_.begin());
        length_ = length;
        received_us_ = now_us;
    }

    // The report and when it came (monotonic µs); empty if none came yet.
    std::vector<uint8_t> load(int64_t &received_us) const {
        std::lock_guard lock(mutex_);
        received_us = received_us_;
        return {bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(length_)};
    }

private:
    mutable std::mutex mutex_;
    std::array<uint8_t, kMaxLength> bytes_{};
    size_t length_ = 0;
    int64_t received_us_ = 0;
};

struct SubscriberStream;
using SubscriberList = std::vector<std::shared_ptr<SubscriberStream>>;

struct PublishedStream {
    PublishedStream(janus_plugin_session *publisher, const PlannedStream &plan, NegotiatedCodec codec,
                    std::string feed_id, int64_t pli_interval_us)
        : publisher(publisher), plan(plan), codec(std::move(codec)), feed_id(std::move(feed_id)),
          keyframes(pli_interval_us) {}

    HandleRef publisher;
    const PlannedStream plan;
    const NegotiatedCodec codec;
    const std::string feed_id; // participant id of the publisher
    KeyframeLimiter keyframes;
    std::atomic<std::shared_ptr<const SubscriberList>> subscribers{std::make_shared<const SubscriberList>()};
    std::atomic<uint64_t> packets_in{0};
    std::atomic<std::shared_ptr<const RecorderTap>> tap{nullptr};
    SenderReportCache last_sender_report;
};

struct SubscriberStream {
    SubscriberStream(janus_plugin_session *subscriber, std::shared_ptr<MediaGate> gate, int mindex, std::string mid,
                     const std::shared_ptr<PublishedStream> &source)
        : subscriber(subscriber), gate(std::move(gate)), mindex(mindex), mid(std::move(mid)), source(source),
          kind(source->plan.kind), feed_id(source->feed_id), feed_mid(source->plan.mid), codec(source->codec),
          payload_type(static_cast<uint8_t>(source->codec.payload_type)),
          rewriter(kind == MediaKind::Video ? 90000 : 48000) {}

    // An idle m-line: keeps its place, codec and msid in the SDP but has no source.
    static std::shared_ptr<SubscriberStream> idle_slot(const SubscriberStream &previous) {
        auto slot = std::shared_ptr<SubscriberStream>(new SubscriberStream(previous));
        previous.hand_numbering_to(*slot);
        return slot;
    }

    bool idle() const { return source.expired(); }

    HandleRef subscriber;
    const std::shared_ptr<MediaGate> gate;
    const int mindex; // m-line index in the subscriber's SDP
    const std::string mid;
    const std::weak_ptr<PublishedStream> source;
    const MediaKind kind;
    const std::string feed_id;
    const std::string feed_mid;
    const NegotiatedCodec codec;
    const uint8_t payload_type;
    RtpRewriter rewriter; // touched only by the source publisher's media thread
    std::atomic<uint64_t> packets_out{0};
    // What went out last ((seq << 32) | timestamp, and when), so a later stream reusing this
    // m-line continues the numbering without touching this stream's rewriter.
    std::atomic<uint64_t> last_sent{0};
    std::atomic<int64_t> last_sent_us{0};

    void record_sent(const RtpFields &fields, int64_t now_us) {
        last_sent.store((uint64_t(fields.seq) << 32) | fields.timestamp, std::memory_order_relaxed);
        last_sent_us.store(now_us, std::memory_order_relaxed);
    }
    // Seeds a successor's rewriter (signalling thread).
    void hand_numbering_to(SubscriberStream &successor) const {
        const int64_t when = last_sent_us.load(std::memory_order_relaxed);
        if (when == 0) return;
        const uint64_t packed = last_sent.load(std::memory_order_relaxed);
        successor.rewriter.continue_from(static_cast<uint16_t>(packed >> 32), static_cast<uint32_t>(packed), when);
        successor.last_sent.store(packed, std::memory_order_relaxed);
        successor.last_sent_us.store(when, std::memory_order_relaxed);
    }

private:
    explicit SubscriberStream(const SubscriberStream &previous)
        : subscriber(previous.subscriber.get()), gate(previous.gate), mindex(previous.mindex), mid(previous.mid),
          kind(previous.kind), feed_id(previous.feed_id), feed_mid(previous.feed_mid), codec(previous.codec),
          payload_type(previous.payload_type), rewriter(kind == MediaKind::Video ? 90000 : 48000) {}
};

// What a publisher handle sends, indexed by m-line.
struct Publication {
    std::vector<std::shared_ptr<PublishedStream>> by_mindex;
    std::shared_ptr<PublishedStream> at(int mindex) const {
        return mindex >= 0 && static_cast<size_t>(mindex) < by_mindex.size() ? by_mindex[mindex] : nullptr;
    }
};

// What a subscriber handle receives, indexed by m-line.
struct Subscription {
    std::vector<std::shared_ptr<SubscriberStream>> by_mindex;
    std::shared_ptr<SubscriberStream> at(int mindex) const {
        return mindex >= 0 && static_cast<size_t>(mindex) < by_mindex.size() ? by_mindex[mindex] : nullptr;
    }
};

// Adds or removes one subscriber stream on its source (signalling thread only: copy, then swap).
void attach_subscriber(PublishedStream &source, const std::shared_ptr<SubscriberStream> &stream);
void detach_subscriber(PublishedStream &source, const SubscriberStream *stream);

} // namespace roomrec::plugin
