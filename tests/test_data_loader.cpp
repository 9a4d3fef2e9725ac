// tests/test_data_loader.cpp - collate and the DataLoader (data/loader.h): batch shapes, how many
// batches an epoch has, every example once per epoch, shuffled orders that change every epoch
// but repeat for a seed, prefetching that changes nothing but speed, reproducible augmentation,
// failures reported by next(), and a loader that can be destroyed at any moment.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "data/loader.h"
#include "test_helpers.h"

namespace timbre::data {
namespace {

using timbre::testing::expect_same;

// Example i: input float32 [2] = {i, 10 i}, label i % 3, song "song<i>".
class CountingDataset : public Dataset {
 public:
  explicit CountingDataset(int64_t size) : size_(size) {}
  int64_t size() const override { return size_; }
  Example get(int64_t index) const override {
    const auto value = static_cast<double>(index);
    return Example{
        {from_vector(std::vector<double>{value, 10.0 * value}, {2}, {.dtype = DType::Float32})},
        index % 3,
        "song" + std::to_string(index)};
  }

 private:
  int64_t size_;
};

// A CountingDataset whose example `failing_index` throws, the first `failures` times it is read.
class FailingDataset : public CountingDataset {
 public:
  FailingDataset(int64_t size, int64_t failing_index, int failures)
      : CountingDataset(size), failing_index_(failing_index), failures_left_(failures) {}
  Example get(int64_t index) const override {
    if (index == failing_index_ && failures_left_.fetch_sub(1) > 0) {
      throw Error("cannot read example " + std::to_string(index));
    }
    return CountingDataset::get(index);
  }

