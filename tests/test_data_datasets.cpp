// tests/test_data_datasets.cpp - the concrete data sets (data/datasets.h), the augmentations
// (data/augment.h) and the StandardScaler (data/standardize.h): values, shapes, caching, the
// errors that name the file and the problem, reproducible random draws, hand-computed scaling.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "audio/image.h"
#include "audio/render.h"
#include "data/augment.h"
#include "data/datasets.h"
#include "data/standardize.h"
#include "layers/checkpoint.h"
#include "test_helpers.h"

namespace timbre::data {
namespace {

using timbre::testing::expect_same;
using timbre::testing::expect_tensor;
namespace fs = std::filesystem;

// A fresh folder per test, removed afterwards.
class DataFiles : public timbre::testing::FolderTest {
 protected:
  DataFiles() : FolderTest("timbre_datasets_") {}

  // A width x height picture whose pixel (x, y) channel c holds (x + 2 y + 50 c) % 256.
  std::string write_picture(const std::string& name, int width, int height) const {
    audio::Image image{width, height,
                       std::vector<uint8_t>(static_cast<size_t>(width * height * 3))};
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        for (int c = 0; c < 3; ++c)
          image.rgb[static_cast<size_t>((y * width + x) * 3 + c)] =
              static_cast<uint8_t>((x + 2 * y + 50 * c) % 256);
      }
    }
    audio::write_png(path(name), image);
    return path(name);
  }

  std::string write_array(const std::string& name, const Tensor& values) const {
    write_npy(path(name), values);
    return path(name);
  }
};

ClipList clips_of(const std::vector<std::string>& paths) {
  ClipList list{{"blues", "rock"}, {}};
  for (size_t i = 0; i < paths.size(); ++i)
    list.clips.push_back(Clip{paths[i], "song" + std::to_string(i), static_cast<int64_t>(i % 2)});
  return list;
}

// ---- ImageDataset -------------------------------------------------------------------------------

TEST_F(DataFiles, ImageDatasetGivesPixelsOverTwoHundredFiftyFive) {
  ImageDataset images(clips_of({write_picture("a.png", 3, 2)}));
  const Example example = images.get(0);
  ASSERT_EQ(example.inputs.size(), 1u);
  std::vector<double> expected;
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < 2; ++y) {
      for (int x = 0; x < 3; ++x)
        expected.push_back((x + 2 * y + 50 * c) / 255.0);
    }
  }
  expect_tensor(example.inputs[0], {3, 2, 3}, expected, 1e-7);
  EXPECT_EQ(example.inputs[0].dtype(), DType::Float32);
  EXPECT_EQ(example.label, 0);
  EXPECT_EQ(example.song, "song0");
}

TEST_F(DataFiles, ImageDatasetResizesEveryPictureToTheRequestedSize) {
  ImageDataset images(clips_of({write_picture("a.png", 8, 6), write_picture("b.png", 5, 9)}),
                      {.resize = std::pair{4, 3}});
  EXPECT_EQ(images.get(0).inputs[0].sizes(), (Shape{3, 3, 4}));
  EXPECT_EQ(images.get(1).inputs[0].sizes(), (Shape{3, 3, 4}));
  // The same numbers as resizing by hand.
  const audio::Image by_hand = audio::resize(audio::read_png(path("b.png")), 4, 3);
  expect_same(images.get(1).inputs[0], audio::image_to_tensor(by_hand), 0.0);
  EXPECT_EQ(images.image_size(), (std::pair{4, 3}));
}

TEST_F(DataFiles, ImageDatasetNamesTheFileAndBothSizesOfAPictureOfAnotherSize) {
  ImageDataset images(
      clips_of({write_picture("first.png", 4, 3), write_picture("wide.png", 5, 3)}));
  EXPECT_EQ(images.image_size(), (std::pair{4, 3}));
  EXPECT_ERROR_CONTAINS(images.get(1), path("wide.png") + " is 5x3 pixels");
  EXPECT_ERROR_CONTAINS(images.get(1), "are 4x3 (the size of " + path("first.png"));
}

