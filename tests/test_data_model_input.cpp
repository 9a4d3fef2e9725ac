// tests/test_data_model_input.cpp - data/model_input.h: the sliding windows of segment voting, the
// middle window, the input recipe a lab saves in its checkpoint (and reads back), the recipe of
// each registry model, and the inputs each recipe makes from a piece of audio.
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "audio/db.h"
#include "audio/feature_sets.h"
#include "audio/image.h"
#include "audio/mel.h"
#include "audio/render.h"
#include "data/model_input.h"
#include "data/standardize.h"
#include "layers/models/models.h"
#include "test_helpers.h"

using namespace timbre;
using timbre::testing::all_close;
using timbre::testing::random_uniform;

namespace {

using Metadata = std::vector<std::pair<std::string, std::string>>;

constexpr double kRate = 22050.0;

// A 440 Hz tone with a quieter 1.5 kHz partial: float32 [round(seconds * 22050)].
Tensor tone(double seconds) {
  const auto samples = static_cast<int64_t>(std::llround(seconds * kRate));
  std::vector<float> values(static_cast<size_t>(samples));
  for (int64_t n = 0; n < samples; ++n) {
    const double t = static_cast<double>(n) / kRate;
    values[static_cast<size_t>(n)] =
        static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * 440.0 * t) +
                           0.2 * std::sin(2 * std::numbers::pi * 1500.0 * t));
  }
  return from_vector(values, {samples});
}

// 0, 1, 2, ..., samples - 1 as float32, so a window's first value is its start.
Tensor counting(int64_t samples) {
  return arange(static_cast<double>(samples));
}

std::string value_of(const Metadata& metadata, const std::string& key) {
  for (const auto& [name, value] : metadata) {
    if (name == key) return value;
  }
  return "<missing>";
}

// ---- sliding_windows ----

TEST(SlidingWindows, TenSecondsInThreeSecondWindowsEverySecondGiveEight) {
  const Tensor y = counting(1000);  // 10 s at 100 Hz
  const std::vector<Tensor> windows = data::sliding_windows(y, 100.0, 3.0, 1.0);
  ASSERT_EQ(windows.size(), 8u);  // starts 0, 1, ..., 7 s: the last ends at 10 s
  for (size_t k = 0; k < windows.size(); ++k) {
    EXPECT_EQ(windows[k].sizes(), (Shape{300}));
    EXPECT_EQ(windows[k].narrow(0, 0, 1).item(), 100.0 * static_cast<double>(k));  // start
    EXPECT_EQ(windows[k].narrow(0, 299, 1).item(), 100.0 * static_cast<double>(k) + 299);
  }
}

TEST(SlidingWindows, LeaveOutAWindowThatWouldRunPastTheEnd) {
  const Tensor y = counting(1050);  // 10.5 s: a window starting at 8 s would end at 11 s
  EXPECT_EQ(data::sliding_windows(y, 100.0, 3.0, 1.0).size(), 8u);
}

TEST(SlidingWindows, AClipShorterThanOneWindowIsOneWindowOfTheWholeClip) {
  const Tensor y = counting(120);  // 1.2 s at 100 Hz, window 3 s
  const std::vector<Tensor> windows = data::sliding_windows(y, 100.0, 3.0, 1.0);
  ASSERT_EQ(windows.size(), 1u);
  EXPECT_TRUE(all_close(windows[0], y, 0.0, 0.0));
}

TEST(SlidingWindows, AClipOfExactlyOneWindowIsOneWindow) {
  EXPECT_EQ(data::sliding_windows(counting(300), 100.0, 3.0, 1.0).size(), 1u);
}

TEST(SlidingWindows, RejectsBadArguments) {
  EXPECT_ERROR_CONTAINS(data::sliding_windows(zeros({0}), 100.0, 3.0, 1.0), "non-empty");
  EXPECT_ERROR_CONTAINS(data::sliding_windows(zeros({2, 50}), 100.0, 3.0, 1.0), "1-d");
  EXPECT_ERROR_CONTAINS(data::sliding_windows(counting(100), 100.0, 0.0, 1.0), "must be > 0");
  EXPECT_ERROR_CONTAINS(data::sliding_windows(counting(100), 100.0, 3.0, -1.0), "must be > 0");
}

// ---- middle_window ----

TEST(MiddleWindow, KeepsTheSecondsAroundTheMiddle) {
  const Tensor y = counting(1000);  // 10 s at 100 Hz
  const Tensor middle = data::middle_window(y, 100.0, 4.0);
  ASSERT_EQ(middle.sizes(), (Shape{400}));
  EXPECT_EQ(middle.narrow(0, 0, 1).item(), 300.0);  // [3 s, 7 s): 3 s cut on each side
  EXPECT_EQ(middle.narrow(0, 399, 1).item(), 699.0);
}