 private:
  int64_t failing_index_;
  mutable std::atomic<int> failures_left_;
};

// A CountingDataset that takes 20 ms per example, so a background thread is busy when a test
// acts.
class SlowDataset : public CountingDataset {
 public:
  using CountingDataset::CountingDataset;
  Example get(int64_t index) const override {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return CountingDataset::get(index);
  }
};

// Adds a uniform draw from the loader's generator to every value of the first input.
void add_noise(Example& example, Generator& generator) {
  const double noise = generator.uniform();
  example.inputs[0] = from_vector(
      std::vector<double>{example.inputs[0].at({0}) + noise, example.inputs[0].at({1}) + noise},
      {2}, {.dtype = DType::Float32});
}

std::vector<Batch> all_batches(DataLoader& loader, int64_t epoch) {
  loader.start_epoch(epoch);
  std::vector<Batch> batches;
  while (std::optional<Batch> batch = loader.next())
    batches.push_back(std::move(*batch));
  return batches;
}

std::vector<int64_t> indices_of(const std::vector<Batch>& batches) {
  std::vector<int64_t> indices;
  for (const Batch& batch : batches)
    indices.insert(indices.end(), batch.indices.begin(), batch.indices.end());
  return indices;
}

void expect_same_batches(const std::vector<Batch>& actual, const std::vector<Batch>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t b = 0; b < actual.size(); ++b) {
    EXPECT_EQ(actual[b].indices, expected[b].indices) << "batch " << b;
    EXPECT_EQ(actual[b].songs, expected[b].songs) << "batch " << b;
    expect_same(actual[b].labels, expected[b].labels, 0.0);
    ASSERT_EQ(actual[b].inputs.size(), expected[b].inputs.size());
    for (size_t k = 0; k < actual[b].inputs.size(); ++k)
      expect_same(actual[b].inputs[k], expected[b].inputs[k], 0.0);
  }
}

std::shared_ptr<const Dataset> counting(int64_t size) {
  return std::make_shared<CountingDataset>(size);
}

// ---- collate ------------------------------------------------------------------------------------

TEST(Collate, StacksEachInputAlongANewFirstDimension) {
  std::vector<Example> examples;
  for (int64_t i = 0; i < 3; ++i) {
    examples.push_back(Example{
        {full({2, 4}, static_cast<double>(i)), full({5}, 1.0)}, i + 7, "song" + std::to_string(i)});
  }
  const Batch batch = collate(std::move(examples), {4, 8, 2});
  ASSERT_EQ(batch.inputs.size(), 2u);
  EXPECT_EQ(batch.inputs[0].sizes(), (Shape{3, 2, 4}));
  EXPECT_EQ(batch.inputs[1].sizes(), (Shape{3, 5}));
  EXPECT_EQ(batch.inputs[0].at({2, 1, 3}), 2.0);
  EXPECT_EQ(batch.labels.dtype(), DType::Int64);
  EXPECT_EQ(batch.labels.to_vector<int64_t>(), (std::vector<int64_t>{7, 8, 9}));
  EXPECT_EQ(batch.songs, (std::vector<std::string>{"song0", "song1", "song2"}));
  EXPECT_EQ(batch.indices, (std::vector<int64_t>{4, 8, 2}));
  EXPECT_EQ(batch.size(), 3);
}

TEST(Collate, NamesBothExamplesWhenShapesDiffer) {
  std::vector<Example> examples;
  examples.push_back(Example{{zeros({2, 4})}, 0, "a"});
  examples.push_back(Example{{zeros({2, 5})}, 0, "b"});
  EXPECT_ERROR_CONTAINS(collate(std::move(examples), {11, 12}),
                        "input 0 of example 12 has shape [2, 5] but example 11 has [2, 4]");
}

// ---- epochs -------------------------------------------------------------------------------------

TEST(DataLoader, BatchesPerEpochRoundsUpUnlessDropLast) {
  EXPECT_EQ(DataLoader(counting(10), {.batch_size = 4}).batches_per_epoch(), 3);
  EXPECT_EQ(DataLoader(counting(10), {.batch_size = 4, .drop_last = true}).batches_per_epoch(), 2);
  EXPECT_EQ(DataLoader(counting(8), {.batch_size = 4}).batches_per_epoch(), 2);
  EXPECT_EQ(DataLoader(counting(8), {.batch_size = 4, .drop_last = true}).batches_per_epoch(), 2);
  EXPECT_EQ(DataLoader(counting(3), {.batch_size = 4, .drop_last = true}).batches_per_epoch(), 0);
}

TEST(DataLoader, LastBatchIsSmallerWithoutDropLastAndDroppedWithIt) {
  for (int prefetch : {0, 2}) {
    DataLoader keep(counting(10), {.batch_size = 4, .prefetch = prefetch});
    const std::vector<Batch> kept = all_batches(keep, 0);
    ASSERT_EQ(kept.size(), 3u);
    EXPECT_EQ(kept[2].size(), 2);
    EXPECT_EQ(kept[2].inputs[0].sizes(), (Shape{2, 2}));

    DataLoader drop(counting(10), {.batch_size = 4, .drop_last = true, .prefetch = prefetch});
    const std::vector<Batch> dropped = all_batches(drop, 0);
    ASSERT_EQ(dropped.size(), 2u);
    EXPECT_EQ(dropped[1].size(), 4);
  }
}

TEST(DataLoader, EveryExampleAppearsExactlyOncePerEpoch) {
  for (int prefetch : {0, 2}) {
    DataLoader loader(counting(23), {.batch_size = 5, .seed = 4, .prefetch = prefetch});
    for (int64_t epoch = 0; epoch < 3; ++epoch) {
      const std::vector<Batch> batches = all_batches(loader, epoch);
      std::vector<int64_t> seen = indices_of(batches);
      std::sort(seen.begin(), seen.end());
      std::vector<int64_t> expected(23);
      std::iota(expected.begin(), expected.end(), 0);
      EXPECT_EQ(seen, expected) << "epoch " << epoch << ", prefetch " << prefetch;
      // Each row of a batch is the example its index names.
      for (const Batch& batch : batches) {
        for (int64_t row = 0; row < batch.size(); ++row) {
          const int64_t index = batch.indices[static_cast<size_t>(row)];
          EXPECT_EQ(batch.inputs[0].at({row, 1}), 10.0 * static_cast<double>(index));
          EXPECT_EQ(batch.songs[static_cast<size_t>(row)], "song" + std::to_string(index));
          EXPECT_EQ(batch.labels.at({row}), static_cast<double>(index % 3));
        }
      }
    }
  }
}

TEST(DataLoader, BatchesFollowTheEpochOrder) {
  DataLoader loader(counting(17), {.batch_size = 4, .seed = 9});
  EXPECT_EQ(indices_of(all_batches(loader, 5)), loader.epoch_order(5));
}

TEST(DataLoader, ShuffledOrdersDifferBetweenEpochs) {
  DataLoader loader(counting(50), {.batch_size = 10, .seed = 30});
  EXPECT_NE(loader.epoch_order(0), loader.epoch_order(1));
  EXPECT_NE(loader.epoch_order(1), loader.epoch_order(2));
}

TEST(DataLoader, ShuffledOrdersRepeatForTheSameSeedAndDifferForAnother) {
  DataLoader first(counting(50), {.batch_size = 10, .seed = 30});
  DataLoader second(counting(50), {.batch_size = 10, .seed = 30});
  DataLoader other(counting(50), {.batch_size = 10, .seed = 31000});
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    EXPECT_EQ(first.epoch_order(epoch), second.epoch_order(epoch));
    EXPECT_NE(first.epoch_order(epoch), other.epoch_order(epoch));
  }
}

