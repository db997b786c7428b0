// Frame sizes read from real VP8/VP9/H.264 frames (frame_fixtures.hpp) and from hand-made
// hostile headers: oversized, truncated, malformed.
#include "recorder/core/frame_header.hpp"

#include "tests/unit/recorder/core/frame_fixtures.hpp"

#include <climits>
#include <vector>

#include "tests/unit/unit.hpp" // last: cmocka macros clash with C++ headers

using namespace roomrec::recorder;
using Bytes = std::vector<uint8_t>;

namespace {

// Writes bitstream headers MSB first, with exp-Golomb codes, to make hostile ones.
class BitWriter {
public:
    BitWriter &bits(uint64_t value, int count) {
        for (int i = count - 1; i >= 0; --i) bits_.push_back(((value >> i) & 1) != 0);
        return *this;
    }
    BitWriter &ue(uint32_t value) {
        const uint64_t code = uint64_t{value} + 1;
        int length = 0;
        while ((code >> length) > 1) ++length;
        bits(0, length);
        return bits(code, length + 1);
    }
    BitWriter &se(int32_t value) { return ue(value > 0 ? 2 * uint32_t(value) - 1 : 2 * uint32_t(-int64_t(value))); }
    Bytes bytes() const {
        Bytes out((bits_.size() + 7) / 8, 0);
        for (size_t i = 0; i < bits_.size(); ++i)
            if (bits_[i]) out[i / 8] |= uint8_t(0x80 >> (i % 8));
        return out;
    }

private:
    std::vector<bool> bits_;
};

template <size_t N> Bytes bytes_of(const uint8_t (&data)[N]) { return Bytes(data, data + N); }

FrameHeader read(Codec codec, const Bytes &data) { return read_frame_header(codec, data.data(), data.size()); }

void assert_size(const FrameHeader &header, int width, int height) {
    if (!header.sets_size || header.malformed)
        fail_msg("no size read (sets_size %d, malformed %d)", header.sets_size, header.malformed);
    if (header.size.width != width || header.size.height != height)
        fail_msg("read %dx%d, expected %dx%d", header.size.width, header.size.height, width, height);
}

void assert_sets_no_size(const FrameHeader &header) {
    assert_false(header.sets_size);
    assert_false(header.malformed);
}

// --- VP9 ---

// A keyframe's uncompressed header, profile 0, up to its frame size; BT.601 studio range
// unless told otherwise.
Bytes vp9_key(uint32_t width, uint32_t height, uint32_t colour_space = 1, bool full_range = false) {
    BitWriter w;
    w.bits(2, 2).bits(0, 2).bits(0, 1).bits(0, 1).bits(1, 1).bits(0, 1); // marker, profile 0, key, shown
    w.bits(0x498342, 24).bits(colour_space, 3).bits(full_range, 1);      // sync, colour
    w.bits(width - 1, 16).bits(height - 1, 16).bits(0, 1);               // frame size, no render size
    return w.bytes();
}

// An inter frame whose size is written out (no reference has it).
Bytes vp9_inter_explicit(uint32_t width, uint32_t height) {
    BitWriter w;
    w.bits(2, 2).bits(0, 2).bits(0, 1).bits(1, 1).bits(1, 1).bits(0, 1); // inter, shown, not resilient
    w.bits(0, 2).bits(1, 8);                                             // reset_frame_context, refresh
    for (int i = 0; i < 3; ++i) w.bits(i, 3).bits(0, 1);                 // ref_frame_idx, sign bias
    w.bits(0, 3);                                                        // found_ref: none
    w.bits(width - 1, 16).bits(height - 1, 16).bits(0, 1);
    return w.bytes();
}

// An intra-only frame (hidden), profile 0: its size is explicit.
Bytes vp9_intra_only(uint32_t width, uint32_t height) {
    BitWriter w;
    w.bits(2, 2).bits(0, 2).bits(0, 1).bits(1, 1).bits(0, 1).bits(0, 1); // inter type, hidden, not resilient
    w.bits(1, 1).bits(0, 2).bits(0x498342, 24).bits(0xff, 8);            // intra_only, reset, sync, refresh
    w.bits(width - 1, 16).bits(height - 1, 16).bits(0, 1);
    return w.bytes();
}

Bytes superframe(const std::vector<Bytes> &frames) {
    Bytes out;
    const uint8_t marker = 0xc0 | (1 << 3) | uint8_t(frames.size() - 1); // two bytes per size
    for (const Bytes &frame : frames) out.insert(out.end(), frame.begin(), frame.end());
    out.push_back(marker);
    for (const Bytes &frame : frames) {
        out.push_back(uint8_t(frame.size() & 0xff));
        out.push_back(uint8_t(frame.size() >> 8));
    }
    out.push_back(marker);
    return out;
}

// --- H.264 ---

// A NAL unit from its RBSP: emulation prevention bytes inserted, a four-byte start code first.
Bytes nal(uint8_t header, const Bytes &rbsp) {
    Bytes out = {0, 0, 0, 1, header};
    int zeros = 0;
    for (const uint8_t byte : rbsp) {
        if (zeros >= 2 && byte <= 3) {
            out.push_back(3);
            zeros = 0;
        }
        out.push_back(byte);
        zeros = byte == 0 ? zeros + 1 : 0;
    }
    return out;
}

struct Sps {
    uint32_t profile = 66;
    uint32_t level = 40;
    uint32_t width_mbs = 120, height_units = 68;
    bool frame_mbs_only = true;
    bool crop = false;
    uint32_t crop_left = 0, crop_right = 0, crop_top = 0, crop_bottom = 4;
    uint32_t chroma_format = 1;
    uint32_t poc_type = 2;
    // VUI: none, or a video signal type with (matrix > 0) or without a colour description.
    bool vui = false;
    bool extended_sar = false;
    bool full_range = false;
    uint32_t matrix = 0;
};

Bytes sps(const Sps &s) {
    BitWriter w;
    w.bits(s.profile, 8).bits(0, 8).bits(s.level, 8).ue(0); // profile, constraints, level, id
    if (s.profile == 100) {
        w.ue(s.chroma_format);
        if (s.chroma_format == 3) w.bits(0, 1); // separate_colour_plane_flag
        w.ue(0).ue(0).bits(0, 1).bits(0, 1);    // bit depths, bypass, no scaling matrix
    }
    w.ue(0).ue(s.poc_type); // log2_max_frame_num_minus4, pic_order_cnt_type
    if (s.poc_type == 0) w.ue(2);
    if (s.poc_type == 1) w.bits(0, 1).se(-3).se(5).ue(2).se(1).se(-1);
    w.ue(1).bits(0, 1).ue(s.width_mbs - 1).ue(s.height_units - 1).bits(s.frame_mbs_only, 1);
    if (!s.frame_mbs_only) w.bits(0, 1);
    w.bits(1, 1).bits(s.crop, 1);
    if (s.crop) w.ue(s.crop_left).ue(s.crop_right).ue(s.crop_top).ue(s.crop_bottom);
    w.bits(s.vui, 1);
    if (s.vui) {
        w.bits(1, 1).bits(s.extended_sar ? 255 : 1, 8); // aspect_ratio_info, idc
        if (s.extended_sar) w.bits(4, 16).bits(3, 16);
        w.bits(0, 1).bits(1, 1).bits(5, 3).bits(s.full_range, 1).bits(s.matrix > 0, 1); // video signal type
        if (s.matrix > 0) w.bits(s.matrix, 8).bits(s.matrix, 8).bits(s.matrix, 8);
        w.bits(0, 1).bits(0, 1).bits(0, 1).bits(0, 1).bits(0, 1); // chroma loc, timing, HRD, pic_struct, restriction
    }
    w.bits(1, 1); // rbsp stop bit
    return nal(0x67, w.bytes());
}

const Bytes kIdrSlice = {0, 0, 0, 1, 0x65, 0x88, 0x84, 0x00, 0x33};

Bytes access_unit(const std::vector<Bytes> &nals) {
    Bytes out;
    for (const Bytes &unit : nals) out.insert(out.end(), unit.begin(), unit.end());
    return out;
}

} // namespace

