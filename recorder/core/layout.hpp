// Composite layout on the 1920x1080 canvas (M2): the stage large with the webcams in a
// strip beside it, or, without a stage, the webcams in a grid. No names or overlays.
#pragma once

#include <vector>

namespace roomrec::recorder {

struct Rect {
    int x = 0, y = 0, width = 0, height = 0;
};

struct Layout {
    Rect stage;                // width 0 when there is no stage
    std::vector<Rect> webcams; // in the order given
};

constexpr int kCanvasWidth = 1920;
constexpr int kCanvasHeight = 1080;

// Tiles keep 16:9, are centred in their cells, and have even sizes and offsets (I420 chroma).
Layout compute_layout(int webcam_count, bool has_stage, int canvas_width = kCanvasWidth,
                      int canvas_height = kCanvasHeight);

} // namespace roomrec::recorder
