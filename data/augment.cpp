// data/augment.cpp - SpecAugment masks, random crops and time windows, and their composition.
#include "data/augment.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "tensor/error.h"
#include "tensor/shape.h"

namespace timbre::data {

namespace {

// The first input of an example, checked to exist.
Tensor& first_input(Example& example, const char* who) {
  TIMBRE_CHECK(!example.inputs.empty() && example.inputs[0].defined(), who, ": the example (song '",
               example.song, "') has no input");
  return example.inputs[0];
}

// A uniform integer in [0, count) as a signed size.
int64_t draw_below(Generator& generator, int64_t count) {
  return static_cast<int64_t>(generator.below(static_cast<uint64_t>(count)));
}

// One rectangle to paint: rows [row_start, row_start + rows) x columns [column_start, ...).
struct Band {
  int64_t row_start, rows, column_start, columns;
};

// Paints every band of every channel with that channel's largest value.
// values: [channels, height, width], contiguous.
template <typename T>
void paint_bands(T* values, int64_t channels, int64_t height, int64_t width,
                 const std::vector<Band>& bands) {
  const int64_t plane = height * width;
  for (int64_t channel = 0; channel < channels; ++channel) {
    T* cells = values + channel * plane;
    const T fill = *std::max_element(cells, cells + plane);
    for (const Band& band : bands) {
      for (int64_t row = band.row_start; row < band.row_start + band.rows; ++row) {
        std::fill(cells + row * width + band.column_start,
                  cells + row * width + band.column_start + band.columns, fill);
      }
    }
  }
}

}  // namespace

Augmentation time_frequency_mask(double max_time_fraction, double max_freq_fraction,
                                 int64_t count) {
  TIMBRE_CHECK(max_time_fraction >= 0.0 && max_time_fraction <= 1.0 && max_freq_fraction >= 0.0 &&
                   max_freq_fraction <= 1.0,
               "time_frequency_mask: fractions must lie in [0, 1], got ", max_time_fraction,
               " and ", max_freq_fraction);
  TIMBRE_CHECK(count >= 0, "time_frequency_mask: count must be >= 0, got ", count);
  return [=](Example& example, Generator& generator) {
    Tensor& input = first_input(example, "time_frequency_mask");
    TIMBRE_CHECK(input.dim() == 2 || input.dim() == 3,
                 "time_frequency_mask: the input must be [C, H, W] or [H, W], got shape ",
                 shape_str(input.sizes()));
    TIMBRE_CHECK(input.dtype() == DType::Float32 || input.dtype() == DType::Float64,
                 "time_frequency_mask: the input must be float32 or float64, got ",
                 dtype_name(input.dtype()));
    TIMBRE_CHECK(input.device().is_cpu() && input.numel() >= 1,
                 "time_frequency_mask: the input must be a non-empty CPU tensor");
    const int64_t height = input.size(-2), width = input.size(-1);
    const int64_t channels = input.dim() == 3 ? input.size(0) : 1;

    // The same draws, in the same order, as audio::spec_augment_mask.
    std::vector<Band> bands;
    const auto max_columns = static_cast<int64_t>(std::floor(max_time_fraction * width));
    const auto max_rows = static_cast<int64_t>(std::floor(max_freq_fraction * height));
    for (int64_t mask = 0; mask < count; ++mask) {
      const int64_t columns = draw_below(generator, max_columns + 1);
      const int64_t column_start = draw_below(generator, width - columns + 1);
      const int64_t rows = draw_below(generator, max_rows + 1);
      const int64_t row_start = draw_below(generator, height - rows + 1);
      bands.push_back({0, height, column_start, columns});  // time mask: every row
      bands.push_back({row_start, rows, 0, width});         // frequency mask: every column
    }
    // The example owns its inputs (Dataset::get returns new tensors), so paint in place.
    input = input.contiguous();
    if (input.dtype() == DType::Float32) {
      paint_bands(input.data_ptr<float>(), channels, height, width, bands);
    } else {
      paint_bands(input.data_ptr<double>(), channels, height, width, bands);
    }
  };
}

Augmentation random_crop(int64_t width) {
  TIMBRE_CHECK(width >= 1, "random_crop: width must be >= 1, got ", width);
  return [width](Example& example, Generator& generator) {
    Tensor& input = first_input(example, "random_crop");
    TIMBRE_CHECK(input.dim() >= 1 && input.size(-1) >= width, "random_crop: cannot cut ", width,
                 " columns from an input of shape ", shape_str(input.sizes()), " (song '",
                 example.song, "')");
    const int64_t start = draw_below(generator, input.size(-1) - width + 1);
    input = input.narrow(input.dim() - 1, start, width).clone();
  };
}

Augmentation random_time_window(int64_t frames) {
  TIMBRE_CHECK(frames >= 1, "random_time_window: frames must be >= 1, got ", frames);
  return [frames](Example& example, Generator& generator) {
    Tensor& input = first_input(example, "random_time_window");
    TIMBRE_CHECK(input.dim() >= 1 && input.size(0) >= frames, "random_time_window: cannot cut ",
                 frames, " frames from an input of shape ", shape_str(input.sizes()), " (song '",
                 example.song, "')");
    const int64_t start = draw_below(generator, input.size(0) - frames + 1);
    input = input.narrow(0, start, frames).clone();
  };
}

Augmentation compose(std::vector<Augmentation> augmentations) {
  for (size_t i = 0; i < augmentations.size(); ++i) {
    TIMBRE_CHECK(static_cast<bool>(augmentations[i]), "compose: augmentation ", i, " is empty");
  }
  return [augmentations = std::move(augmentations)](Example& example, Generator& generator) {
    for (const Augmentation& augmentation : augmentations)
      augmentation(example, generator);
  };
}

}  // namespace timbre::data