static void vp8_real_frames(void **) {
    const FrameHeader key = read(Codec::Vp8, bytes_of(fixtures::kVp8Key64x48));
    assert_size(key, 64, 48);
    assert_true(key.key);
    const FrameHeader delta = read(Codec::Vp8, bytes_of(fixtures::kVp8Delta));
    assert_sets_no_size(delta);
    assert_false(delta.key);
}

static void vp8_hostile_keyframes(void **) {
    Bytes huge = bytes_of(fixtures::kVp8Key64x48);
    huge[6] = 0xff, huge[7] = 0x3f, huge[8] = 0xff, huge[9] = 0x3f;
    assert_size(read(Codec::Vp8, huge), 16383, 16383);
    huge[7] = 0xff, huge[9] = 0xff; // upscaling hints do not change what is allocated
    assert_size(read(Codec::Vp8, huge), 16383, 16383);
    Bytes zero = bytes_of(fixtures::kVp8Key64x48);
    zero[6] = zero[7] = 0;
    assert_true(read(Codec::Vp8, zero).malformed);
    Bytes bad_start = bytes_of(fixtures::kVp8Key64x48);
    bad_start[4] = 0x02;
    assert_true(read(Codec::Vp8, bad_start).malformed);
    for (size_t length = 1; length < 10; ++length) {
        const FrameHeader truncated = read_vp8_frame(fixtures::kVp8Key64x48, length);
        assert_true(truncated.malformed);
        assert_true(truncated.key);
    }
    assert_true(read_vp8_frame(nullptr, 0) == FrameHeader{});
}