TEST_F(DataFiles, ImageDatasetNamesAMissingOrCorruptFile) {
  std::ofstream(path("corrupt.png")) << "not a picture";
  ImageDataset images(
      clips_of({write_picture("a.png", 2, 2), path("missing.png"), path("corrupt.png")}));
  EXPECT_ERROR_CONTAINS(images.get(1), path("missing.png"));
  EXPECT_ERROR_CONTAINS(images.get(2), path("corrupt.png"));
  // The first picture is read at once, to learn the size.
  EXPECT_ERROR_CONTAINS(ImageDataset(clips_of({path("missing.png")})), path("missing.png"));
}

TEST_F(DataFiles, ImageDatasetCacheGivesIdenticalTensorsWithoutReadingAgain) {
  const ClipList clips = clips_of({write_picture("a.png", 6, 4), write_picture("b.png", 6, 4)});
  ImageDataset plain(clips);
  ImageDataset cached(clips, {.cache_in_memory = true});
  const Tensor first_read = cached.get(1).inputs[0];
  expect_same(first_read, plain.get(1).inputs[0], 0.0);
  fs::remove(path("b.png"));
  expect_same(cached.get(1).inputs[0], first_read, 0.0);  // from memory: the file is gone
  EXPECT_ERROR_CONTAINS(plain.get(1), path("b.png"));
}

TEST_F(DataFiles, ImageDatasetExamplesDoNotShareStorageWithTheCache) {
  ImageDataset cached(clips_of({write_picture("a.png", 3, 3)}), {.cache_in_memory = true});
  Tensor changed = cached.get(0).inputs[0];
  changed.data_ptr<float>()[0] = 42.0f;
  EXPECT_NE(cached.get(0).inputs[0].at({0, 0, 0}), 42.0);
}

TEST_F(DataFiles, ImageDatasetNormalisesEachChannel) {
  const ClipList clips = clips_of({write_picture("a.png", 3, 2)});
  const std::array<float, 3> mean{0.5f, 0.25f, 0.0f}, deviation{0.5f, 2.0f, 0.25f};
  ImageDataset plain(clips);
  ImageDataset normalised(clips, {.mean = mean, .standard_deviation = deviation});
  const std::vector<double> raw = plain.get(0).inputs[0].to_vector<double>();
  std::vector<double> expected;
  for (size_t i = 0; i < raw.size(); ++i) {
    const size_t channel = i / 6;
    expected.push_back((raw[i] - mean[channel]) / deviation[channel]);
  }
  expect_tensor(normalised.get(0).inputs[0], {3, 2, 3}, expected, 1e-6);
}

TEST_F(DataFiles, ImageDatasetRejectsHalfANormalisationAndAZeroDeviation) {
  const ClipList clips = clips_of({write_picture("a.png", 2, 2)});
  EXPECT_ERROR_CONTAINS(ImageDataset(clips, {.mean = std::array<float, 3>{0, 0, 0}}),
                        "give both mean and standard_deviation");
  EXPECT_ERROR_CONTAINS(ImageDataset(clips, {.mean = std::array<float, 3>{0, 0, 0},
                                             .standard_deviation = std::array<float, 3>{1, 0, 1}}),
                        "standard_deviation must be > 0");
}

// ---- ArrayDataset -------------------------------------------------------------------------------

TEST_F(DataFiles, ArrayDatasetGivesEachArrayAsFloat32) {
  const Tensor values = arange(12.0, {.dtype = DType::Float64}).reshape({4, 3});
  ArrayDataset arrays(clips_of({write_array("a.npy", values)}));
  const Example example = arrays.get(0);
  EXPECT_EQ(example.inputs[0].dtype(), DType::Float32);
  expect_same(example.inputs[0], values, 0.0);
  EXPECT_EQ(example.song, "song0");
  EXPECT_EQ(arrays.shape(), (Shape{4, 3}));
}

TEST_F(DataFiles, ArrayDatasetNamesTheFileAndBothShapesOfAnArrayOfAnotherShape) {
  const ClipList clips = clips_of(
      {write_array("good.npy", zeros({128, 33})), write_array("bad.npy", zeros({100, 33}))});
  ArrayDataset expected(clips, {.expected_shape = Shape{128, 33}});
  EXPECT_EQ(expected.get(0).inputs[0].sizes(), (Shape{128, 33}));
  EXPECT_ERROR_CONTAINS(expected.get(1),
                        path("bad.npy") + " has shape [100, 33] but [128, 33] was expected");
  // Without an expected shape, the first array's shape is the rule.
  ArrayDataset first_rules(clips);
  EXPECT_ERROR_CONTAINS(first_rules.get(1), "(the shape of the first clip's array)");
}

