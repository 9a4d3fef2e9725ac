// train/canvas.h - drawing into an RGB image: pixels, rectangles, thick lines and text in the
// 5x7 bitmap font (bitmap_font.h). Just enough to draw a chart as a PNG without a graphics
// library. Coordinates are pixels, x to the right and y DOWN from the top-left corner, as in
// audio::Image; anything outside the image is clipped silently.
#pragma once

#include <string>

#include "audio/colormap.h"
#include "audio/image.h"

namespace timbre::train {

// Where a text's anchor point lies along its reading direction.
enum class TextAlign { Left, Center, Right };

class Canvas {
 public:
  // Requires: width, height >= 1. Ensures: every pixel is `background`.
  Canvas(int width, int height, audio::Rgb background);

  int width() const { return image_.width; }
  int height() const { return image_.height; }
  const audio::Image& image() const { return image_; }
  audio::Rgb pixel(int x, int y) const;  // Requires: (x, y) inside the image.

  void set_pixel(int x, int y, audio::Rgb colour);
  // The filled rectangle [x, x + width) x [y, y + height).
  void fill_rectangle(int x, int y, int width, int height, audio::Rgb colour);
  // A one-pixel frame around the same area.
  void draw_rectangle(int x, int y, int width, int height, audio::Rgb colour);
  // A straight line from (x0, y0) to (x1, y1), `thickness` pixels wide (a square brush moved in
  // steps of at most one pixel, so the line has no gaps).
  void draw_line(double x0, double y0, double x1, double y1, audio::Rgb colour, int thickness = 1);

  // Pixels a text occupies at `scale` (each font pixel drawn as scale x scale pixels).
  static int text_width(const std::string& text, int scale);
  static int text_height(int scale) { return 7 * scale; }

  // Horizontal text: its top edge at y; x is its left end, centre or right end (align).
  void draw_text(int x, int y, const std::string& text, audio::Rgb colour, int scale = 1,
                 TextAlign align = TextAlign::Left);
  // Text turned 90 degrees counterclockwise, read from bottom to top: its left edge at x; y is
  // where it starts (its bottom end), its centre or where it ends (its top end), per align.
  void draw_text_upwards(int x, int y, const std::string& text, audio::Rgb colour, int scale = 1,
                         TextAlign align = TextAlign::Left);

 private:
  audio::Image image_;
};

}  // namespace timbre::train