static void vp9_real_frames(void **) {
    const FrameHeader key = read(Codec::Vp9, bytes_of(fixtures::kVp9Key64x48));
    assert_size(key, 64, 48);
    assert_true(key.key);
    assert_size(read(Codec::Vp9, bytes_of(fixtures::kVp9Key64x48Profile1)), 64, 48);
    assert_size(read(Codec::Vp9, bytes_of(fixtures::kVp9Key64x48Profile3)), 64, 48);
    const FrameHeader inter = read(Codec::Vp9, bytes_of(fixtures::kVp9Inter));
    assert_sets_no_size(inter);
    assert_false(inter.key);
}

static void vp9_hostile_headers(void **) {
    const FrameHeader key = read(Codec::Vp9, vp9_key(65536, 65536));
    assert_size(key, 65536, 65536);
    assert_true(key.key);
    const FrameHeader inter = read(Codec::Vp9, vp9_inter_explicit(16000, 9000));
    assert_size(inter, 16000, 9000);
    assert_false(inter.key);
    const FrameHeader intra = read(Codec::Vp9, vp9_intra_only(8000, 8000));
    assert_size(intra, 8000, 8000);
    assert_false(intra.key);
    // A superframe hides a huge frame after an ordinary one.
    const FrameHeader super = read(Codec::Vp9, superframe({bytes_of(fixtures::kVp9Inter), vp9_key(20000, 100)}));
    assert_size(super, 20000, 100);
    assert_true(super.key);
    // Its index claims more data than there is.
    Bytes lying = superframe({bytes_of(fixtures::kVp9Inter), bytes_of(fixtures::kVp9Key64x48)});
    lying[lying.size() - 2] = 0xff;
    assert_true(read(Codec::Vp9, lying).malformed);
    Bytes truncated = vp9_key(64, 48);
    truncated.resize(5);
    assert_true(read(Codec::Vp9, truncated).malformed);
    Bytes no_sync = vp9_key(64, 48);
    no_sync[2] ^= 0xff;
    assert_true(read(Codec::Vp9, no_sync).malformed);
    const Bytes not_vp9 = {0x00, 0x01, 0x02};
    assert_true(read(Codec::Vp9, not_vp9).malformed);
    // show_existing_frame shows a frame already decoded: nothing new.
    const Bytes show_existing = {0x88};
    assert_sets_no_size(read(Codec::Vp9, show_existing));
}