TEST_F(DataFiles, ArrayDatasetCacheGivesIdenticalTensorsWithoutReadingAgain) {
  const Tensor values = arange(6.0).reshape({2, 3});
  const ClipList clips = clips_of({write_array("a.npy", values), write_array("b.npy", values)});
  ArrayDataset cached(clips, {.cache_in_memory = true});
  expect_same(cached.get(1).inputs[0], values, 0.0);
  fs::remove(path("b.npy"));
  expect_same(cached.get(1).inputs[0], values, 0.0);
  EXPECT_ERROR_CONTAINS(ArrayDataset(clips).get(1), path("b.npy"));
}

// ---- TensorDataset, ZipDataset, SubsetDataset, match_by_song -----------------------------------

TEST(TensorDataset, GivesEachRowAsFloat32) {
  const Tensor rows = arange(6.0, {.dtype = DType::Float64}).reshape({2, 3});
  TensorDataset table(rows, {4, 7}, {"x", "y"});
  EXPECT_EQ(table.size(), 2);
  const Example second = table.get(1);
  EXPECT_EQ(second.inputs[0].dtype(), DType::Float32);
  expect_tensor(second.inputs[0], {3}, {3, 4, 5});
  EXPECT_EQ(second.label, 7);
  EXPECT_EQ(second.song, "y");
}

TEST(TensorDataset, NamesTheCountsThatDisagree) {
  EXPECT_ERROR_CONTAINS(TensorDataset(zeros({3, 2}), {0, 1}, {"a", "b", "c"}),
                        "3 rows of features but 2 labels");
  EXPECT_ERROR_CONTAINS(TensorDataset(zeros({3, 2}), {0, 1, 2}, {"a"}),
                        "3 rows of features but 1 songs");
  EXPECT_ERROR_CONTAINS(TensorDataset(zeros({3}), {0, 1, 2}, {"a", "b", "c"}), "2-d");
  EXPECT_ERROR_CONTAINS(TensorDataset(zeros({1, 2}), {0}, {"a"}).get(1), "out of range");
}

TEST(ZipDataset, GivesTheInputsOfBothInOrder) {
  auto first = std::make_shared<TensorDataset>(zeros({2, 3}), std::vector<int64_t>{0, 1},
                                               std::vector<std::string>{"a", "b"});
  auto second = std::make_shared<TensorDataset>(ones({2, 5}), std::vector<int64_t>{0, 1},
                                                std::vector<std::string>{"a", "b"});
  ZipDataset both(first, second);
  const Example example = both.get(1);
  ASSERT_EQ(example.inputs.size(), 2u);
  EXPECT_EQ(example.inputs[0].sizes(), (Shape{3}));
  EXPECT_EQ(example.inputs[1].sizes(), (Shape{5}));
  EXPECT_EQ(example.inputs[1].at({0}), 1.0);
  EXPECT_EQ(example.song, "b");
}

TEST(ZipDataset, NamesTheIndexAndBothSongsWhenTheyDisagree) {
  auto first =
      std::make_shared<TensorDataset>(zeros({2, 1}), std::vector<int64_t>{0, 1},
                                      std::vector<std::string>{"blues.00000", "rock.00001"});
  auto second =
      std::make_shared<TensorDataset>(zeros({2, 1}), std::vector<int64_t>{0, 1},
                                      std::vector<std::string>{"blues.00000", "rock.00002"});
  ZipDataset both(first, second);
  EXPECT_NO_THROW(both.get(0));
  EXPECT_ERROR_CONTAINS(both.get(1), "example 1 is song 'rock.00001'");
  EXPECT_ERROR_CONTAINS(both.get(1), "but song 'rock.00002' (label 1) in the second");
  auto shorter = std::make_shared<TensorDataset>(zeros({1, 1}), std::vector<int64_t>{0},
                                                 std::vector<std::string>{"blues.00000"});
  EXPECT_ERROR_CONTAINS(ZipDataset(first, shorter), "has 2 examples but the second has 1");
}