TEST(DataLoader, WithoutShuffleTheOrderIsTheDataSetOrder) {
  DataLoader loader(counting(6), {.batch_size = 4, .shuffle = false});
  EXPECT_EQ(loader.epoch_order(3), (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(indices_of(all_batches(loader, 3)), (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
}

TEST(DataLoader, PrefetchZeroAndTwoGiveIdenticalBatches) {
  DataLoader direct(counting(31),
                    {.batch_size = 4, .seed = 5, .prefetch = 0, .augment = add_noise});
  DataLoader ahead(counting(31), {.batch_size = 4, .seed = 5, .prefetch = 2, .augment = add_noise});
  for (int64_t epoch = 0; epoch < 3; ++epoch)
    expect_same_batches(all_batches(ahead, epoch), all_batches(direct, epoch));
}

TEST(DataLoader, StartingAnEpochAgainRestartsItFromTheFirstBatch) {
  DataLoader loader(counting(20), {.batch_size = 3, .seed = 2});
  loader.start_epoch(1);
  ASSERT_TRUE(loader.next().has_value());
  ASSERT_TRUE(loader.next().has_value());
  EXPECT_EQ(indices_of(all_batches(loader, 1)), loader.epoch_order(1));
}

// ---- augmentation -------------------------------------------------------------------------------

TEST(DataLoader, AugmentationRepeatsForTheSameSeedAndEpoch) {
  DataLoader first(counting(12), {.batch_size = 5, .seed = 7, .augment = add_noise});
  DataLoader second(counting(12), {.batch_size = 5, .seed = 7, .augment = add_noise});
  expect_same_batches(all_batches(first, 2), all_batches(second, 2));
}

TEST(DataLoader, AugmentationChangesFromEpochToEpoch) {
  // Without shuffling, epochs 0 and 1 read the same examples in the same order: only the noise
  // can differ.
  DataLoader loader(counting(4), {.batch_size = 4, .shuffle = false, .augment = add_noise});
  const Tensor epoch0 = all_batches(loader, 0)[0].inputs[0];
  const Tensor epoch1 = all_batches(loader, 1)[0].inputs[0];
  EXPECT_NE(epoch0.to_vector<double>(), epoch1.to_vector<double>());
}

TEST(DataLoader, AugmentationDependsOnThePositionNotOnTheBatchSize) {
  // Position p of an epoch gets the draws of Generator(seed, epoch, p) whatever batch it is in.
  DataLoader small(counting(12), {.batch_size = 3, .seed = 8, .augment = add_noise});
  DataLoader large(counting(12), {.batch_size = 5, .seed = 8, .augment = add_noise});
  std::vector<double> small_values, large_values;
  for (const Batch& batch : all_batches(small, 1)) {
    for (double value : batch.inputs[0].to_vector<double>())
      small_values.push_back(value);
  }
  for (const Batch& batch : all_batches(large, 1)) {
    for (double value : batch.inputs[0].to_vector<double>())
      large_values.push_back(value);
  }
  EXPECT_EQ(small_values, large_values);
}

TEST(DataLoader, AResumedRunSeesTheBatchesOfTheInterruptedOne) {
  DataLoader uninterrupted(counting(15), {.batch_size = 4, .seed = 3, .augment = add_noise});
  all_batches(uninterrupted, 0);
  all_batches(uninterrupted, 1);
  const std::vector<Batch> expected = all_batches(uninterrupted, 2);
  DataLoader resumed(counting(15), {.batch_size = 4, .seed = 3, .augment = add_noise});
  expect_same_batches(all_batches(resumed, 2), expected);
}

// ---- failures -----------------------------------------------------------------------------------

TEST(DataLoader, AnExceptionInGetIsRethrownByNext) {
  for (int prefetch : {0, 2}) {
    auto dataset = std::make_shared<FailingDataset>(10, 7, 1000);
    DataLoader loader(dataset, {.batch_size = 2, .shuffle = false, .prefetch = prefetch});
    loader.start_epoch(0);
    // Batches 0-2 hold examples 0-5; batch 3 holds the failing example 7.
    for (int b = 0; b < 3; ++b)
      ASSERT_TRUE(loader.next().has_value()) << "batch " << b;
    EXPECT_ERROR_CONTAINS(loader.next(), "cannot read example 7");
    // The failed batch is not skipped: asking again reports the failure again.
    EXPECT_ERROR_CONTAINS(loader.next(), "cannot read example 7");
  }
}

TEST(DataLoader, ANewEpochCanStartAfterAFailure) {
  for (int prefetch : {0, 2}) {
    // Example 3 fails once, then reads fine.
    auto dataset = std::make_shared<FailingDataset>(8, 3, 1);
    DataLoader loader(dataset, {.batch_size = 2, .seed = 1, .prefetch = prefetch});
    EXPECT_ERROR_CONTAINS(all_batches(loader, 0), "cannot read example 3");
    std::vector<int64_t> seen = indices_of(all_batches(loader, 1));
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7})) << "prefetch " << prefetch;
  }
}

TEST(DataLoader, AnExceptionInTheAugmentationIsRethrownByNext) {
  auto failing = [](Example& example, Generator&) {
    if (example.song == "song2") throw Error("augmentation failed on song2");
  };
  DataLoader loader(counting(4), {.batch_size = 4, .prefetch = 2, .augment = failing});
  loader.start_epoch(0);
  EXPECT_ERROR_CONTAINS(loader.next(), "augmentation failed on song2");
}

TEST(DataLoader, DestroyingALoaderMidEpochDoesNotHang) {
  // The worker is busy preparing batches (20 ms each example) when the loader goes away; the
  // destructor must stop and join it. A hang shows as the test's timeout.
  for (int prefetch : {1, 4}) {
    auto loader = std::make_unique<DataLoader>(
        std::make_shared<SlowDataset>(40), LoaderOptions{.batch_size = 2, .prefetch = prefetch});
    loader->start_epoch(0);
    ASSERT_TRUE(loader->next().has_value());
    loader.reset();
  }
  // ...also before reading any batch, and with the prefetch queue full.
  auto loader = std::make_unique<DataLoader>(std::make_shared<CountingDataset>(40),
                                             LoaderOptions{.batch_size = 2, .prefetch = 2});
  loader->start_epoch(0);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  loader.reset();
  SUCCEED();
}

TEST(DataLoader, NextBeforeStartEpochIsAnError) {
  DataLoader loader(counting(4), {.batch_size = 2});
  EXPECT_ERROR_CONTAINS(loader.next(), "call start_epoch first");
}

TEST(DataLoader, RejectsAnEmptyDataSetAndABatchSizeBelowOne) {
  EXPECT_ERROR_CONTAINS(DataLoader(counting(0), {}), "the data set is empty");
  EXPECT_ERROR_CONTAINS(DataLoader(counting(5), {.batch_size = 0}), "batch_size must be >= 1");
  EXPECT_ERROR_CONTAINS(DataLoader(nullptr, {}), "the data set is null");
}

}  // namespace
}  // namespace timbre::data
