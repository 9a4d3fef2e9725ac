// data/model_input.cpp - input recipes, segment windows.
#include "data/model_input.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "audio/db.h"
#include "audio/feature_sets.h"
#include "audio/image.h"
#include "audio/mel.h"
#include "audio/render.h"
#include "autograd/ops.h"
#include "tensor/error.h"
#include "tensor/factories.h"

namespace timbre::data {

namespace {

const std::vector<std::string>& recipe_kinds() {
  static const std::vector<std::string> kinds = {"image", "lstm33", "mel_segment", "features",
                                                 "image_features"};
  return kinds;
}

std::string value_of(const std::vector<std::pair<std::string, std::string>>& meta,
                     const std::string& key) {
  for (const auto& [name, value] : meta) {
    if (name == key) return value;
  }
  return "";
}

template <typename Number>
Number number_of(const std::vector<std::pair<std::string, std::string>>& meta,
                 const std::string& key, Number fallback) {
  const std::string text = value_of(meta, key);
  if (text.empty()) return fallback;
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  TIMBRE_CHECK(error == std::errc() && end == text.data() + text.size(), "input recipe: metadata '",
               key, "' should be a number, got '", text, "'");
  return value;
}

// The shortest decimal text that reads back as exactly `value` (66149 / 22050 -> 2.99995464...).
std::string shortest_text(double value) {
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof(text), value);
  return std::string(text, end);
}

// The picture of y as a float32 [3, height, width] tensor, pixel / 255.
Tensor picture(const InputRecipe& recipe, const Tensor& y) {
  audio::RenderOptions options;
  options.width = recipe.width;
  options.height = recipe.height;
  return audio::image_to_tensor(audio::render(
      y, recipe.sample_rate, audio::image_kind_from_name(recipe.image_kind), options));
}

// The 57 GTZAN values (the sample count first when asked), standardised: float32 [57 or 58].
Tensor standardised_features(const InputRecipe& recipe, const Tensor& y,
                             const StandardScaler* scaler) {
  TIMBRE_CHECK(scaler != nullptr && scaler->fitted(), "input recipe '", recipe.kind,
               "' needs the run's feature scaler (scaler.safetensors beside the weights)");
  std::vector<double> row;
  if (recipe.with_length) row.push_back(static_cast<double>(y.size(0)));
  const audio::Gtzan57 values = audio::gtzan57(y, recipe.sample_rate);
  row.insert(row.end(), values.values.begin(), values.values.end());
  const Tensor rows = from_vector(row, {1, static_cast<int64_t>(row.size())});
  return scaler->transform(rows).select(0, 0).to(kFloat32).contiguous();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> InputRecipe::to_metadata() const {
  return {{"input", kind},
          {"image_kind", image_kind},
          {"width", std::to_string(width)},
          {"height", std::to_string(height)},
          {"frames", std::to_string(frames)},
          {"with_length", with_length ? "1" : "0"},
          {"sample_rate", std::to_string(static_cast<int64_t>(sample_rate))},
          {"segment_seconds", shortest_text(segment_seconds)}};
}

InputRecipe InputRecipe::from_metadata(
    const std::vector<std::pair<std::string, std::string>>& meta) {
  InputRecipe recipe;
  recipe.kind = value_of(meta, "input");
  TIMBRE_CHECK(!recipe.kind.empty(),
               "input recipe: the metadata has no 'input' key (was the checkpoint written by a "
               "timbre example?)");
  TIMBRE_CHECK(
      std::find(recipe_kinds().begin(), recipe_kinds().end(), recipe.kind) != recipe_kinds().end(),
      "input recipe: unknown input '", recipe.kind,
      "'; known: image, lstm33, mel_segment, features, image_features");
  if (const std::string kind = value_of(meta, "image_kind"); !kind.empty()) {
    recipe.image_kind = kind;
  }
  recipe.width = number_of<int>(meta, "width", recipe.width);
  recipe.height = number_of<int>(meta, "height", recipe.height);
  recipe.frames = number_of<int64_t>(meta, "frames", recipe.frames);
  recipe.with_length = number_of<int>(meta, "with_length", 0) != 0;
  recipe.sample_rate = static_cast<double>(number_of<int64_t>(meta, "sample_rate", 22050));
  recipe.segment_seconds = number_of<double>(meta, "segment_seconds", recipe.segment_seconds);
  TIMBRE_CHECK(recipe.segment_seconds > 0,
               "input recipe: metadata 'segment_seconds' should be a positive number, got ",
               recipe.segment_seconds);
  return recipe;
}

InputRecipe InputRecipe::default_for_model(const std::string& model) {
  InputRecipe recipe;
  if (model == "sutd_cnn" || model == "sutd_cnn_wide") {
    recipe.segment_seconds = 30.0;
  } else if (model == "sutd_lstm") {
    recipe.kind = "lstm33";
  } else if (model == "fma_cnn") {
    recipe.kind = "mel_segment";
    recipe.frames = 130;
  } else if (model == "clairvoyant_mlp") {
    recipe.kind = "features";
    recipe.with_length = true;
    // GTZAN's 3-s pieces hold 66149 samples (features_3_sec.csv's `length`), one less than
    // round(3 * 22050): windows of exactly that length give the same constant column.
    recipe.segment_seconds = 66149.0 / 22050.0;
  } else if (model == "uconn_hybrid") {
    recipe.kind = "image_features";
    recipe.width = 128;
    recipe.height = 128;
    recipe.segment_seconds = 30.0;
  } else {
    TIMBRE_CHECK(false, "no input recipe for model '", model, "'");
  }
  return recipe;
}

Tensor mel_segment(const Tensor& y, double sample_rate, int64_t frames) {
  TIMBRE_CHECK(frames >= 1, "mel_segment: frames must be >= 1, got ", frames);
  const Tensor mel = audio::melspectrogram(y, sample_rate);  // [128, 1 + samples / 512]
  const Tensor decibels = audio::power_to_db(mel, audio::RefMax{}).to(kFloat32);
  const int64_t have = decibels.size(1);
  Tensor result;
  if (have >= frames) {
    result = decibels.narrow(1, 0, frames).contiguous();
  } else {
    const double silence = min(decibels).item();
    const Tensor padding = full({decibels.size(0), frames - have}, silence, {.dtype = kFloat32});
    result = concat({decibels, padding}, 1);
  }
  return result.reshape({1, result.size(0), frames});
}

std::vector<Tensor> make_model_inputs(const InputRecipe& recipe, const Tensor& y,
                                      const StandardScaler* scaler) {
  if (recipe.kind == "image") return {picture(recipe, y)};
  if (recipe.kind == "lstm33") {
    return {audio::lstm33(y, recipe.sample_rate, audio::PadMode::Constant, recipe.frames)
                .to(kFloat32)
                .contiguous()};
  }
  if (recipe.kind == "mel_segment") return {mel_segment(y, recipe.sample_rate, recipe.frames)};
  if (recipe.kind == "features") return {standardised_features(recipe, y, scaler)};
  if (recipe.kind == "image_features") {
    return {picture(recipe, y), standardised_features(recipe, y, scaler)};
  }
  TIMBRE_CHECK(false, "input recipe: unknown input '", recipe.kind,
               "'; known: image, lstm33, mel_segment, features, image_features");
  return {};
}

std::vector<Tensor> sliding_windows(const Tensor& y, double sample_rate, double window_seconds,
                                    double hop_seconds) {
  TIMBRE_CHECK(y.dim() == 1 && y.size(0) >= 1, "sliding_windows: y must be 1-d and non-empty");
  TIMBRE_CHECK(window_seconds > 0 && hop_seconds > 0 && sample_rate > 0,
               "sliding_windows: window, hop and sample rate must be > 0");
  const auto window = static_cast<int64_t>(std::llround(window_seconds * sample_rate));
  const auto hop = std::max<int64_t>(1, std::llround(hop_seconds * sample_rate));
  const int64_t samples = y.size(0);
  if (samples <= window) return {y.contiguous()};
  std::vector<Tensor> windows;
  for (int64_t start = 0; start + window <= samples; start += hop) {
    windows.push_back(y.narrow(0, start, window).contiguous());
  }
  return windows;
}

Tensor middle_window(const Tensor& y, double sample_rate, double seconds) {
  TIMBRE_CHECK(y.dim() == 1, "middle_window: y must be 1-d");
  TIMBRE_CHECK(seconds > 0 && sample_rate > 0,
               "middle_window: seconds and sample rate must be > 0");
  const auto length = static_cast<int64_t>(std::llround(seconds * sample_rate));
  if (y.size(0) <= length) return y.contiguous();
  return y.narrow(0, (y.size(0) - length) / 2, length).contiguous();
}

}  // namespace timbre::data
