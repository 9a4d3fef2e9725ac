// audio/image.cpp - RGB images: colormapped matrices, resizing and PNG files (stb libraries).
//
// The stb libraries (Debian libstb-dev, headers under /usr/include/stb) are single headers: the
// code is compiled where a *_IMPLEMENTATION macro is defined before the include, which is here
// and nowhere else in timbre.
#include "audio/image.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "tensor/error.h"
#include "tensor/factories.h"

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb/stb_image.h>
#include <stb/stb_image_resize.h>
#include <stb/stb_image_write.h>

namespace timbre::audio {
namespace {

void check_image(const Image& image, const char* op) {
  TIMBRE_CHECK(image.width >= 1 && image.height >= 1, op, ": image size must be at least 1x1, got ",
               image.width, "x", image.height);
  TIMBRE_CHECK(image.rgb.size() == static_cast<size_t>(image.width) * image.height * 3, op,
               ": image holds ", image.rgb.size(), " bytes, expected width*height*3 = ",
               static_cast<size_t>(image.width) * image.height * 3);
}

}  // namespace

Image render_matrix(const Tensor& values, Colormap colormap, std::optional<double> vmin,
                    std::optional<double> vmax, bool flip_vertical) {
  TIMBRE_CHECK(values.defined() && values.dim() == 2,
               "render_matrix: values must be 2-d [rows, cols]");
  TIMBRE_CHECK(values.device().is_cpu(), "render_matrix: values must be on the CPU");
  TIMBRE_CHECK(values.dtype() == DType::Float32 || values.dtype() == DType::Float64,
               "render_matrix: values must be float32 or float64");
  const int64_t rows = values.size(0), cols = values.size(1);
  TIMBRE_CHECK(rows >= 1 && cols >= 1, "render_matrix: values must have at least one cell");
  const std::vector<double> cells = values.to_vector<double>();  // [rows, cols]

  // matplotlib autoscaling: the smallest and largest finite values.
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (double v : cells) {
    if (std::isfinite(v)) {
      low = std::min(low, v);
      high = std::max(high, v);
    }
  }
  if (!(low <= high)) low = high = 0.0;  // no finite value at all
  const double lo = vmin.value_or(low), hi = vmax.value_or(high);
  TIMBRE_CHECK(!(vmin && vmax) || lo < hi, "render_matrix: vmin (", lo, ") must be below vmax (",
               hi, ")");

  Image image;
  image.width = static_cast<int>(cols);
  image.height = static_cast<int>(rows);
  image.rgb.resize(static_cast<size_t>(rows * cols * 3));
  for (int64_t y = 0; y < rows; ++y) {
    // origin='lower': the image's top row shows the matrix's last row.
    const int64_t row = flip_vertical ? rows - 1 - y : y;
    for (int64_t x = 0; x < cols; ++x) {
      const double v = cells[row * cols + x];
      // matplotlib's Normalize: (v - vmin) / (vmax - vmin), and 0 when vmax == vmin.
      const double t = std::isnan(v) ? v : (hi > lo ? (v - lo) / (hi - lo) : 0.0);
      const Rgb colour = map_value(colormap, t);
      uint8_t* pixel = &image.rgb[static_cast<size_t>((y * cols + x) * 3)];
      pixel[0] = colour.red;
      pixel[1] = colour.green;
      pixel[2] = colour.blue;
    }
  }
  return image;
}

Image resize(const Image& image, int width, int height) {
  check_image(image, "resize");
  TIMBRE_CHECK(width >= 1 && height >= 1, "resize: target size must be at least 1x1, got ", width,
               "x", height);
  if (width == image.width && height == image.height) return image;
  Image out;
  out.width = width;
  out.height = height;
  out.rgb.resize(static_cast<size_t>(width) * height * 3);
  const int ok = stbir_resize_uint8(image.rgb.data(), image.width, image.height, 0, out.rgb.data(),
                                    width, height, 0, 3);
  TIMBRE_CHECK(ok == 1, "resize: stb_image_resize failed (", image.width, "x", image.height, " -> ",
               width, "x", height, ")");
  return out;
}

void write_png(const std::string& path, const Image& image) {
  check_image(image, "write_png");
  // Write beside the target, then rename: rename within a directory is atomic on POSIX, so a
  // reader sees either the old file or the complete new one.
  const std::string temporary = path + ".tmp";
  const int ok = stbi_write_png(temporary.c_str(), image.width, image.height, 3, image.rgb.data(),
                                image.width * 3);
  if (ok == 0) {
    std::remove(temporary.c_str());
    TIMBRE_CHECK(false, "write_png: cannot write '", path,
                 "' (does its directory exist and is it writable?)");
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::remove(temporary.c_str());
    TIMBRE_CHECK(false, "write_png: cannot rename '", temporary, "' to '", path,
                 "': ", error.message());
  }
}

Image read_png(const std::string& path) {
  std::error_code error;
  TIMBRE_CHECK(std::filesystem::is_regular_file(path, error), "read_png: no such file '", path,
               "'");
  int width = 0, height = 0, channels_in_file = 0;
  // Asking for 3 channels makes stb expand grey to RGB and drop alpha (no blending).
  unsigned char* pixels = stbi_load(path.c_str(), &width, &height, &channels_in_file, 3);
  TIMBRE_CHECK(pixels != nullptr, "read_png: cannot decode '", path, "': ", stbi_failure_reason());
  Image image;
  image.width = width;
  image.height = height;
  image.rgb.assign(pixels, pixels + static_cast<size_t>(width) * height * 3);
  stbi_image_free(pixels);
  return image;
}

Tensor image_to_tensor(const Image& image) {
  check_image(image, "image_to_tensor");
  const int64_t height = image.height, width = image.width;
  Tensor out = empty({3, height, width}, {.dtype = DType::Float32});
  float* data = out.data_ptr<float>();  // [3, H, W]
  // Interleaved [H, W, 3] bytes -> planar [3, H, W] floats.
  for (int64_t channel = 0; channel < 3; ++channel) {
    for (int64_t y = 0; y < height; ++y) {
      for (int64_t x = 0; x < width; ++x) {
        const uint8_t byte = image.rgb[static_cast<size_t>((y * width + x) * 3 + channel)];
        data[(channel * height + y) * width + x] = static_cast<float>(byte) / 255.0f;
      }
    }
  }
  return out;
}

}  // namespace timbre::audio