TEST(SubsetDataset, GivesTheExamplesAtItsIndicesInOrder) {
  auto table =
      std::make_shared<TensorDataset>(arange(4.0).reshape({4, 1}), std::vector<int64_t>{0, 1, 2, 3},
                                      std::vector<std::string>{"a", "b", "c", "d"});
  SubsetDataset subset(table, {3, 0, 3});
  EXPECT_EQ(subset.size(), 3);
  EXPECT_EQ(subset.get(0).song, "d");
  EXPECT_EQ(subset.get(1).song, "a");
  EXPECT_EQ(subset.get(2).inputs[0].at({0}), 3.0);
  EXPECT_ERROR_CONTAINS(SubsetDataset(table, {1, 4}), "index 4 (entry 1) is out of range");
}

TEST(MatchBySong, FindsTheRowOfEachSong) {
  EXPECT_EQ(match_by_song({"c", "a", "b"}, {"a", "b", "c", "unused"}),
            (std::vector<int64_t>{2, 0, 1}));
}

TEST(MatchBySong, NamesTheFirstMissingSongAndARepeatedOne) {
  EXPECT_ERROR_CONTAINS(match_by_song({"a", "blues00029", "zz"}, {"a", "b"}),
                        "song 'blues00029' (entry 1 of the first list) is not in the second");
  EXPECT_ERROR_CONTAINS(match_by_song({"a"}, {"a", "b", "a"}),
                        "song 'a' occurs twice in the second list (rows 0 and 2)");
}

TEST(MatchBySong, LinesUpAZipOfTwoDataSets) {
  auto images = std::make_shared<TensorDataset>(zeros({2, 1}), std::vector<int64_t>{1, 0},
                                                std::vector<std::string>{"rock.1", "blues.1"});
  auto features =
      std::make_shared<TensorDataset>(arange(3.0).reshape({3, 1}), std::vector<int64_t>{0, 0, 1},
                                      std::vector<std::string>{"blues.1", "blues.2", "rock.1"});
  auto aligned = std::make_shared<SubsetDataset>(
      features, match_by_song({"rock.1", "blues.1"}, {"blues.1", "blues.2", "rock.1"}));
  ZipDataset both(images, aligned);
  EXPECT_EQ(both.get(0).inputs[1].at({0}), 2.0);
  EXPECT_EQ(both.get(1).inputs[1].at({0}), 0.0);
}

// ---- augmentations ------------------------------------------------------------------------------

Example example_of(const Tensor& input) {
  return Example{{input}, 0, "song"};
}

TEST(TimeFrequencyMask, OnAMatrixEqualsSpecAugmentMaskWithTheSameSeed) {
  const Tensor mel =
      timbre::testing::random_uniform({20, 40}, 3, {.dtype = DType::Float64}, -80, 0);
  for (uint64_t seed = 0; seed < 5; ++seed) {
    Generator for_mask(seed), for_reference(seed);
    Example example = example_of(mel.clone());
    time_frequency_mask(0.5, 0.5)(example, for_mask);
    expect_same(example.inputs[0], audio::spec_augment_mask(mel, for_reference, 0.5, 0.5), 0.0);
  }
}

TEST(TimeFrequencyMask, SetsWholeColumnsAndRowsToEachChannelsMaximum) {
  // Channel c holds values in [10 c, 10 c + 1); its masked cells become exactly its maximum.
  const Tensor picture =
      timbre::testing::random_uniform({2, 6, 10}, 1, {}, 0, 1) +
      from_vector(std::vector<double>{0, 10}, {2, 1, 1}, {.dtype = DType::Float32});
  for (uint64_t seed = 0; seed < 10; ++seed) {
    Generator generator(seed);
    Example example = example_of(picture.clone());
    time_frequency_mask(0.3, 0.5, 2)(example, generator);
    // Replay the draws: per mask, width, column start, height, row start.
    Generator replay(seed);
    std::vector<bool> masked(6 * 10, false);
    for (int mask = 0; mask < 2; ++mask) {
      const auto columns = static_cast<int64_t>(replay.below(3 + 1));  // floor(0.3 * 10) = 3
      const auto column_start =
          static_cast<int64_t>(replay.below(static_cast<uint64_t>(10 - columns + 1)));
      const auto rows = static_cast<int64_t>(replay.below(3 + 1));  // floor(0.5 * 6) = 3
      const auto row_start =
          static_cast<int64_t>(replay.below(static_cast<uint64_t>(6 - rows + 1)));
      for (int64_t r = 0; r < 6; ++r) {
        for (int64_t t = 0; t < 10; ++t) {
          if ((t >= column_start && t < column_start + columns) ||
              (r >= row_start && r < row_start + rows))
            masked[static_cast<size_t>(r * 10 + t)] = true;
        }
      }
    }
    for (int64_t c = 0; c < 2; ++c) {
      const double maximum = picture.select(0, c).max().item();
      for (int64_t r = 0; r < 6; ++r) {
        for (int64_t t = 0; t < 10; ++t) {
          const double expected =
              masked[static_cast<size_t>(r * 10 + t)] ? maximum : picture.at({c, r, t});
          ASSERT_EQ(example.inputs[0].at({c, r, t}), expected)
              << "seed " << seed << " at " << c << "," << r << "," << t;
        }
      }
    }
  }
}

