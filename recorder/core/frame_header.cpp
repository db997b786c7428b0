#include "recorder/core/frame_header.hpp"

#include "recorder/core/bit_reader.hpp"

#include <algorithm>
#include <climits>
#include <vector>

namespace roomrec::recorder {
namespace {

int saturate(int64_t value) { return static_cast<int>(std::clamp<int64_t>(value, 0, INT_MAX)); }

// Side by side: the widest and the tallest of the sizes defined (what the decoder may hold).
void merge(FrameHeader &into, const FrameHeader &frame) {
    into.key = into.key || frame.key;
    into.malformed = into.malformed || frame.malformed;
    if (frame.colour) into.colour = frame.colour;
    if (!frame.sets_size) return;
    into.size.width = std::max(into.size.width, frame.size.width);
    into.size.height = std::max(into.size.height, frame.size.height);
    into.sets_size = true;
}

// --- VP9 (VP9 bitstream specification 6.2) ---

constexpr uint32_t kVp9SyncCode = 0x498342;
constexpr uint32_t kVp9ColourSpaceRgb = 7;

// color_space: 0 unknown, 1 BT.601, 2 BT.709, 3 SMPTE 170 (BT.601), 4 SMPTE 240, 5 BT.2020,
// 6 reserved, 7 sRGB (RGB planes: no YUV matrix to state).
ColourMatrix vp9_matrix(uint32_t colour_space) {
    switch (colour_space) {
    case 1:
    case 3: return ColourMatrix::Bt601;
    case 2: return ColourMatrix::Bt709;
    case 4: return ColourMatrix::Smpte240;
    case 5: return ColourMatrix::Bt2020;
    default: return ColourMatrix::Unspecified;
    }
}

VideoColour vp9_colour_config(BitReader &bits, uint32_t profile) {
    if (profile >= 2) bits.skip_bits(1); // ten_or_twelve_bit
    const uint32_t colour_space = bits.bits(3);
    VideoColour colour{vp9_matrix(colour_space), false};
    if (colour_space != kVp9ColourSpaceRgb) {
        colour.full_range = bits.flag();                     // color_range
        if (profile == 1 || profile == 3) bits.skip_bits(3); // subsampling_x, subsampling_y, reserved_zero
    } else if (profile == 1 || profile == 3) {
        bits.skip_bits(1); // reserved_zero
    }
    return colour;
}

FrameSize vp9_frame_size(BitReader &bits) {
    const uint32_t width = bits.bits(16) + 1;
    const uint32_t height = bits.bits(16) + 1;
    return {static_cast<int>(width), static_cast<int>(height)};
}

FrameHeader read_vp9_single(const uint8_t *data, size_t length) {
    FrameHeader header;
    BitReader bits(data, length);
    if (bits.bits(2) != 2) { // frame_marker: not a VP9 frame the decoder would take
        header.malformed = length > 0;
        return header;
    }
    const uint32_t profile_low = bits.bits(1);
    const uint32_t profile = (bits.bits(1) << 1) | profile_low;
    if (profile == 3) bits.skip_bits(1);
    if (bits.flag()) return header; // show_existing_frame: shows a decoded frame again
    const bool key = !bits.flag();  // frame_type 0 is KEY_FRAME
    const bool show_frame = bits.flag();
    const bool error_resilient = bits.flag();
    bool explicit_size = false;
    if (key) {
        header.key = true;
        if (bits.bits(24) != kVp9SyncCode) {
            header.malformed = true;
            return header;
        }
        header.colour = vp9_colour_config(bits, profile);
        explicit_size = true;
    } else {
        const bool intra_only = show_frame ? false : bits.flag();
        if (!error_resilient) bits.skip_bits(2); // reset_frame_context
        if (intra_only) {
            if (bits.bits(24) != kVp9SyncCode) {
                header.malformed = true;
                return header;
            }
            // Profile 0 intra-only frames are BT.601 studio range implicitly.
            header.colour = profile > 0 ? vp9_colour_config(bits, profile) : VideoColour{ColourMatrix::Bt601, false};
            bits.skip_bits(8); // refresh_frame_flags
            explicit_size = true;
        } else {
            bits.skip_bits(8);     // refresh_frame_flags
            bits.skip_bits(3 * 4); // ref_frame_idx[3] and ref_frame_sign_bias
            // frame_size_with_refs: a size copied from a reference frame was bounded when that
            // frame was; only one written out here is new.
            explicit_size = true;
            for (int i = 0; i < 3 && explicit_size; ++i)
                if (bits.flag()) explicit_size = false;
        }
    }
    if (!explicit_size) {
        if (!bits.ok()) header.malformed = true;
        return header;
    }
    header.size = vp9_frame_size(bits);
    header.sets_size = true;
    if (!bits.ok()) header.malformed = true;
    return header;
}

// --- H.264 (ITU-T H.264 7.3.2.1.1) ---

constexpr uint8_t kNalIdr = 5;
constexpr uint8_t kNalSps = 7;
// An SPS is tens of bytes; its largest legal form (12 scaling lists of 64 coefficients) is
// under 1 KB. Longer NAL units are read only this far.
constexpr size_t kMaxSpsBytes = 4096;

bool has_chroma_fields(uint32_t profile) {
    switch (profile) {
    case 100:
    case 110:
    case 122:
    case 244:
    case 44:
    case 83:
    case 86:
    case 118:
    case 128:
    case 138:
    case 139:
    case 134:
    case 135: return true;
    default: return false;
    }
}

void skip_scaling_list(BitReader &bits, int size) {
    int last = 8;
    int next = 8;
    for (int j = 0; j < size && bits.ok(); ++j) {
        if (next != 0) {
            const int64_t delta = bits.se();
            if (delta < -128 || delta > 127) {
                bits.fail(); // out of range: the SPS is unreadable
                return;
            }
            next = static_cast<int>((last + delta + 256) % 256);
        }
        last = next == 0 ? last : next;
    }
}

// matrix_coefficients (H.264 table E-5): 1 BT.709, 4 FCC, 5 BT.470BG, 6 SMPTE 170M (the last
// three BT.601's), 7 SMPTE 240M, 9 and 10 BT.2020; 0 (RGB), 2 (unspecified) and the rest say nothing.
ColourMatrix h264_matrix(uint32_t coefficients) {
    switch (coefficients) {
    case 1: return ColourMatrix::Bt709;
    case 4:
    case 5:
    case 6: return ColourMatrix::Bt601;
    case 7: return ColourMatrix::Smpte240;
    case 9:
    case 10: return ColourMatrix::Bt2020;
    default: return ColourMatrix::Unspecified;
    }
}

// The VUI's video signal type (H.264 E.1.1), the first thing after the SPS's cropping that
// matters here; a VUI cut short says nothing.
VideoColour read_vui_colour(BitReader &bits) {
    VideoColour colour;
    if (!bits.flag()) return colour; // vui_parameters_present_flag
    if (bits.flag()) {               // aspect_ratio_info_present_flag
        constexpr uint32_t kExtendedSar = 255;
        if (bits.bits(8) == kExtendedSar) bits.skip_bits(32); // sar_width, sar_height
    }
    if (bits.flag()) bits.skip_bits(1); // overscan_info_present_flag, overscan_appropriate_flag
    if (!bits.flag()) return colour;    // video_signal_type_present_flag
    bits.skip_bits(3);                  // video_format
    const bool full_range = bits.flag();
    ColourMatrix matrix = ColourMatrix::Unspecified;
    if (bits.flag()) {       // colour_description_present_flag
        bits.skip_bits(16); // colour_primaries, transfer_characteristics
        matrix = h264_matrix(bits.bits(8));
    }
    if (!bits.ok()) return {};
    return {matrix, full_range};
}

FrameHeader read_sps(const uint8_t *nal, size_t length) {
    // The RBSP: the NAL unit without its header byte and emulation prevention bytes.
    std::vector<uint8_t> rbsp;
    rbsp.reserve(std::min(length, kMaxSpsBytes));
    for (size_t i = 1, zeros = 0; i < length && rbsp.size() < kMaxSpsBytes; ++i) {
        if (zeros >= 2 && nal[i] == 3) {
            zeros = 0;
            continue;
        }
        zeros = nal[i] == 0 ? zeros + 1 : 0;
        rbsp.push_back(nal[i]);
    }
    FrameHeader header;
    header.sets_size = true;
    header.malformed = true; // until the size has been read
    BitReader bits(rbsp.data(), rbsp.size());
    const uint32_t profile = bits.bits(8);
    bits.skip_bits(16);                // constraint flags, level_idc
    if (bits.ue() > 31) return header; // seq_parameter_set_id
    uint32_t chroma_format = 1;
    bool separate_colour_planes = false;
    if (has_chroma_fields(profile)) {
        chroma_format = bits.ue();
        if (chroma_format > 3) return header;
        if (chroma_format == 3) separate_colour_planes = bits.flag();
        if (bits.ue() > 6 || bits.ue() > 6) return header; // bit_depth_luma/chroma_minus8
        bits.skip_bits(1);                                 // qpprime_y_zero_transform_bypass_flag
        if (bits.flag()) {                                 // seq_scaling_matrix_present_flag
            const int lists = chroma_format != 3 ? 8 : 12;
            for (int i = 0; i < lists && bits.ok(); ++i)
                if (bits.flag()) skip_scaling_list(bits, i < 6 ? 16 : 64);
        }
    }
    if (bits.ue() > 12) return header; // log2_max_frame_num_minus4
    const uint32_t poc_type = bits.ue();
    if (poc_type == 0) {
        if (bits.ue() > 12) return header; // log2_max_pic_order_cnt_lsb_minus4
    } else if (poc_type == 1) {
        bits.skip_bits(1); // delta_pic_order_always_zero_flag
        bits.se();         // offset_for_non_ref_pic
        bits.se();         // offset_for_top_to_bottom_field
        const uint32_t cycle = bits.ue();
        if (cycle > 255) return header;
        for (uint32_t i = 0; i < cycle && bits.ok(); ++i) bits.se();
    } else if (poc_type != 2) {
        return header;
    }
    bits.ue();         // max_num_ref_frames
    bits.skip_bits(1); // gaps_in_frame_num_value_allowed_flag
    const int64_t width_mbs = int64_t{bits.ue()} + 1;
    const int64_t height_units = int64_t{bits.ue()} + 1;
    const bool frame_mbs_only = bits.flag();
    if (!frame_mbs_only) bits.skip_bits(1); // mb_adaptive_frame_field_flag
    bits.skip_bits(1);                      // direct_8x8_inference_flag
    int64_t crop[4] = {0, 0, 0, 0};         // left, right, top, bottom
    if (bits.flag())
        for (int64_t &side : crop) side = bits.ue();
    if (!bits.ok()) return header;
    const int64_t coded_width = width_mbs * 16;
    const int64_t coded_height = height_units * 16 * (frame_mbs_only ? 1 : 2);
    const uint32_t chroma_array_type = separate_colour_planes ? 0 : chroma_format;
    const int64_t unit_x = chroma_array_type == 1 || chroma_array_type == 2 ? 2 : 1;
    const int64_t unit_y = (chroma_array_type == 1 ? 2 : 1) * (frame_mbs_only ? 1 : 2);
    const int64_t crop_x = unit_x * (crop[0] + crop[1]);
    const int64_t crop_y = unit_y * (crop[2] + crop[3]);
    if (crop_x >= coded_width || crop_y >= coded_height) return header;
    constexpr int64_t kPadding = 32;
    header.size.width = saturate(crop_x < kPadding ? coded_width - crop_x : coded_width);
    header.size.height = saturate(crop_y < kPadding ? coded_height - crop_y : coded_height);
    header.malformed = false;
    header.colour = read_vui_colour(bits);
    return header;
}

// One NAL unit (header byte first) of an access unit.
void read_h264_nal(FrameHeader &header, const uint8_t *nal, size_t length) {
    if (length == 0) return;
    const uint8_t type = nal[0] & 0x1f;
    if (type == kNalIdr) header.key = true;
    if (type == kNalSps) merge(header, read_sps(nal, length));
}

} // namespace

FrameHeader read_vp8_frame(const uint8_t *data, size_t length) {
    FrameHeader header;
    // Frame tag: bit 0 of the first byte is 0 for a keyframe.
    if (length == 0 || (data[0] & 1) != 0) return header;
    header.key = true;
    header.sets_size = true;
    header.colour = VideoColour{ColourMatrix::Bt601, false}; // VP8 has no other (RFC 6386 9.2)
    if (length < 10 || data[3] != 0x9d || data[4] != 0x01 || data[5] != 0x2a) {
        header.malformed = true;
        return header;
    }
    // 14 bits of size, 2 of upscaling hint: the decoder allocates the 14-bit size.
    header.size.width = (data[6] | (data[7] << 8)) & 0x3fff;
    header.size.height = (data[8] | (data[9] << 8)) & 0x3fff;
    if (header.size.width == 0 || header.size.height == 0) header.malformed = true;
    return header;
}

FrameHeader read_vp9_frame(const uint8_t *data, size_t length) {
    // A superframe ends in an index: marker byte 110mmfff, the sizes, the marker again (Annex B).
    if (length > 0) {
        const uint8_t marker = data[length - 1];
        if ((marker & 0xe0) == 0xc0) {
            const size_t frames = (marker & 7u) + 1;
            const size_t bytes = ((marker >> 3) & 3u) + 1;
            const size_t index = 2 + bytes * frames;
            if (length >= index && data[length - index] == marker) {
                FrameHeader header;
                size_t offset = 0;
                const uint8_t *sizes = data + length - index + 1;
                for (size_t frame = 0; frame < frames; ++frame) {
                    size_t size = 0;
                    for (size_t b = 0; b < bytes; ++b) size |= size_t{sizes[frame * bytes + b]} << (8 * b);
                    if (size > length - index - offset) {
                        header.malformed = true; // the decoder refuses an index past the data
                        return header;
                    }
                    merge(header, read_vp9_single(data + offset, size));
                    offset += size;
                }
                return header;
            }
        }
    }
    return read_vp9_single(data, length);
}

FrameHeader read_h264_avc_access_unit(const uint8_t *data, size_t length, int length_size) {
    FrameHeader header;
    if (length_size < 1 || length_size > 4) {
        header.malformed = true;
        return header;
    }
    const auto bytes = static_cast<size_t>(length_size);
    for (size_t offset = 0; offset < length;) {
        if (length - offset < bytes) {
            header.malformed = true; // the decoder would refuse the unit
            return header;
        }
        size_t size = 0;
        for (size_t b = 0; b < bytes; ++b) size = (size << 8) | data[offset + b];
        offset += bytes;
        if (size > length - offset) {
            header.malformed = true;
            return header;
        }
        read_h264_nal(header, data + offset, size);
        offset += size;
    }
    return header;
}

FrameHeader read_h264_avc_config(const uint8_t *data, size_t length, int &length_size) {
    FrameHeader header;
    header.malformed = true;
    if (length < 6 || data[0] != 1) return header; // configurationVersion 1
    size_t offset = 6;
    FrameHeader sets;
    for (unsigned count = data[5] & 0x1fu; count > 0; --count) {
        if (length - offset < 2) return header;
        const size_t size = (size_t{data[offset]} << 8) | data[offset + 1];
        offset += 2;
        if (size == 0 || size > length - offset || (data[offset] & 0x1f) != kNalSps) return header;
        merge(sets, read_sps(data + offset, size));
        offset += size;
    }
    length_size = (data[4] & 3) + 1;
    return sets;
}

FrameHeader read_h264_access_unit(const uint8_t *data, size_t length) {
    FrameHeader header;
    // NAL units start after 00 00 01 (a four-byte start code is a zero byte plus that).
    size_t i = 0;
    auto next_start = [&](size_t from) {
        for (size_t j = from; j + 2 < length; ++j)
            if (data[j] == 0 && data[j + 1] == 0 && data[j + 2] == 1) return j;
        return length;
    };
    i = next_start(0);
    while (i < length) {
        const size_t begin = i + 3;
        size_t end = next_start(begin);
        const size_t following = end;
        while (end > begin && data[end - 1] == 0) --end; // trailing zeros belong to the next start code
        if (begin < end) read_h264_nal(header, data + begin, end - begin);
        i = following;
    }
    return header;
}

FrameHeader read_frame_header(Codec codec, const uint8_t *data, size_t length) {
    switch (codec) {
    case Codec::Vp8: return read_vp8_frame(data, length);
    case Codec::Vp9: return read_vp9_frame(data, length);
    case Codec::H264: return read_h264_access_unit(data, length);
    case Codec::Opus: break;
    }
    return {};
}

} // namespace roomrec::recorder