TEST(MiddleWindow, AShortClipIsKeptWhole) {
  const Tensor y = counting(250);
  EXPECT_TRUE(all_close(data::middle_window(y, 100.0, 7.0), y, 0.0, 0.0));
}

TEST(MiddleWindow, RejectsBadArguments) {
  EXPECT_ERROR_CONTAINS(data::middle_window(zeros({2, 50}), 100.0, 1.0), "1-d");
  EXPECT_ERROR_CONTAINS(data::middle_window(counting(100), 100.0, 0.0), "must be > 0");
}

// ---- InputRecipe metadata ----

TEST(InputRecipe, MetadataRoundTripsEveryField) {
  data::InputRecipe recipe;
  recipe.kind = "image_features";
  recipe.image_kind = "scalogram";
  recipe.width = 128;
  recipe.height = 96;
  recipe.frames = 77;
  recipe.with_length = true;
  recipe.sample_rate = 16000;
  recipe.segment_seconds = 10.0;
  const Metadata metadata = recipe.to_metadata();
  EXPECT_EQ(value_of(metadata, "input"), "image_features");
  const data::InputRecipe back = data::InputRecipe::from_metadata(metadata);
  EXPECT_EQ(back.kind, recipe.kind);
  EXPECT_EQ(back.image_kind, recipe.image_kind);
  EXPECT_EQ(back.width, recipe.width);
  EXPECT_EQ(back.height, recipe.height);
  EXPECT_EQ(back.frames, recipe.frames);
  EXPECT_EQ(back.with_length, recipe.with_length);
  EXPECT_EQ(back.sample_rate, recipe.sample_rate);
  EXPECT_EQ(back.segment_seconds, recipe.segment_seconds);
}

TEST(InputRecipe, ClairvoyantWindowsKeepGtzansSegmentLengthThroughTheMetadata) {
  // 66149 / 22050 s is not a short decimal: what matters is that the window read back from the
  // metadata still holds exactly GTZAN's 66149 samples.
  const data::InputRecipe recipe = data::InputRecipe::default_for_model("clairvoyant_mlp");
  const data::InputRecipe back = data::InputRecipe::from_metadata(recipe.to_metadata());
  EXPECT_EQ(std::llround(back.segment_seconds * back.sample_rate), 66149);
  EXPECT_EQ(data::sliding_windows(zeros({100000}), back.sample_rate, back.segment_seconds, 1.0)
                .front()
                .size(0),
            66149);
}

TEST(InputRecipe, MissingKeysTakeTheDefaults) {
  const data::InputRecipe recipe = data::InputRecipe::from_metadata({{"input", "lstm33"}});
  const data::InputRecipe defaults;
  EXPECT_EQ(recipe.kind, "lstm33");
  EXPECT_EQ(recipe.width, defaults.width);
  EXPECT_EQ(recipe.frames, defaults.frames);
  EXPECT_EQ(recipe.sample_rate, 22050.0);
  EXPECT_EQ(recipe.segment_seconds, defaults.segment_seconds);
}

TEST(InputRecipe, MetadataWithoutInputIsAnError) {
  EXPECT_ERROR_CONTAINS(data::InputRecipe::from_metadata({{"model", "sutd_cnn"}}),
                        "no 'input' key");
}

TEST(InputRecipe, AMalformedNumberIsAnErrorNamingTheKey) {
  EXPECT_ERROR_CONTAINS(data::InputRecipe::from_metadata({{"input", "image"}, {"width", "4x"}}),
                        "'width' should be a number, got '4x'");
  EXPECT_ERROR_CONTAINS(
      data::InputRecipe::from_metadata({{"input", "image"}, {"segment_seconds", "-3"}}),
      "'segment_seconds' should be a positive number");
}

TEST(InputRecipe, AnUnknownInputIsAnErrorListingTheKinds) {
  EXPECT_ERROR_CONTAINS(data::InputRecipe::from_metadata({{"input", "waveform"}}),
                        "unknown input 'waveform'; known: image, lstm33, mel_segment");
}

// ---- default_for_model ----

TEST(InputRecipe, EveryRegistryModelHasADefaultRecipe) {
  for (const std::string& model : models::model_names()) {
    EXPECT_NO_THROW(data::InputRecipe::default_for_model(model)) << model;
  }
}

