// audio/image.h - 8-bit RGB images: painting a matrix through a colormap, resizing, PNG files,
// and turning an image into the float tensor a CNN reads.
//
// The SUTD image datasets (docs/audio.md, "Images and the wavelet scalogram") are matplotlib
// figures saved as PNG; a network reads them as float32 [3, H, W] with pixel / 255. This file is
// the bridge between spectrogram tensors and those pictures.
//
// Pixel layout: row-major, top row first, three bytes per pixel (red, green, blue):
//   rgb[(y * width + x) * 3 + channel],  y = 0 is the TOP of the picture.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audio/colormap.h"
#include "tensor/tensor.h"

namespace timbre::audio {

struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;  // [height, width, 3], size width * height * 3
};

// Paints a matrix, one pixel per cell, through a colormap, as matplotlib's imshow/pcolormesh:
//   t = (value - vmin) / (vmax - vmin),   pixel = map_value(colormap, t)
// vmin / vmax default to the smallest / largest finite value of `values` (matplotlib's
// autoscaling). When vmax == vmin every cell gets t = 0 (matplotlib's Normalize does the same).
// With flip_vertical (matplotlib's origin='lower', librosa.display.specshow's layout) row 0 of
// `values` - the lowest frequency - is drawn at the BOTTOM of the image.
// values: [rows, cols] -> Image of width cols, height rows
// Requires: values a 2-d float32/float64 CPU tensor with rows, cols >= 1; vmin < vmax when both
//           are given.
// Ensures:  NaN cells get the colormap's bad colour (black).
Image render_matrix(const Tensor& values, Colormap colormap, std::optional<double> vmin = {},
                    std::optional<double> vmax = {}, bool flip_vertical = true);

// Resamples an image to width x height with stb_image_resize's stbir_resize_uint8 (its default
// filters: Mitchell-Netravali when shrinking, Catmull-Rom when enlarging; channel values are
// filtered as plain numbers, not converted from sRGB; edges clamped).
// Requires: image valid (rgb.size() == width*height*3, sizes >= 1); width, height >= 1.
// Ensures:  an image of exactly width x height; the same image when sizes are unchanged.
Image resize(const Image& image, int width, int height);

// Writes an 8-bit RGB PNG. The file is written to "<path>.tmp" and renamed over `path`, so a
// reader never sees half a file.
// Requires: image valid; the directory of `path` exists and is writable.
// Throws timbre::Error naming the path when the image is invalid or the file cannot be written.
void write_png(const std::string& path, const Image& image);

// Reads a PNG (or any format stb_image knows: JPEG, BMP, ...) as RGB. Grey images are expanded
// to three equal channels; an alpha channel is dropped (not blended), as the SUTD notebooks did
// with `Image.open(path).convert('RGB')` on matplotlib's opaque RGBA figures.
// Throws timbre::Error naming the path for a missing, unreadable or corrupt file.
Image read_png(const std::string& path);

// The image as a network input: float32 [3, height, width], value = pixel / 255 in [0, 1],
// channel 0 red, 1 green, 2 blue (torchvision's ToTensor layout, the SUTD notebooks' input).
// Requires: image valid.
Tensor image_to_tensor(const Image& image);

}  // namespace timbre::audio
