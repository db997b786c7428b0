// libFuzzer target for the recorder's input bound (recorder/core): the frame header parsers
// and the gate see attacker-controlled bytes from every publisher. The first byte picks the
// codec (or H.264's avc form: an access unit, or a decoder configuration); the rest is one
// frame. Checks what the gate relies on: a size that is read is a
// real size, and a refused frame never passes.
#include "recorder/core/frame_header.hpp"
#include "recorder/core/input_gate.hpp"

#include <cstdlib>
#include <string>
#include <string_view>

using namespace roomrec::recorder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    const Codec codecs[] = {Codec::Vp8, Codec::Vp9, Codec::H264, Codec::Opus};
    FrameHeader header;
    int length_size = 4;
    switch (data[0] % 6) {
    case 4: header = read_h264_avc_access_unit(data + 1, size - 1, 1 + (data[0] / 6) % 4); break;
    case 5:
        header = read_h264_avc_config(data + 1, size - 1, length_size);
        if (length_size < 1 || length_size > 4) std::abort();
        break;
    default: header = read_frame_header(codecs[data[0] % 6], data + 1, size - 1); break;
    }
    if (header.sets_size && !header.malformed && (header.size.width <= 0 || header.size.height <= 0)) std::abort();
    InputGate gate({1920, 1080});
    const InputGate::Decision decision = gate.admit(header, 0);
    const bool refused = header.malformed || (header.sets_size && !SizeBound{1920, 1080}.fits(header.size));
    if (refused && decision.pass) std::abort();
    std::string error;
    (void)parse_size_bound(std::string_view(reinterpret_cast<const char *>(data), size), error);
    return 0;
}
