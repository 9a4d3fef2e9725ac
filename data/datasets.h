// data/datasets.h - the concrete data sets the examples train on (docs/loading.md):
//
//   ImageDataset   PNG pictures of a ClipList           -> float32 [3, H, W] = pixel / 255
//   ArrayDataset   .npy arrays of a ClipList            -> float32, e.g. [128, 33] (LSTM features)
//   TensorDataset  rows of a feature table in memory     -> float32 [F] (e.g. 57 CSV features)
//   ZipDataset     two data sets side by side            -> both inputs (UConn: image + features)
//   SubsetDataset  some examples of another, reordered   -> the same examples (splits, alignment)
//
//   auto images = std::make_shared<data::ImageDataset>(
//       cached_clips, data::ImageOptions{.resize = std::pair{128, 128}});
//   auto features = std::make_shared<data::TensorDataset>(rows, labels, songs);
//   auto aligned = std::make_shared<data::SubsetDataset>(
//       features, data::match_by_song(cached_clips.songs(), songs));
//   data::ZipDataset hybrid(images, aligned);   // example i: {[3, 128, 128], [57]}
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audio/image.h"
#include "data/dataset.h"
#include "data/loader.h"
#include "tensor/shape.h"
#include "tensor/tensor.h"

namespace timbre::data {

// ---- Files of a ClipList ----------------------------------------------------------------------

struct ImageOptions {
  // (width, height): every picture is resampled to this size (audio::resize), e.g. UConn's
  // 128 x 128. Without it every picture must have the size of the first clip's picture.
  std::optional<std::pair<int, int>> resize = {};
  // Keep each decoded (and resized) picture in memory as bytes after its first load, so later
  // epochs skip PNG decoding. Costs width * height * 3 bytes per picture: 400 GTZAN pictures of
  // 432 x 288 take 400 * 373,248 B = 149 MB (four times less than float32 tensors would).
  bool cache_in_memory = false;
  // Per-channel normalisation (x - mean[c]) / standard_deviation[c] after pixel / 255, e.g.
  // ImageNet's {0.485, 0.456, 0.406} and {0.229, 0.224, 0.225}. Give both or neither.
  std::optional<std::array<float, 3>> mean = {};
  std::optional<std::array<float, 3>> standard_deviation = {};
};

// Pictures (PNG, or any format audio::read_png reads) as network inputs.
// get(i): inputs {float32 [3, H, W]} with value pixel / 255 (then normalised when asked), the
// clip's label and song.
class ImageDataset : public Dataset {
 public:
  // Without options.resize the first clip's picture is read here to learn the size every
  // picture must have.
  // Requires: resize sizes >= 1; mean and standard_deviation both given or both absent, every
  //           standard deviation > 0; without resize, clips.clips[0] readable (when any).
  explicit ImageDataset(ClipList clips, ImageOptions options = {});

  int64_t size() const override { return clips_.size(); }
  // Throws timbre::Error naming the file when it is missing or corrupt, and naming the file, its
  // size and the expected size when (without resize) its size differs from the first picture's.
  Example get(int64_t index) const override;

  const ClipList& clips() const { return clips_; }
  // (width, height) of every example; nullopt for an empty data set without resize.
  std::optional<std::pair<int, int>> image_size() const { return image_size_; }

 private:
  audio::Image load(int64_t index) const;  // read, checked, resized; from the cache when kept

  ClipList clips_;
  ImageOptions options_;
  std::optional<std::pair<int, int>> image_size_;
  mutable std::mutex cache_mutex_;                          // guards cache_
  mutable std::vector<std::optional<audio::Image>> cache_;  // [size()] when cache_in_memory
};

struct ArrayOptions {
  // The shape every array must have, e.g. {128, 33}. When absent, the shape of the first clip's
  // array (read by the constructor).
  std::optional<Shape> expected_shape = {};
  // Keep each array in memory (as float32) after its first load.
  bool cache_in_memory = false;
};

// NumPy arrays (.npy: float32, float64 or int64), e.g. the [128, 33] LSTM feature sequences.
// get(i): inputs {the array as float32, of the expected shape}, the clip's label and song.
class ArrayDataset : public Dataset {
 public:
  // Requires: without options.expected_shape, clips.clips[0] readable (when any).
  explicit ArrayDataset(ClipList clips, ArrayOptions options = {});