TEST(TimeFrequencyMask, DrawsFourNumbersPerMaskAndRepeatsForASeed) {
  const Tensor picture = timbre::testing::random_uniform({3, 8, 12}, 2, {});
  Generator first(7), second(7);
  Example a = example_of(picture.clone()), b = example_of(picture.clone());
  time_frequency_mask(0.25, 0.25, 3)(a, first);
  time_frequency_mask(0.25, 0.25, 3)(b, second);
  expect_same(a.inputs[0], b.inputs[0], 0.0);
  Generator reference(7);
  for (int draw = 0; draw < 4 * 3; ++draw)
    reference.next_u64();
  EXPECT_EQ(first.next_u64(), reference.next_u64());
}

TEST(TimeFrequencyMask, RejectsBadFractionsAndInputs) {
  EXPECT_ERROR_CONTAINS(time_frequency_mask(1.5, 0.3), "fractions must lie in [0, 1]");
  Generator generator(0);
  Example example = example_of(zeros({4}));
  EXPECT_ERROR_CONTAINS(time_frequency_mask()(example, generator), "got shape [4]");
}

TEST(RandomCrop, CutsAWindowOfTheLastAxisAtTheDrawnStart) {
  const Tensor picture = arange(60.0).reshape({2, 3, 10});
  for (uint64_t seed = 0; seed < 5; ++seed) {
    Generator generator(seed), replay(seed);
    Example example = example_of(picture);
    random_crop(4)(example, generator);
    const auto start = static_cast<int64_t>(replay.below(10 - 4 + 1));
    expect_same(example.inputs[0], picture.narrow(2, start, 4).contiguous(), 0.0);
    EXPECT_EQ(generator.next_u64(), replay.next_u64());  // exactly one draw
  }
  Generator generator(0);
  Example narrow = example_of(zeros({3, 3}));
  EXPECT_ERROR_CONTAINS(random_crop(4)(narrow, generator),
                        "cannot cut 4 columns from an input of shape [3, 3]");
}

TEST(RandomTimeWindow, CutsAWindowOfTheFirstAxisAtTheDrawnStart) {
  const Tensor sequence = arange(40.0).reshape({20, 2});
  Generator generator(11), replay(11);
  Example example = example_of(sequence);
  random_time_window(8)(example, generator);
  const auto start = static_cast<int64_t>(replay.below(20 - 8 + 1));
  expect_same(example.inputs[0], sequence.narrow(0, start, 8).contiguous(), 0.0);
  Example short_one = example_of(zeros({5, 2}));
  EXPECT_ERROR_CONTAINS(random_time_window(8)(short_one, generator), "cannot cut 8 frames");
}

TEST(Compose, AppliesEachInOrderFromOneGenerator) {
  const Tensor picture = timbre::testing::random_uniform({1, 6, 30}, 4, {});
  Generator composed_generator(5), separate_generator(5);
  Example composed = example_of(picture.clone()), separate = example_of(picture.clone());
  compose({random_crop(12), time_frequency_mask(0.5, 0.5)})(composed, composed_generator);
  random_crop(12)(separate, separate_generator);
  time_frequency_mask(0.5, 0.5)(separate, separate_generator);
  expect_same(composed.inputs[0], separate.inputs[0], 0.0);
  EXPECT_ERROR_CONTAINS(compose({random_crop(2), Augmentation()}), "augmentation 1 is empty");
}

