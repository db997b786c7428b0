#include "recorder/core/layout.hpp"

#include <algorithm>

namespace roomrec::recorder {
namespace {

int even(int value) { return value & ~1; }

// Largest 16:9 rectangle that fits the cell, centred in it.
Rect fit_16_9(int x, int y, int width, int height) {
    int w = width;
    int h = w * 9 / 16;
    if (h > height) {
        h = height;
        w = h * 16 / 9;
    }
    w = even(w);
    h = even(h);
    return {even(x + (width - w) / 2), even(y + (height - h) / 2), w, h};
}

// Columns and rows for n tiles in an area, chosen so each 16:9 tile is as large as possible.
std::pair<int, int> grid_shape(int n, int width, int height) {
    std::pair<int, int> best{1, n};
    long best_area = -1;
    for (int columns = 1; columns <= n; ++columns) {
        const int rows = (n + columns - 1) / columns;
        const Rect tile = fit_16_9(0, 0, width / columns, height / rows);
        const long area = static_cast<long>(tile.width) * tile.height;
        if (area > best_area) {
            best_area = area;
            best = {columns, rows};
        }
    }
    return best;
}

std::vector<Rect> grid(int n, int x, int y, int width, int height) {
    std::vector<Rect> tiles;
    if (n <= 0) return tiles;
    const auto [columns, rows] = grid_shape(n, width, height);
    const int cell_w = width / columns;
    const int cell_h = height / rows;
    for (int i = 0; i < n; ++i) {
        const int row = i / columns;
        // A last row that is not full is centred.
        const int in_row = row == rows - 1 ? n - row * columns : columns;
        const int offset = (width - in_row * cell_w) / 2;
        tiles.push_back(fit_16_9(x + offset + (i % columns) * cell_w, y + row * cell_h, cell_w, cell_h));
    }
    return tiles;
}

} // namespace

Layout compute_layout(int webcam_count, bool has_stage, int canvas_width, int canvas_height) {
    Layout layout;
    const int n = std::max(0, webcam_count);
    if (!has_stage) {
        layout.webcams = grid(n, 0, 0, canvas_width, canvas_height);
        return layout;
    }
    if (n == 0) {
        layout.stage = fit_16_9(0, 0, canvas_width, canvas_height);
        return layout;
    }
    // Stage on the left, webcams in a column on the right: a fifth of the width holds up to
    // four 16:9 tiles; more webcams widen the strip to two columns.
    const int strip_columns = n <= 4 ? 1 : 2;
    const int strip_width = even(canvas_width * (strip_columns == 1 ? 20 : 30) / 100);
    layout.stage = fit_16_9(0, 0, canvas_width - strip_width, canvas_height);
    const int rows = (n + strip_columns - 1) / strip_columns;
    const int cell_w = strip_width / strip_columns;
    const int cell_h = std::min(canvas_height / std::max(rows, 1), cell_w * 9 / 16 + 8);
    const int top = (canvas_height - rows * cell_h) / 2;
    for (int i = 0; i < n; ++i)
        layout.webcams.push_back(fit_16_9(canvas_width - strip_width + (i % strip_columns) * cell_w,
                                          top + (i / strip_columns) * cell_h, cell_w, cell_h));
    return layout;
}

} // namespace roomrec::recorder
