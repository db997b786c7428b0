#include "recorder/core/video_colour.hpp"

namespace roomrec::recorder {

VideoColour resolve_colour(VideoColour stated) {
    if (stated.matrix == ColourMatrix::Unspecified) stated.matrix = ColourMatrix::Bt601;
    return stated;
}

} // namespace roomrec::recorder