static void h264_real_access_units(void **) {
    const FrameHeader hd = read(Codec::H264, bytes_of(fixtures::kH264Key1080High));
    assert_size(hd, 1920, 1080); // coded 1920x1088, cropped by 8 lines
    assert_true(hd.key);
    assert_size(read(Codec::H264, bytes_of(fixtures::kH264Key72x40Baseline)), 72, 40);
    assert_size(read(Codec::H264, bytes_of(fixtures::kH264Key64x48High444ScalingLists)), 64, 48);
    assert_size(read(Codec::H264, bytes_of(fixtures::kH264Key64x48Interlaced)), 64, 48);
    const FrameHeader delta = read(Codec::H264, bytes_of(fixtures::kH264Delta1080));
    assert_sets_no_size(delta);
    assert_false(delta.key);
}

static void h264_hostile_parameter_sets(void **) {
    Sps huge;
    huge.width_mbs = huge.height_units = 1024;
    assert_size(read(Codec::H264, access_unit({sps(huge), kIdrSlice})), 16384, 16384);
    // Field coding doubles the height of a map unit.
    Sps fields;
    fields.frame_mbs_only = false;
    fields.height_units = 34;
    fields.crop = true;
    fields.crop_bottom = 2; // 4 lines per unit: 1088 → 1080
    assert_size(read(Codec::H264, access_unit({sps(fields)})), 1920, 1080);
    // Cropping a huge coded picture down to 1080p does not hide what the decoder allocates.
    Sps hidden = huge;
    hidden.crop = true;
    hidden.crop_right = (16384 - 1920) / 2;
    hidden.crop_bottom = (16384 - 1080) / 2;
    assert_size(read(Codec::H264, access_unit({sps(hidden), kIdrSlice})), 16384, 16384);
    // Widths past what int holds saturate rather than wrap.
    Sps enormous;
    enormous.width_mbs = 0xffffffffu; // ue 2^32 - 2
    assert_size(read(Codec::H264, access_unit({sps(enormous)})), INT_MAX, 68 * 16);
    // Every SPS of the unit counts, not only the first.
    assert_size(read(Codec::H264, access_unit({sps(Sps{}), sps(huge), kIdrSlice})), 16384, 16384);
    // High profile fields before the size, and picture order count types 0 and 1.
    Sps high;
    high.profile = 100;
    high.chroma_format = 3;
    high.poc_type = 1;
    assert_size(read(Codec::H264, access_unit({sps(high)})), 1920, 1088);
    high.poc_type = 0;
    assert_size(read(Codec::H264, access_unit({sps(high)})), 1920, 1088);
}

static void h264_emulation_prevention_is_removed(void **) {
    // Profile, constraints and level all zero: the RBSP starts 00 00 00, which needs escaping.
    Sps narrow;
    narrow.profile = 0;
    narrow.level = 0;
    narrow.width_mbs = 16;
    narrow.height_units = 1;
    const Bytes unit = sps(narrow);
    bool escaped = false;
    for (size_t i = 5; i + 2 < unit.size(); ++i)
        escaped = escaped || (unit[i] == 0 && unit[i + 1] == 0 && unit[i + 2] == 3);
    assert_true(escaped); // the test covers what it claims
    assert_size(read(Codec::H264, unit), 256, 16);
}