// ---- StandardScaler -----------------------------------------------------------------------------

// Columns: 1 2 3 (mean 2, population std sqrt(2/3)); 10 20 60 (mean 30, variance
// (400 + 100 + 900) / 3); 5 5 5 (constant: scale 1, only shifted).
Tensor scaler_rows(DType dtype) {
  return from_vector(std::vector<double>{1, 10, 5, 2, 20, 5, 3, 60, 5}, {3, 3}, {.dtype = dtype});
}

TEST(StandardScaler, LearnsColumnMeansAndPopulationStandardDeviations) {
  StandardScaler scaler;
  scaler.fit(scaler_rows(DType::Float64));
  expect_tensor(scaler.mean(), {3}, {2, 30, 5}, 1e-12);
  expect_tensor(scaler.scale(), {3}, {std::sqrt(2.0 / 3.0), std::sqrt(1400.0 / 3.0), 1.0}, 1e-12);
}

TEST(StandardScaler, TransformGivesZeroMeanUnitDeviationInTheInputsDtype) {
  StandardScaler scaler;
  scaler.fit(scaler_rows(DType::Float32));
  const Tensor scaled = scaler.transform(scaler_rows(DType::Float32));
  EXPECT_EQ(scaled.dtype(), DType::Float32);
  const double a = std::sqrt(2.0 / 3.0), b = std::sqrt(1400.0 / 3.0);
  expect_tensor(scaled, {3, 3}, {-1 / a, -20 / b, 0, 0, -10 / b, 0, 1 / a, 30 / b, 0}, 1e-6);
  EXPECT_EQ(scaler.transform(scaler_rows(DType::Float64)).dtype(), DType::Float64);
}

TEST(StandardScaler, TreatsAColumnWithRoundingNoiseAsConstant) {
  // 0.1 + 0.2 != 0.3 in binary: a spread of one rounding error is no spread.
  StandardScaler scaler;
  scaler.fit(
      from_vector(std::vector<double>{0.1 + 0.2, 0.3, 0.3}, {3, 1}, {.dtype = DType::Float64}));
  EXPECT_EQ(scaler.scale().at({0}), 1.0);
}

TEST(StandardScaler, NamesBothColumnCountsAndRequiresFitting) {
  StandardScaler scaler;
  EXPECT_ERROR_CONTAINS(scaler.transform(zeros({2, 3})), "call fit (or load) first");
  scaler.fit(scaler_rows(DType::Float64));
  EXPECT_ERROR_CONTAINS(scaler.transform(zeros({2, 2})),
                        "the rows have 2 columns but the scaler was fitted on 3");
  EXPECT_ERROR_CONTAINS(scaler.fit(from_vector(std::vector<double>{1, NAN}, {1, 2})),
                        "the value at row 0, column 1 is nan");
}

TEST_F(DataFiles, StandardScalerSaveAndLoadRoundTrip) {
  StandardScaler scaler;
  scaler.fit(scaler_rows(DType::Float64));
  scaler.save(path("scaler.safetensors"));
  const StandardScaler loaded = StandardScaler::load(path("scaler.safetensors"));
  expect_same(loaded.mean(), scaler.mean(), 0.0);
  expect_same(loaded.scale(), scaler.scale(), 0.0);
  expect_same(loaded.transform(scaler_rows(DType::Float64)),
              scaler.transform(scaler_rows(DType::Float64)), 0.0);
}

TEST_F(DataFiles, StandardScalerLoadNamesTheFileAndWhatIsWrong) {
  nn::write_safetensors(path("half.safetensors"),
                        {{"mean", zeros({3}, {.dtype = DType::Float64})}});
  EXPECT_ERROR_CONTAINS(StandardScaler::load(path("half.safetensors")),
                        path("half.safetensors") + " lacks the tensor 'scale'");
  nn::write_safetensors(path("zero.safetensors"),
                        {{"mean", zeros({2}, {.dtype = DType::Float64})},
                         {"scale", zeros({2}, {.dtype = DType::Float64})}});
  EXPECT_ERROR_CONTAINS(StandardScaler::load(path("zero.safetensors")), "holds the scale 0");
  EXPECT_ERROR_CONTAINS(StandardScaler::load(path("missing.safetensors")), "missing.safetensors");
}

}  // namespace
}  // namespace timbre::data