  int64_t size() const override { return clips_.size(); }
  // Throws timbre::Error naming the file when it is missing or not a valid .npy file, and naming
  // the file and both shapes when its shape is not the expected one.
  Example get(int64_t index) const override;

  const ClipList& clips() const { return clips_; }
  // The shape of every example; nullopt for an empty data set without expected_shape.
  const std::optional<Shape>& shape() const { return shape_; }

 private:
  Tensor load(int64_t index) const;  // float32, checked; from the cache when kept

  ClipList clips_;
  ArrayOptions options_;
  std::optional<Shape> shape_;
  mutable std::mutex cache_mutex_;     // guards cache_
  mutable std::vector<Tensor> cache_;  // [size()] when cache_in_memory; undefined: not yet
};

// ---- Tensors in memory ------------------------------------------------------------------------

// The rows of a feature table (e.g. the 57 standardised GTZAN CSV features of each song).
// features: [N, F] -> example i: inputs {float32 [F] = row i}, labels[i], songs[i]
class TensorDataset : public Dataset {
 public:
  // The rows are copied once, as float32.
  // Requires: features a 2-d float32/float64 CPU tensor; labels.size() == songs.size() == N
  //           (else timbre::Error naming the counts).
  TensorDataset(const Tensor& features, std::vector<int64_t> labels,
                std::vector<std::string> songs);

  int64_t size() const override { return static_cast<int64_t>(labels_.size()); }
  Example get(int64_t index) const override;  // Requires: 0 <= index < size()

 private:
  Tensor features_;  // float32 [N, F], contiguous
  std::vector<int64_t> labels_;
  std::vector<std::string> songs_;
};

// Two data sets example by example: the UConn hybrid model reads a picture and the song's CSV
// features together. Example i: inputs = first's inputs then second's inputs.
class ZipDataset : public Dataset {
 public:
  // Requires: both non-null and of the same size (else timbre::Error naming both sizes).
  ZipDataset(std::shared_ptr<const Dataset> first, std::shared_ptr<const Dataset> second);

  int64_t size() const override { return first_->size(); }
  // Throws timbre::Error naming the index and both songs (and labels) when example i of the two
  // data sets disagree on the song or the label: the two were not aligned (see match_by_song).
  Example get(int64_t index) const override;

 private:
  std::shared_ptr<const Dataset> first_;
  std::shared_ptr<const Dataset> second_;
};

// The examples of another data set at `indices`, in that order (a split, or an alignment from
// match_by_song). Example i is base->get(indices[i]).
class SubsetDataset : public Dataset {
 public:
  // Requires: base non-null; every index in [0, base->size()) (else timbre::Error naming it).
  SubsetDataset(std::shared_ptr<const Dataset> base, std::vector<int64_t> indices);

  int64_t size() const override { return static_cast<int64_t>(indices_.size()); }
  Example get(int64_t index) const override;  // Requires: 0 <= index < size()
  const std::vector<int64_t>& indices() const { return indices_; }

 private:
  std::shared_ptr<const Dataset> base_;
  std::vector<int64_t> indices_;
};

// For each song of `songs_a`, the row of `songs_b` holding the same song:
//   songs_b[result[i]] == songs_a[i]
// so SubsetDataset(b, result) lines data set b up with data set a.
// Requires: every song of songs_a occurs in songs_b (else timbre::Error naming the first missing
//           one); songs_b has no song twice (else timbre::Error naming it and both rows).
std::vector<int64_t> match_by_song(const std::vector<std::string>& songs_a,
                                   const std::vector<std::string>& songs_b);

}  // namespace timbre::data