TEST(InputRecipe, DefaultsFollowTheReports) {
  for (const char* model : {"sutd_cnn", "sutd_cnn_wide"}) {
    const data::InputRecipe cnn = data::InputRecipe::default_for_model(model);
    EXPECT_EQ(cnn.kind, "image") << model;
    EXPECT_EQ(cnn.image_kind, "mel") << model;
    EXPECT_EQ(cnn.width, 432) << model;
    EXPECT_EQ(cnn.height, 288) << model;
    EXPECT_EQ(cnn.segment_seconds, 30.0) << model;
  }
  const data::InputRecipe lstm = data::InputRecipe::default_for_model("sutd_lstm");
  EXPECT_EQ(lstm.kind, "lstm33");
  EXPECT_EQ(lstm.frames, 128);
  EXPECT_EQ(lstm.segment_seconds, 3.0);
  const data::InputRecipe fma = data::InputRecipe::default_for_model("fma_cnn");
  EXPECT_EQ(fma.kind, "mel_segment");
  EXPECT_EQ(fma.frames, 130);
  EXPECT_EQ(fma.segment_seconds, 3.0);
  const data::InputRecipe mlp = data::InputRecipe::default_for_model("clairvoyant_mlp");
  EXPECT_EQ(mlp.kind, "features");
  EXPECT_TRUE(mlp.with_length);
  EXPECT_TRUE(mlp.needs_scaler());
  const data::InputRecipe hybrid = data::InputRecipe::default_for_model("uconn_hybrid");
  EXPECT_EQ(hybrid.kind, "image_features");
  EXPECT_EQ(hybrid.width, 128);
  EXPECT_EQ(hybrid.height, 128);
  EXPECT_FALSE(hybrid.with_length);
  EXPECT_EQ(hybrid.segment_seconds, 30.0);
  EXPECT_TRUE(hybrid.needs_scaler());
}

TEST(InputRecipe, AnUnknownModelHasNoRecipe) {
  EXPECT_ERROR_CONTAINS(data::InputRecipe::default_for_model("resnet50"),
                        "no input recipe for model 'resnet50'");
}

// ---- make_model_inputs ----

TEST(MakeModelInputs, ImageIsThePictureScaledToZeroOne) {
  data::InputRecipe recipe;  // a mel picture
  recipe.width = 64;
  recipe.height = 48;
  const Tensor y = tone(1.0);
  const std::vector<Tensor> inputs = data::make_model_inputs(recipe, y, nullptr);
  ASSERT_EQ(inputs.size(), 1u);
  EXPECT_EQ(inputs[0].sizes(), (Shape{3, 48, 64}));
  EXPECT_EQ(inputs[0].dtype(), kFloat32);
  EXPECT_GE(min(inputs[0]).item(), 0.0);
  EXPECT_LE(max(inputs[0]).item(), 1.0);
  audio::RenderOptions options;
  options.width = 64;
  options.height = 48;
  const Tensor expected =
      audio::image_to_tensor(audio::render(y, kRate, audio::ImageKind::Mel, options));
  EXPECT_TRUE(all_close(inputs[0], expected, 0.0, 0.0));
}

TEST(MakeModelInputs, Lstm33IsTheFirstFramesOfTheFeatures) {
  const data::InputRecipe recipe = data::InputRecipe::default_for_model("sutd_lstm");
  const Tensor y = tone(3.5);  // 151 frames, of which 128 are kept
  const std::vector<Tensor> inputs = data::make_model_inputs(recipe, y, nullptr);
  ASSERT_EQ(inputs.size(), 1u);
  EXPECT_EQ(inputs[0].sizes(), (Shape{128, 33}));
  EXPECT_EQ(inputs[0].dtype(), kFloat32);
  EXPECT_TRUE(all_close(inputs[0], audio::lstm33(y, kRate).to(kFloat32), 0.0, 0.0));
}

TEST(MakeModelInputs, MelSegmentIsPaddedForAShortClip) {
  const data::InputRecipe recipe = data::InputRecipe::default_for_model("fma_cnn");
  const Tensor y = tone(1.0);  // 1 + 22050 / 512 = 44 frames, padded to 130
  const std::vector<Tensor> inputs = data::make_model_inputs(recipe, y, nullptr);
  ASSERT_EQ(inputs.size(), 1u);
  EXPECT_EQ(inputs[0].sizes(), (Shape{1, 128, 130}));
  EXPECT_EQ(inputs[0].dtype(), kFloat32);
  const Tensor segment = inputs[0].select(0, 0);  // [128, 130]
  const double silence = min(segment.narrow(1, 0, 44)).item();
  EXPECT_TRUE(all_close(segment.narrow(1, 44, 130 - 44),
                        full({128, 130 - 44}, silence, {.dtype = kFloat32}), 0.0, 0.0));
}