static void h264_malformed_parameter_sets(void **) {
    Bytes truncated = sps(Sps{});
    truncated.resize(9);
    assert_true(read(Codec::H264, access_unit({truncated, kIdrSlice})).malformed);
    Sps bad_chroma;
    bad_chroma.profile = 100;
    bad_chroma.chroma_format = 4;
    assert_true(read(Codec::H264, access_unit({sps(bad_chroma)})).malformed);
    Sps bad_poc;
    bad_poc.poc_type = 3;
    assert_true(read(Codec::H264, access_unit({sps(bad_poc)})).malformed);
    Sps over_cropped;
    over_cropped.crop = true;
    over_cropped.crop_bottom = 600; // 1200 lines of 1088
    assert_true(read(Codec::H264, access_unit({sps(over_cropped)})).malformed);
    const Bytes just_header = {0, 0, 1, 0x67};
    assert_true(read(Codec::H264, just_header).malformed);
    // No start code, an empty unit, a lone start code: nothing defined, nothing read out of bounds.
    const Bytes junk = {0x67, 0x42, 0x00};
    assert_true(read(Codec::H264, junk) == FrameHeader{});
    const Bytes start_only = {0, 0, 1};
    assert_true(read(Codec::H264, start_only) == FrameHeader{});
    assert_true(read_h264_access_unit(nullptr, 0) == FrameHeader{});
}

// The access unit in avc form: each NAL unit after a length of length_size bytes.
static Bytes to_avc(const Bytes &annex_b, int length_size) {
    Bytes out;
    size_t i = 0;
    auto next_start = [&](size_t from) {
        for (size_t j = from; j + 3 < annex_b.size(); ++j)
            if (annex_b[j] == 0 && annex_b[j + 1] == 0 && annex_b[j + 2] == 0 && annex_b[j + 3] == 1) return j;
        return annex_b.size();
    };
    for (i = next_start(0); i < annex_b.size();) {
        const size_t end = next_start(i + 4);
        const size_t size = end - i - 4;
        for (int b = length_size - 1; b >= 0; --b) out.push_back(uint8_t(size >> (8 * b)));
        out.insert(out.end(), annex_b.begin() + static_cast<long>(i + 4), annex_b.begin() + static_cast<long>(end));
        i = end;
    }
    return out;
}

// The first SPS of an Annex B access unit, with its start code.
static Bytes sps_of(const Bytes &annex_b) {
    const Bytes avc = to_avc(annex_b, 4);
    for (size_t i = 0; i + 4 < avc.size();) {
        const size_t size = (size_t{avc[i]} << 24) | (size_t{avc[i + 1]} << 16) | (size_t{avc[i + 2]} << 8) |
                            avc[i + 3];
        if ((avc[i + 4] & 0x1f) == 7) {
            Bytes unit = {0, 0, 0, 1};
            unit.insert(unit.end(), avc.begin() + static_cast<long>(i + 4),
                        avc.begin() + static_cast<long>(i + 4 + size));
            return unit;
        }
        i += 4 + size;
    }
    fail_msg("no SPS in the access unit");
    return {};
}

// An avcC record holding these SPS NAL units (Annex B, one each), NAL lengths of 4 bytes.
static Bytes avc_config(const std::vector<Bytes> &sps_units) {
    Bytes out = {1, 100, 0, 40, 0xff, uint8_t(0xe0 | sps_units.size())};
    for (const Bytes &unit : sps_units) {
        const size_t size = unit.size() - 4;
        out.push_back(uint8_t(size >> 8));
        out.push_back(uint8_t(size));
        out.insert(out.end(), unit.begin() + 4, unit.end());
    }
    out.push_back(0); // no PPS
    return out;
}

