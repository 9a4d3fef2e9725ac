// data/file_datasets.cpp - ImageDataset and ArrayDataset: examples read from the files of a
// ClipList (pictures, .npy arrays), checked for size, optionally kept in memory.
#include <utility>

#include "data/datasets.h"
#include "tensor/error.h"
#include "tensor/npy.h"

namespace timbre::data {

namespace {

void check_index(int64_t index, int64_t size, const char* who) {
  TIMBRE_CHECK(index >= 0 && index < size, who, ": index ", index, " is out of range for ", size,
               " examples");
}

std::string size_string(int width, int height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

}  // namespace

// ---- ImageDataset -------------------------------------------------------------------------------

ImageDataset::ImageDataset(ClipList clips, ImageOptions options)
    : clips_(std::move(clips)), options_(std::move(options)) {
  if (options_.resize) {
    const auto [width, height] = *options_.resize;
    TIMBRE_CHECK(width >= 1 && height >= 1, "ImageDataset: resize sizes must be >= 1, got ",
                 size_string(width, height));
    image_size_ = options_.resize;
  }
  TIMBRE_CHECK(options_.mean.has_value() == options_.standard_deviation.has_value(),
               "ImageDataset: give both mean and standard_deviation for normalisation, or neither");
  if (options_.standard_deviation) {
    for (size_t channel = 0; channel < 3; ++channel) {
      TIMBRE_CHECK((*options_.standard_deviation)[channel] > 0.0f,
                   "ImageDataset: standard_deviation must be > 0, got ",
                   (*options_.standard_deviation)[channel], " for channel ", channel);
    }
  }
  if (options_.cache_in_memory) cache_.resize(clips_.clips.size());
  // Every picture must have the first one's size; learn it now so that the check does not
  // depend on which picture a shuffled epoch happens to read first.
  if (!image_size_ && !clips_.clips.empty()) {
    const audio::Image first = audio::read_png(clips_.clips[0].path);
    image_size_ = std::pair{first.width, first.height};
    if (options_.cache_in_memory) cache_[0] = first;
  }
}

audio::Image ImageDataset::load(int64_t index) const {
  const auto slot = static_cast<size_t>(index);
  if (options_.cache_in_memory) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (cache_[slot]) return *cache_[slot];
  }
  // Decode outside the lock: two threads reading different pictures do not wait for each other
  // (two decoding the same one both store the same bytes).
  const std::string& path = clips_.clips[slot].path;
  audio::Image image = audio::read_png(path);
  const auto [width, height] = *image_size_;
  if (options_.resize) {
    image = audio::resize(image, width, height);
  } else {
    TIMBRE_CHECK(image.width == width && image.height == height, "ImageDataset: ", path, " is ",
                 size_string(image.width, image.height),
                 " pixels but the pictures of this data set are ", size_string(width, height),
                 " (the size of ", clips_.clips[0].path,
                 "); give ImageOptions::resize to scale every picture to one size");
  }
  if (options_.cache_in_memory) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    cache_[slot] = image;
  }
  return image;
}

Example ImageDataset::get(int64_t index) const {
  check_index(index, size(), "ImageDataset::get");
  Tensor pixels = audio::image_to_tensor(load(index));  // [3, H, W], pixel / 255
  if (options_.mean) {
    const int64_t plane = pixels.size(1) * pixels.size(2);
    float* values = pixels.data_ptr<float>();
    for (size_t channel = 0; channel < 3; ++channel) {
      const float mean = (*options_.mean)[channel];
      const float deviation = (*options_.standard_deviation)[channel];
      float* begin = values + static_cast<int64_t>(channel) * plane;
      for (int64_t i = 0; i < plane; ++i)
        begin[i] = (begin[i] - mean) / deviation;
    }
  }
  const Clip& clip = clips_.clips[static_cast<size_t>(index)];
  return Example{{pixels}, clip.label, clip.song};
}

// ---- ArrayDataset -------------------------------------------------------------------------------

ArrayDataset::ArrayDataset(ClipList clips, ArrayOptions options)
    : clips_(std::move(clips)), options_(std::move(options)), shape_(options_.expected_shape) {
  if (options_.cache_in_memory) cache_.resize(clips_.clips.size());
  if (!shape_ && !clips_.clips.empty()) {
    Tensor first = read_npy(clips_.clips[0].path).to(DType::Float32);
    shape_ = first.sizes();
    if (options_.cache_in_memory) cache_[0] = first;
  }
}

Tensor ArrayDataset::load(int64_t index) const {
  const auto slot = static_cast<size_t>(index);
  if (options_.cache_in_memory) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (cache_[slot].defined()) return cache_[slot];
  }
  const std::string& path = clips_.clips[slot].path;
  Tensor array = read_npy(path).to(DType::Float32);
  TIMBRE_CHECK(array.sizes() == *shape_, "ArrayDataset: ", path, " has shape ",
               shape_str(array.sizes()), " but ", shape_str(*shape_), " was expected",
               options_.expected_shape ? "" : " (the shape of the first clip's array)");
  if (options_.cache_in_memory) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    cache_[slot] = array;
  }
  return array;
}

Example ArrayDataset::get(int64_t index) const {
  check_index(index, size(), "ArrayDataset::get");
  // A copy, so that changing an example (an augmentation) never changes the cached array.
  Tensor array = load(index).clone();
  const Clip& clip = clips_.clips[static_cast<size_t>(index)];
  return Example{{array}, clip.label, clip.song};
}

}  // namespace timbre::data
