// data/loader.cpp - collating examples into batches, the epoch order, and the background thread
// that prepares the next batches while the current one trains.
#include "data/loader.h"

#include <algorithm>
#include <utility>

#include "autograd/ops.h"
#include "tensor/error.h"
#include "tensor/factories.h"
#include "tensor/generator.h"
#include "tensor/shape.h"

namespace timbre::data {

namespace {

// Each example's augmentation draws from its own stream, fixed by (seed, epoch, position), so
// it does not depend on which thread prepares the batch.
uint64_t augmentation_seed(uint64_t seed, int64_t epoch, int64_t index) {
  return mix_seed(seed, static_cast<uint64_t>(epoch), static_cast<uint64_t>(index));
}

}  // namespace

Batch collate(std::vector<Example> examples, const std::vector<int64_t>& indices) {
  TIMBRE_CHECK(!examples.empty(), "collate: cannot make a batch of no examples");
  TIMBRE_CHECK(examples.size() == indices.size(), "collate: ", examples.size(), " examples but ",
               indices.size(), " indices");
  const size_t inputs = examples[0].inputs.size();
  Batch batch;
  batch.indices = indices;
  std::vector<int64_t> labels;
  for (size_t i = 0; i < examples.size(); ++i) {
    TIMBRE_CHECK(examples[i].inputs.size() == inputs, "collate: example ", indices[i], " has ",
                 examples[i].inputs.size(), " inputs but example ", indices[0], " has ", inputs);
    for (size_t k = 0; k < inputs; ++k) {
      const Tensor& first = examples[0].inputs[k];
      const Tensor& input = examples[i].inputs[k];
      TIMBRE_CHECK(input.sizes() == first.sizes() && input.dtype() == first.dtype(),
                   "collate: input ", k, " of example ", indices[i], " has shape ",
                   shape_str(input.sizes()), " but example ", indices[0], " has ",
                   shape_str(first.sizes()), " (every example of a batch must match)");
    }
    labels.push_back(examples[i].label);
    batch.songs.push_back(std::move(examples[i].song));
  }
  for (size_t k = 0; k < inputs; ++k) {
    std::vector<Tensor> column;
    column.reserve(examples.size());
    for (const Example& example : examples)
      column.push_back(example.inputs[k]);
    batch.inputs.push_back(stack(column, 0));
  }
  batch.labels = from_vector(labels, {static_cast<int64_t>(labels.size())});
  return batch;
}

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, LoaderOptions options)
    : dataset_(std::move(dataset)), options_(std::move(options)) {
  TIMBRE_CHECK(dataset_ != nullptr, "DataLoader: the data set is null");
  TIMBRE_CHECK(dataset_->size() >= 1, "DataLoader: the data set is empty");
  TIMBRE_CHECK(options_.batch_size >= 1, "DataLoader: batch_size must be >= 1, got ",
               options_.batch_size);
  TIMBRE_CHECK(options_.prefetch >= 0, "DataLoader: prefetch must be >= 0, got ",
               options_.prefetch);
}

DataLoader::~DataLoader() {
  stop_worker();
}

int64_t DataLoader::size() const {
  return dataset_->size();
}

int64_t DataLoader::batches_per_epoch() const {
  const int64_t full = size() / options_.batch_size;
  const bool partial = size() % options_.batch_size != 0;
  return full + (partial && !options_.drop_last ? 1 : 0);
}

std::vector<int64_t> DataLoader::epoch_order(int64_t epoch) const {
  std::vector<int64_t> order(static_cast<size_t>(size()));
  for (int64_t i = 0; i < size(); ++i)
    order[static_cast<size_t>(i)] = i;
  if (options_.shuffle) {
    // A hash of (seed, epoch): seeds 30 and 31 share no epoch's order.
    Generator generator(splitmix64(splitmix64(options_.seed) ^ static_cast<uint64_t>(epoch)));
    shuffle(order, generator);
  }
  return order;
}

Batch DataLoader::make_batch(int64_t batch_index) const {
  const int64_t begin = batch_index * options_.batch_size;
  const int64_t end = std::min(size(), begin + options_.batch_size);
  std::vector<Example> examples;
  std::vector<int64_t> indices;
  for (int64_t position = begin; position < end; ++position) {
    const int64_t index = order_[static_cast<size_t>(position)];
    Example example = dataset_->get(index);
    if (options_.augment) {
      Generator generator(augmentation_seed(options_.seed, epoch_, position));
      options_.augment(example, generator);
    }
    examples.push_back(std::move(example));
    indices.push_back(index);
  }
  return collate(std::move(examples), indices);
}

void DataLoader::start_epoch(int64_t epoch) {
  TIMBRE_CHECK(epoch >= 0, "DataLoader::start_epoch: epoch must be >= 0, got ", epoch);
  stop_worker();
  epoch_ = epoch;
  order_ = epoch_order(epoch);
  next_batch_ = 0;
  ready_.clear();
  error_ = nullptr;
  worker_next_ = 0;
  stopping_ = false;
  if (options_.prefetch > 0) worker_ = std::thread([this] { worker_loop(); });
}

void DataLoader::worker_loop() {
  const int64_t batches = batches_per_epoch();
  while (true) {
    int64_t batch_index = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      // Wait until the consumer has room for one more prepared batch (or we must stop).
      changed_.wait(lock, [&] {
        return stopping_ || static_cast<int64_t>(ready_.size()) < options_.prefetch;
      });
      if (stopping_ || worker_next_ >= batches) return;
      batch_index = worker_next_++;
    }
    std::optional<Batch> batch;
    std::exception_ptr error;
    try {
      batch = make_batch(batch_index);
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (error) {
      error_ = error;
      changed_.notify_all();
      return;
    }
    ready_.push_back(std::move(batch));
    changed_.notify_all();
  }
}

void DataLoader::stop_worker() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  worker_.join();
}

std::optional<Batch> DataLoader::next() {
  TIMBRE_CHECK(epoch_ >= 0, "DataLoader::next: call start_epoch first");
  if (next_batch_ >= batches_per_epoch()) return std::nullopt;
  if (options_.prefetch == 0) {
    // Counted only once made, so that a failed batch is not skipped (as with prefetching, where
    // next() keeps reporting the failure until the next start_epoch).
    Batch batch = make_batch(next_batch_);
    ++next_batch_;
    return batch;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return !ready_.empty() || error_ != nullptr; });
  if (ready_.empty()) std::rethrow_exception(error_);
  std::optional<Batch> batch = std::move(ready_.front());
  ready_.pop_front();
  ++next_batch_;
  changed_.notify_all();
  return batch;
}

}  // namespace timbre::data