static void h264_avc_form(void **) {
    for (const int length_size : {1, 2, 4}) {
        const Bytes hd = to_avc(bytes_of(fixtures::kH264Key1080High), length_size);
        const FrameHeader header = read_h264_avc_access_unit(hd.data(), hd.size(), length_size);
        assert_size(header, 1920, 1080);
        assert_true(header.key);
    }
    Sps huge;
    huge.width_mbs = huge.height_units = 1024;
    const Bytes hostile = to_avc(access_unit({sps(huge), kIdrSlice}), 4);
    assert_size(read_h264_avc_access_unit(hostile.data(), hostile.size(), 4), 16384, 16384);
    const Bytes delta = to_avc(bytes_of(fixtures::kH264Delta1080), 4);
    assert_sets_no_size(read_h264_avc_access_unit(delta.data(), delta.size(), 4));
    // A length past the data, a cut length field, an impossible length size.
    Bytes lying = hostile;
    lying[0] = 0x7f;
    assert_true(read_h264_avc_access_unit(lying.data(), lying.size(), 4).malformed);
    assert_true(read_h264_avc_access_unit(hostile.data(), 3, 4).malformed);
    assert_true(read_h264_avc_access_unit(hostile.data(), hostile.size(), 0).malformed);
    assert_true(read_h264_avc_access_unit(hostile.data(), hostile.size(), 5).malformed);
}

static void h264_avc_decoder_configuration(void **) {
    int length_size = 0;
    // The SPS x264 wrote, in the record h264parse would make of it.
    const Bytes real = avc_config({sps_of(bytes_of(fixtures::kH264Key1080High))});
    assert_size(read_h264_avc_config(real.data(), real.size(), length_size), 1920, 1080);
    assert_int_equal(length_size, 4);
    Sps huge;
    huge.width_mbs = huge.height_units = 1024;
    const Bytes hostile = avc_config({sps(Sps{}), sps(huge)});
    assert_size(read_h264_avc_config(hostile.data(), hostile.size(), length_size), 16384, 16384);
    const Bytes none = avc_config({});
    assert_sets_no_size(read_h264_avc_config(none.data(), none.size(), length_size));
    // Wrong version, a set longer than the record, a set that is no SPS: unreadable, length kept.
    length_size = 2;
    Bytes wrong_version = real;
    wrong_version[0] = 0;
    assert_true(read_h264_avc_config(wrong_version.data(), wrong_version.size(), length_size).malformed);
    Bytes cut = hostile;
    cut.resize(20);
    assert_true(read_h264_avc_config(cut.data(), cut.size(), length_size).malformed);
    Bytes not_sps = real;
    not_sps[8] = 0x68;
    assert_true(read_h264_avc_config(not_sps.data(), not_sps.size(), length_size).malformed);
    assert_true(read_h264_avc_config(real.data(), 5, length_size).malformed);
    assert_int_equal(length_size, 2);
}

void assert_colour(const FrameHeader &header, ColourMatrix matrix, bool full_range) {
    if (!header.colour) fail_msg("no colour read");
    if (header.colour->matrix != matrix || header.colour->full_range != full_range)
        fail_msg("read matrix %d full range %d, expected %d %d", int(header.colour->matrix), header.colour->full_range,
                 int(matrix), full_range);
}

