// train/canvas.cpp - rectangles, lines and bitmap text in an RGB image (see canvas.h).
#include "train/canvas.h"

#include <algorithm>
#include <cmath>

#include "tensor/error.h"
#include "train/bitmap_font.h"

namespace timbre::train {

namespace {

// How far along its reading direction a text of `length` pixels starts, for an anchor at 0.
int aligned_start(int length, TextAlign align) {
  switch (align) {
    case TextAlign::Left:
      return 0;
    case TextAlign::Center:
      return -length / 2;
    case TextAlign::Right:
      return -length;
  }
  return 0;
}

}  // namespace

Canvas::Canvas(int width, int height, audio::Rgb background) {
  TIMBRE_CHECK(width >= 1 && height >= 1, "Canvas: the size must be at least 1x1, got ", width, "x",
               height);
  image_.width = width;
  image_.height = height;
  image_.rgb.resize(static_cast<size_t>(width) * height * 3);
  fill_rectangle(0, 0, width, height, background);
}

audio::Rgb Canvas::pixel(int x, int y) const {
  TIMBRE_CHECK(x >= 0 && x < width() && y >= 0 && y < height(), "Canvas::pixel: (", x, ", ", y,
               ") is outside the ", width(), "x", height(), " image");
  const size_t at = (static_cast<size_t>(y) * width() + x) * 3;
  return {image_.rgb[at], image_.rgb[at + 1], image_.rgb[at + 2]};
}

void Canvas::set_pixel(int x, int y, audio::Rgb colour) {
  if (x < 0 || x >= width() || y < 0 || y >= height()) return;
  const size_t at = (static_cast<size_t>(y) * width() + x) * 3;
  image_.rgb[at] = colour.red;
  image_.rgb[at + 1] = colour.green;
  image_.rgb[at + 2] = colour.blue;
}

void Canvas::fill_rectangle(int x, int y, int width, int height, audio::Rgb colour) {
  const int x_end = std::min(x + width, this->width());
  const int y_end = std::min(y + height, this->height());
  for (int row = std::max(y, 0); row < y_end; ++row) {
    for (int column = std::max(x, 0); column < x_end; ++column)
      set_pixel(column, row, colour);
  }
}

void Canvas::draw_rectangle(int x, int y, int width, int height, audio::Rgb colour) {
  fill_rectangle(x, y, width, 1, colour);
  fill_rectangle(x, y + height - 1, width, 1, colour);
  fill_rectangle(x, y, 1, height, colour);
  fill_rectangle(x + width - 1, y, 1, height, colour);
}

void Canvas::draw_line(double x0, double y0, double x1, double y1, audio::Rgb colour,
                       int thickness) {
  // Stamp the brush at evenly spaced points, one per pixel of the longer direction.
  const int steps = static_cast<int>(std::ceil(std::max(std::fabs(x1 - x0), std::fabs(y1 - y0))));
  const int brush = std::max(thickness, 1);
  const int offset = (brush - 1) / 2;
  for (int step = 0; step <= steps; ++step) {
    const double t = steps > 0 ? static_cast<double>(step) / steps : 0.0;
    const int x = static_cast<int>(std::lround(x0 + t * (x1 - x0)));
    const int y = static_cast<int>(std::lround(y0 + t * (y1 - y0)));
    fill_rectangle(x - offset, y - offset, brush, brush, colour);
  }
}

int Canvas::text_width(const std::string& text, int scale) {
  if (text.empty()) return 0;
  return (static_cast<int>(text.size()) * kGlyphAdvance - 1) * scale;
}

void Canvas::draw_text(int x, int y, const std::string& text, audio::Rgb colour, int scale,
                       TextAlign align) {
  const int left = x + aligned_start(text_width(text, scale), align);
  for (size_t index = 0; index < text.size(); ++index) {
    const int glyph_left = left + static_cast<int>(index) * kGlyphAdvance * scale;
    for (int row = 0; row < kGlyphHeight; ++row) {
      for (int column = 0; column < kGlyphWidth; ++column) {
        if (glyph_pixel(text[index], column, row))
          fill_rectangle(glyph_left + column * scale, y + row * scale, scale, scale, colour);
      }
    }
  }
}

void Canvas::draw_text_upwards(int x, int y, const std::string& text, audio::Rgb colour, int scale,
                               TextAlign align) {
  // Reading upwards: the distance u along the text runs from y towards the top (y - u), and a
  // glyph's rows run from x to the right. So glyph pixel (column, row) of character k lands at
  // (x + row * scale, start - (k * advance + column + 1) * scale).
  const int start = y - aligned_start(text_width(text, scale), align);
  for (size_t index = 0; index < text.size(); ++index) {
    const int along = static_cast<int>(index) * kGlyphAdvance;
    for (int row = 0; row < kGlyphHeight; ++row) {
      for (int column = 0; column < kGlyphWidth; ++column) {
        if (glyph_pixel(text[index], column, row)) {
          fill_rectangle(x + row * scale, start - (along + column + 1) * scale, scale, scale,
                         colour);
        }
      }
    }
  }
}

}  // namespace timbre::train