TEST(MakeModelInputs, MelSegmentIsPowerToDbOfTheMelSpectrogramReferredToItsMax) {
  const Tensor y = tone(2.0);  // 87 frames, cut to 40
  const Tensor expected =
      audio::power_to_db(audio::melspectrogram(y, kRate), audio::RefMax{}).to(kFloat32);
  ASSERT_EQ(expected.sizes(), (Shape{128, 87}));
  const Tensor cut = data::mel_segment(y, kRate, 40);
  EXPECT_EQ(cut.sizes(), (Shape{1, 128, 40}));
  EXPECT_TRUE(all_close(cut.select(0, 0), expected.narrow(1, 0, 40), 0.0, 0.0));
  const Tensor padded = data::mel_segment(y, kRate, 100);
  EXPECT_TRUE(all_close(padded.select(0, 0).narrow(1, 0, 87), expected, 0.0, 0.0));
  EXPECT_ERROR_CONTAINS(data::mel_segment(y, kRate, 0), "frames must be >= 1");
}

TEST(MakeModelInputs, FeaturesNeedAScaler) {
  const data::InputRecipe recipe = data::InputRecipe::default_for_model("clairvoyant_mlp");
  EXPECT_ERROR_CONTAINS(data::make_model_inputs(recipe, tone(1.0), nullptr),
                        "needs the run's feature scaler");
  const data::StandardScaler unfitted;
  EXPECT_ERROR_CONTAINS(data::make_model_inputs(recipe, tone(1.0), &unfitted),
                        "needs the run's feature scaler");
}

TEST(MakeModelInputs, FeaturesWithLengthAreTheStandardisedFiftyEightValues) {
  const data::InputRecipe recipe = data::InputRecipe::default_for_model("clairvoyant_mlp");
  const Tensor y = tone(3.0);
  // A scaler of mean 0 and scale 1 leaves the values as computed, so they can be compared.
  data::StandardScaler identity;
  std::vector<double> rows(58, -1.0);  // row 0 all -1, row 1 all +1
  rows.resize(58 * 2, 1.0);
  identity.fit(from_vector(rows, {2, 58}));
  ASSERT_TRUE(all_close(identity.mean(), zeros({58}, {.dtype = kFloat64}), 0.0, 0.0));
  ASSERT_TRUE(all_close(identity.scale(), ones({58}, {.dtype = kFloat64}), 0.0, 0.0));
  const std::vector<Tensor> inputs = data::make_model_inputs(recipe, y, &identity);
  ASSERT_EQ(inputs.size(), 1u);
  EXPECT_EQ(inputs[0].sizes(), (Shape{58}));
  EXPECT_EQ(inputs[0].dtype(), kFloat32);
  const std::vector<double> values = inputs[0].to_vector<double>();
  EXPECT_EQ(values[0], static_cast<double>(y.size(0)));  // the `length` column first
  const audio::Gtzan57 expected = audio::gtzan57(y, kRate);
  for (size_t i = 0; i < 57; ++i) {
    EXPECT_NEAR(values[i + 1], expected.values[i], 1e-6 * (1.0 + std::fabs(expected.values[i])))
        << expected.names[i];
  }
}

TEST(MakeModelInputs, ImageFeaturesGiveThePictureAndFiftySevenValues) {
  const data::InputRecipe recipe = data::InputRecipe::default_for_model("uconn_hybrid");
  const Tensor y = tone(2.0);
  data::StandardScaler scaler;
  scaler.fit(random_uniform({4, 57}, 1, {.dtype = kFloat64}));
  const std::vector<Tensor> inputs = data::make_model_inputs(recipe, y, &scaler);
  ASSERT_EQ(inputs.size(), 2u);
  EXPECT_EQ(inputs[0].sizes(), (Shape{3, 128, 128}));
  EXPECT_EQ(inputs[1].sizes(), (Shape{57}));
  EXPECT_EQ(inputs[1].dtype(), kFloat32);
}

TEST(MakeModelInputs, AScalerOfTheWrongWidthIsAnError) {
  const data::InputRecipe recipe = data::InputRecipe::default_for_model("clairvoyant_mlp");
  data::StandardScaler scaler;
  scaler.fit(random_uniform({4, 57}, 1, {.dtype = kFloat64}));  // 57 columns, the recipe has 58
  EXPECT_ERROR_CONTAINS(data::make_model_inputs(recipe, tone(1.0), &scaler), "58");
}

TEST(MakeModelInputs, AnUnknownKindIsAnErrorListingTheKinds) {
  data::InputRecipe recipe;
  recipe.kind = "spectrum";
  EXPECT_ERROR_CONTAINS(data::make_model_inputs(recipe, tone(0.5), nullptr),
                        "unknown input 'spectrum'; known: image, lstm33, mel_segment, features");
}

}  // namespace