static void colour_is_read_where_the_bitstream_states_it(void **) {
    // VP8 keyframes are BT.601; its inter frames restate nothing.
    assert_colour(read(Codec::Vp8, bytes_of(fixtures::kVp8Key64x48)), ColourMatrix::Bt601, false);
    assert_false(read(Codec::Vp8, bytes_of(fixtures::kVp8Delta)).colour.has_value());
    // VP9 keyframes: color_space and color_range; inter frames nothing.
    assert_colour(read(Codec::Vp9, bytes_of(fixtures::kVp9Key64x48)), ColourMatrix::Bt601, false); // vp9enc states it
    assert_colour(read(Codec::Vp9, vp9_key(64, 48)), ColourMatrix::Bt601, false);
    assert_colour(read(Codec::Vp9, vp9_key(64, 48, 2, true)), ColourMatrix::Bt709, true);
    assert_colour(read(Codec::Vp9, vp9_key(64, 48, 5)), ColourMatrix::Bt2020, false);
    assert_colour(read(Codec::Vp9, vp9_key(64, 48, 0)), ColourMatrix::Unspecified, false);
    assert_colour(read(Codec::Vp9, vp9_intra_only(64, 48)), ColourMatrix::Bt601, false);
    assert_false(read(Codec::Vp9, bytes_of(fixtures::kVp9Inter)).colour.has_value());
    // H.264: the SPS's VUI; an SPS without one states nothing, and neither does a slice.
    assert_colour(read(Codec::H264, access_unit({sps(Sps{}), kIdrSlice})), ColourMatrix::Unspecified, false);
    Sps bt709;
    bt709.vui = true;
    bt709.matrix = 1;
    assert_colour(read(Codec::H264, access_unit({sps(bt709), kIdrSlice})), ColourMatrix::Bt709, false);
    Sps full_601 = bt709;
    full_601.matrix = 6;
    full_601.full_range = true;
    full_601.extended_sar = true;
    full_601.profile = 100;
    assert_colour(read(Codec::H264, access_unit({sps(full_601)})), ColourMatrix::Bt601, true);
    Sps range_only = bt709;
    range_only.matrix = 0; // a video signal type without a colour description
    range_only.full_range = true;
    assert_colour(read(Codec::H264, access_unit({sps(range_only)})), ColourMatrix::Unspecified, true);
    Sps unspecified = bt709;
    unspecified.matrix = 2;
    assert_colour(read(Codec::H264, access_unit({sps(unspecified)})), ColourMatrix::Unspecified, false);
    assert_false(read(Codec::H264, bytes_of(fixtures::kH264Delta1080)).colour.has_value());
    // A VUI cut short says nothing; the size is still read.
    Bytes cut = sps(bt709);
    cut.resize(cut.size() - 3);
    const FrameHeader truncated = read(Codec::H264, cut);
    assert_size(truncated, 1920, 1088);
    assert_colour(truncated, ColourMatrix::Unspecified, false);
    // What the worker labels an undescribed stream with: BT.601, the range kept.
    assert_true(resolve_colour({}) == (VideoColour{ColourMatrix::Bt601, false}));
    assert_true(resolve_colour({ColourMatrix::Unspecified, true}) == (VideoColour{ColourMatrix::Bt601, true}));
    assert_true(resolve_colour({ColourMatrix::Bt709, false}) == (VideoColour{ColourMatrix::Bt709, false}));
}

static void every_prefix_of_a_real_frame_is_safe(void **) {
    // Truncation at every length: an answer each time (ASan checks the reads).
    const Bytes frames[] = {bytes_of(fixtures::kVp8Key64x48), bytes_of(fixtures::kVp9Key64x48Profile3),
                            bytes_of(fixtures::kH264Key64x48High444ScalingLists)};
    const Codec codecs[] = {Codec::Vp8, Codec::Vp9, Codec::H264};
    for (size_t f = 0; f < 3; ++f)
        for (size_t length = 0; length <= frames[f].size(); ++length) {
            const Bytes prefix(frames[f].begin(), frames[f].begin() + static_cast<long>(length));
            const FrameHeader header = read(codecs[f], prefix);
            if (header.sets_size && !header.malformed) assert_true(header.size.width == 64 && header.size.height == 48);
        }
    assert_true(read(Codec::Opus, bytes_of(fixtures::kVp8Key64x48)) == FrameHeader{});
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vp8_real_frames),
        cmocka_unit_test(vp8_hostile_keyframes),
        cmocka_unit_test(vp9_real_frames),
        cmocka_unit_test(vp9_hostile_headers),
        cmocka_unit_test(h264_real_access_units),
        cmocka_unit_test(h264_hostile_parameter_sets),
        cmocka_unit_test(h264_emulation_prevention_is_removed),
        cmocka_unit_test(h264_malformed_parameter_sets),
        cmocka_unit_test(h264_avc_form),
        cmocka_unit_test(h264_avc_decoder_configuration),
        cmocka_unit_test(colour_is_read_where_the_bitstream_states_it),
        cmocka_unit_test(every_prefix_of_a_real_frame_is_safe),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
