// data/loader.h - from a data set of single examples to shuffled mini-batches, prepared in the
// background while the model trains on the previous batch (PyTorch's Dataset + DataLoader).
//
//   auto images = std::make_shared<data::ImageDataset>(train_clips);     // data/datasets.h
//   data::DataLoader loader(images, {.batch_size = 10, .shuffle = true, .seed = 30});
//   for (int64_t epoch = 0; epoch < epochs; ++epoch) {
//     loader.start_epoch(epoch);
//     while (std::optional<data::Batch> batch = loader.next()) {
//       Tensor logits = model.forward(batch->inputs[0]);   // [N, 3, 288, 432] -> [N, 10]
//       ...
//     }
//   }
//
// Reproducibility: the order of an epoch is a permutation drawn from a generator seeded with a
// hash of (seed, epoch),
// and augmentations draw from Generator(seed, epoch, position) (see LoaderOptions), so a run
// gives the same batches whatever the number of threads, and a resumed run continues with
// exactly the batches the interrupted one would have seen.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tensor/generator.h"
#include "tensor/tensor.h"

namespace timbre::data {

// One example: the model's inputs (usually one tensor; two for the hybrid model: image and
// features), its class, and the song it comes from (for song-level accuracy).
struct Example {
  std::vector<Tensor> inputs;  // each CPU, without a batch dimension, e.g. [3, 288, 432]
  int64_t label = 0;
  std::string song;
};

// A data set: `size()` examples, each made on demand by `get`.
// Requires of implementations: get(i) for 0 <= i < size() returns a new Example (no shared
// storage with earlier calls), and may be called from a background thread (one at a time).
class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual int64_t size() const = 0;
  virtual Example get(int64_t index) const = 0;
};

// Examples stacked along a new first dimension.
struct Batch {
  std::vector<Tensor> inputs;      // inputs[k]: [N, ...] the k-th input of every example
  Tensor labels;                   // int64 [N]
  std::vector<std::string> songs;  // [N]
  std::vector<int64_t> indices;    // [N] each example's index in the data set
  int64_t size() const { return static_cast<int64_t>(indices.size()); }
};

// Changes an example in place (a random crop, a SpecAugment mask, ...), drawing any randomness
// from `generator`. Called for training examples only, on the loading thread.
using Augmentation = std::function<void(Example& example, Generator& generator)>;

struct LoaderOptions {
  int64_t batch_size = 10;
  bool shuffle = true;        // a new random order every epoch; false: the data set's order
  uint64_t seed = 0;          // fixes the orders and the augmentations
  bool drop_last = false;     // drop a last batch smaller than batch_size
  int prefetch = 2;           // batches prepared ahead on a background thread; 0: on the caller's
  Augmentation augment = {};  // applied to each example when set
};

// Stacks examples into a batch.
// Requires: examples non-empty; every example has the same number of inputs, and input k has
//           the same shape and dtype in every example (else timbre::Error naming both indices).
Batch collate(std::vector<Example> examples, const std::vector<int64_t>& indices);

class DataLoader {
 public:
  // Requires: dataset non-null with size() >= 1; options.batch_size >= 1; options.prefetch >= 0.
  DataLoader(std::shared_ptr<const Dataset> dataset, LoaderOptions options);
  ~DataLoader();  // stops and joins the background thread
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  int64_t size() const;               // examples in the data set
  int64_t batches_per_epoch() const;  // ceil(size / batch_size), or floor with drop_last
  const LoaderOptions& options() const { return options_; }

  // The order of epoch `epoch` (0-based): a permutation of [0, size) from a Generator seeded
  // with SplitMix64(SplitMix64(seed) ^ epoch) by Fisher-Yates when shuffling, else 0, 1, ..., size
  // - 1.
  std::vector<int64_t> epoch_order(int64_t epoch) const;

  // Starts (or restarts) an epoch; any batches still prepared from the previous one are
  // dropped.
  void start_epoch(int64_t epoch);
  // The next batch of the current epoch, or nothing when the epoch is over.
  // Requires: start_epoch was called. An exception thrown by the data set or the augmentation
  // while preparing this batch is rethrown here.
  std::optional<Batch> next();

 private:
  Batch make_batch(int64_t batch_index) const;
  void stop_worker();
  void worker_loop();

  std::shared_ptr<const Dataset> dataset_;
  LoaderOptions options_;
  int64_t epoch_ = -1;
  std::vector<int64_t> order_;
  int64_t next_batch_ = 0;  // index of the batch next() returns next

  // Background preparation: the worker makes batches in order into `ready_`, at most
  // options_.prefetch ahead of the consumer.
  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::optional<Batch>> ready_;  // prepared batches, in order
  std::exception_ptr error_;                // the worker's failure, rethrown by next()
  int64_t worker_next_ = 0;                 // the batch the worker prepares next
  bool stopping_ = false;
};

}  // namespace timbre::data
