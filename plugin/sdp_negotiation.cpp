#include "plugin/sdp_negotiation.hpp"

#include "plugin/janus_api.hpp"

#include <cstring>
#include <memory>

namespace roomrec::plugin {
namespace {

using domain::ErrorCode;
using domain::ValidationError;

struct SdpDestroy {
    void operator()(janus_sdp *sdp) const { janus_sdp_destroy(sdp); }
};
using SdpPtr = std::unique_ptr<janus_sdp, SdpDestroy>;

struct GFree {
    void operator()(char *text) const { g_free(text); }
};

// Codecs the recorder can decode (M1), in order of preference.
const char *const kVideoCodecs[] = {"vp8", "vp9", "h264"};

std::string mid_of(const janus_sdp_mline *mline) {
    for (GList *it = mline->attributes; it != nullptr; it = it->next) {
        auto *attribute = static_cast<janus_sdp_attribute *>(it->data);
        if (attribute->name != nullptr && !std::strcmp(attribute->name, "mid") && attribute->value != nullptr)
            return attribute->value;
    }
    return std::to_string(mline->index);
}

bool offerer_sends(janus_sdp_mdirection direction) {
    return direction == JANUS_SDP_DEFAULT || direction == JANUS_SDP_SENDRECV || direction == JANUS_SDP_SENDONLY;
}

std::optional<NegotiatedCodec> choose_codec(janus_sdp *offer, const janus_sdp_mline *mline) {
    const bool video = mline->type == JANUS_SDP_VIDEO;
    const char *const audio_codecs[] = {"opus"};
    const auto *begin = video ? std::begin(kVideoCodecs) : std::begin(audio_codecs);
    const auto *end = video ? std::end(kVideoCodecs) : std::end(audio_codecs);
    for (const auto *codec = begin; codec != end; ++codec) {
        const int pt = janus_sdp_get_codec_pt(offer, mline->index, *codec);
        if (pt < 0) continue;
        NegotiatedCodec chosen{*codec, pt, ""};
        if (const char *fmtp = janus_sdp_get_fmtp(offer, mline->index, pt)) chosen.fmtp = fmtp;
        return chosen;
    }
    return std::nullopt;
}

// H.264 and VP9 carry a profile that both sides must agree on; other codecs have none.
std::unique_ptr<char, GFree> video_profile(const NegotiatedCodec &codec) {
    if (codec.name == "h264")
        return std::unique_ptr<char, GFree>(janus_sdp_get_video_profile(JANUS_VIDEOCODEC_H264, codec.fmtp.c_str()));
    if (codec.name == "vp9")
        return std::unique_ptr<char, GFree>(janus_sdp_get_video_profile(JANUS_VIDEOCODEC_VP9, codec.fmtp.c_str()));
    return nullptr;
}

int answer_line(janus_sdp *offer, janus_sdp *answer, janus_sdp_mline *mline, const NegotiatedCodec &codec) {
    const auto profile = video_profile(codec);
    const bool video = mline->type == JANUS_SDP_VIDEO;
    return janus_sdp_generate_answer_mline(
        offer, answer, mline, JANUS_SDP_OA_MLINE, mline->type, JANUS_SDP_OA_CODEC, codec.name.c_str(),
        JANUS_SDP_OA_DIRECTION, JANUS_SDP_RECVONLY,
        video && codec.name == "h264" ? JANUS_SDP_OA_H264_PROFILE : JANUS_SDP_OA_VP9_PROFILE,
        profile ? profile.get() : nullptr, JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_MID, JANUS_SDP_OA_ACCEPT_EXTMAP,
        JANUS_RTP_EXTMAP_AUDIO_LEVEL, JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_TRANSPORT_WIDE_CC,
        JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_ABS_SEND_TIME, JANUS_SDP_OA_DONE);
}

int reject_line(janus_sdp *offer, janus_sdp *answer, janus_sdp_mline *mline) {
    return janus_sdp_generate_answer_mline(offer, answer, mline, JANUS_SDP_OA_MLINE, mline->type, JANUS_SDP_OA_ENABLED,
                                           FALSE, JANUS_SDP_OA_DONE);
}

SdpPtr parse_sdp(const char *text, std::string &error) {
    char message[200] = {0};
    SdpPtr sdp(janus_sdp_parse(text, message, sizeof message));
    if (!sdp) error = message[0] ? message : "unparsable SDP";
    return sdp;
}

} // namespace

std::variant<PublisherAnswer, domain::ValidationError> answer_publisher(const char *offer_sdp,
                                                                        const json_t *descriptions) {
    std::string parse_error;
    SdpPtr offer = parse_sdp(offer_sdp, parse_error);
    if (!offer) return domain::ValidationError{domain::ErrorCode::InvalidSdp, "invalid SDP offer: " + parse_error};

    std::vector<OfferedLine> offered;
    for (GList *it = offer->m_lines; it != nullptr; it = it->next) {
        auto *mline = static_cast<janus_sdp_mline *>(it->data);
        if (mline->type != JANUS_SDP_AUDIO && mline->type != JANUS_SDP_VIDEO) continue;
        offered.push_back({mline->index, mid_of(mline),
                           mline->type == JANUS_SDP_VIDEO ? MediaKind::Video : MediaKind::Audio,
                           mline->port > 0 && offerer_sends(mline->direction)});
    }
    auto planned = plan_streams(offered, descriptions);
    if (auto *invalid = std::get_if<domain::ValidationError>(&planned)) return *invalid;
    const auto &plan = std::get<std::vector<PlannedStream>>(planned);
    if (plan.empty())
        return domain::ValidationError{domain::ErrorCode::UnsupportedMedia, "the offer sends no audio or video"};

    PublisherAnswer result;
    SdpPtr answer(janus_sdp_generate_answer(offer.get()));
    for (GList *it = offer->m_lines; it != nullptr; it = it->next) {
        auto *mline = static_cast<janus_sdp_mline *>(it->data);
        const PlannedStream *stream = nullptr;
        for (const auto &candidate : plan)
            if (candidate.index == mline->index) stream = &candidate;
        if (stream == nullptr) {
            reject_line(offer.get(), answer.get(), mline);
            continue;
        }
        const auto codec = choose_codec(offer.get(), mline);
        if (!codec)
            return domain::ValidationError{domain::ErrorCode::UnsupportedMedia,
                                           "mid " + stream->mid + " offers no supported codec (" +
                                               (stream->kind == MediaKind::Video ? "VP8, VP9 or H.264" : "Opus") + ")"};
        if (answer_line(offer.get(), answer.get(), mline, *codec) < 0)
            return domain::ValidationError{domain::ErrorCode::InvalidSdp, "cannot answer mid " + stream->mid};
        result.streams.push_back({*stream, *codec});
    }
    std::unique_ptr<char, GFree> text(janus_sdp_write(answer.get()));
    if (!text) return domain::ValidationError{domain::ErrorCode::Internal, "cannot write the SDP answer"};
    result.sdp = text.get();
    return result;
}

std::variant<std::string, domain::ValidationError>
offer_subscriber(const std::vector<const SubscriberStream *> &streams) {
    SdpPtr offer(janus_sdp_generate_offer("roomrec", nullptr, JANUS_SDP_OA_DONE));
    if (!offer) return domain::ValidationError{domain::ErrorCode::Internal, "cannot create an SDP offer"};
    for (size_t i = 0; i < streams.size(); ++i) {
        const SubscriberStream &stream = *streams[i];
        const NegotiatedCodec &codec = stream.codec;
        const bool video = stream.kind == MediaKind::Video;
        const bool live = !stream.idle();
        const std::string track = stream.feed_id + "-" + stream.feed_mid;
        const auto profile = video_profile(codec);
        const int added = janus_sdp_generate_offer_mline(
            offer.get(), JANUS_SDP_OA_MLINE, video ? JANUS_SDP_VIDEO : JANUS_SDP_AUDIO, JANUS_SDP_OA_MID,
            stream.mid.c_str(), JANUS_SDP_OA_MSID, stream.feed_id.c_str(), track.c_str(), JANUS_SDP_OA_PT,
            codec.payload_type, JANUS_SDP_OA_CODEC, codec.name.c_str(), JANUS_SDP_OA_DIRECTION,
            live ? JANUS_SDP_SENDONLY : JANUS_SDP_INACTIVE, JANUS_SDP_OA_AUDIO_DTMF, FALSE,
            codec.name == "h264" ? JANUS_SDP_OA_H264_PROFILE : JANUS_SDP_OA_VP9_PROFILE,
            profile ? profile.get() : nullptr, JANUS_SDP_OA_EXTENSION, JANUS_RTP_EXTMAP_MID, 1, JANUS_SDP_OA_EXTENSION,
            JANUS_RTP_EXTMAP_ABS_SEND_TIME, 2, JANUS_SDP_OA_EXTENSION, JANUS_RTP_EXTMAP_TRANSPORT_WIDE_CC, 3,
            JANUS_SDP_OA_DONE);
        if (added < 0) return domain::ValidationError{domain::ErrorCode::Internal, "cannot offer mid " + stream.mid};
    }
    std::unique_ptr<char, GFree> text(janus_sdp_write(offer.get()));
    if (!text) return domain::ValidationError{domain::ErrorCode::Internal, "cannot write the SDP offer"};
    return std::string(text.get());
}

std::optional<domain::ValidationError> check_jsep(const json_t *jsep, const char *expected_type) {
    if (jsep == nullptr)
        return domain::ValidationError{domain::ErrorCode::InvalidSdp,
                                       std::string("a JSEP ") + expected_type + " is required"};
    const char *type = json_string_value(json_object_get(jsep, "type"));
    const char *sdp = json_string_value(json_object_get(jsep, "sdp"));
    if (type == nullptr || std::strcmp(type, expected_type) != 0)
        return domain::ValidationError{domain::ErrorCode::InvalidSdp,
                                       std::string("the JSEP must be an ") + expected_type};
    if (sdp == nullptr) return domain::ValidationError{domain::ErrorCode::InvalidSdp, "the JSEP has no sdp"};
    std::string error;
    if (!parse_sdp(sdp, error)) return domain::ValidationError{domain::ErrorCode::InvalidSdp, "invalid SDP: " + error};
    return std::nullopt;
}

} // namespace roomrec::plugin
