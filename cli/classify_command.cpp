// cli/classify_command.cpp - `timbre classify`: the genre of whole songs by segment voting
// (Chourdakis, report 4): cut the song into windows, classify each, and combine.
//
//   timbre classify --weights runs/gtzan_cnn/best.safetensors song.wav other.mp3
//   timbre classify --model fma_cnn --weights w.safetensors --window middle:7 song.mp3
//
// Each window (by default as long as one training example: the weights' "segment_seconds",
// every --hop seconds) goes through the same input recipe as the training data (the weights'
// metadata, data/model_input.h), the model gives probabilities (softmax of its logits), and the
// song's genre is the argmax of the SUMMED probabilities (--vote: the most frequent window
// decision). One JSON line per song, as the report's web service answered:
//   {"status":"success","message":"rock","duration":0.41,"file":"song.wav","windows":28,
//    "probabilities":{"blues":0.01,...}}
// where "duration" is the seconds classification took. A song that fails gives
// {"status":"error","message":"<why>","file":...} and the exit status 1 at the end.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "audio/decode.h"
#include "cli/commands.h"
#include "data/dataset.h"
#include "data/model_input.h"
#include "examples/common/device.h"
#include "layers/checkpoint.h"
#include "layers/json.h"
#include "layers/models/models.h"
#include "timbre.h"

namespace timbre::cli {

namespace {

struct ClassifyOptions {
  std::string model;  // "" = the weights' "model" metadata
  std::string weights;
  std::string scaler;  // "" = scaler.safetensors beside the weights, when the recipe needs one
  std::vector<std::string> songs;
  std::string window = "all";  // all, or middle:SECONDS
  double segment_seconds = 0;  // 0 = the weights' segment_seconds
  double hop_seconds = 1.0;
  bool vote = false;
  int64_t batch_size = 16;
  std::string device = "auto";
};

std::string metadata_value(const nn::Metadata& metadata, const std::string& key) {
  const auto found = metadata.find(key);
  return found == metadata.end() ? "" : found->second;
}

// The class names of the weights' metadata: "classes" holds a JSON array (train::fit writes it).
std::vector<std::string> class_names(const nn::Metadata& metadata, const std::string& weights) {
  const std::string text = metadata_value(metadata, "classes");
  if (text.empty()) return {};
  const nn::JsonValue names = nn::parse_json(text, weights + " metadata 'classes'");
  TIMBRE_CHECK(names.kind == nn::JsonValue::Kind::Array, weights,
               ": metadata 'classes' should be a JSON array of names");
  std::vector<std::string> classes;
  for (const nn::JsonValue& name : names.items)
    classes.push_back(name.string);
  return classes;
}

// Everything that stays the same from song to song: the model, its classes, the recipe.
struct Classifier {
  std::shared_ptr<nn::Module> model;
  std::vector<std::string> classes;
  data::InputRecipe recipe;
  data::StandardScaler scaler;
};

Classifier load_classifier(const ClassifyOptions& options) {
  const nn::Metadata metadata = nn::read_safetensors_metadata(options.weights);
  Classifier classifier;
  std::string model_name = metadata_value(metadata, "model");
  if (!options.model.empty()) {
    TIMBRE_CHECK(model_name.empty() || model_name == options.model, options.weights, " holds a ",
                 model_name, ", not a ", options.model, " (leave out --model)");
    model_name = options.model;
  }
  TIMBRE_CHECK(!model_name.empty(), options.weights,
               " does not say which model it holds; give --model NAME (",
               "see `timbre info` for the names)");
  classifier.model = models::make_model(model_name);
  nn::load(*classifier.model, options.weights);
  classifier.model->eval();
  // stdout is the JSON; the device line goes to stderr.
  classifier.model->to(examples::select_device(options.device, stderr));

  const std::vector<std::pair<std::string, std::string>> pairs(metadata.begin(), metadata.end());
  classifier.recipe = metadata_value(metadata, "input").empty()
                          ? data::InputRecipe::default_for_model(model_name)
                          : data::InputRecipe::from_metadata(pairs);
  if (classifier.recipe.needs_scaler()) {
    std::string scaler = options.scaler;
    if (scaler.empty()) {
      const size_t slash = options.weights.find_last_of('/');
      scaler = (slash == std::string::npos ? std::string(".") : options.weights.substr(0, slash)) +
               "/scaler.safetensors";
    }
    classifier.scaler = data::StandardScaler::load(scaler);
  }
  classifier.classes = class_names(metadata, options.weights);
  if (classifier.classes.empty() && model_name != "sutd_lstm" && model_name != "fma_cnn") {
    classifier.classes = data::gtzan_genres();  // untrained weights: GTZAN's ten genres
  }
  return classifier;
}

// Classifies one song; returns its JSON line.
std::string classify_song(Classifier& classifier, const std::string& song,
                          const ClassifyOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const data::InputRecipe& recipe = classifier.recipe;
  audio::LoadOptions load;
  load.sample_rate = static_cast<int>(recipe.sample_rate);
  Tensor y = audio::load_audio(song, load);  // [samples] float32
  if (options.window != "all") {
    const double seconds = std::strtod(options.window.substr(7).c_str(), nullptr);
    y = data::middle_window(y, recipe.sample_rate, seconds);
  }
  const double segment =
      options.segment_seconds > 0 ? options.segment_seconds : recipe.segment_seconds;
  const std::vector<Tensor> windows =
      data::sliding_windows(y, recipe.sample_rate, segment, options.hop_seconds);

  // Probabilities of every window, batch by batch: [windows, classes].
  const data::StandardScaler* scaler = recipe.needs_scaler() ? &classifier.scaler : nullptr;
  std::vector<Tensor> probabilities;
  NoGradGuard no_grad;
  for (size_t begin = 0; begin < windows.size(); begin += options.batch_size) {
    const size_t end = std::min(windows.size(), begin + options.batch_size);
    std::vector<std::vector<Tensor>> columns;
    for (size_t w = begin; w < end; ++w) {
      const std::vector<Tensor> inputs = data::make_model_inputs(recipe, windows[w], scaler);
      columns.resize(inputs.size());
      for (size_t k = 0; k < inputs.size(); ++k)
        columns[k].push_back(inputs[k]);
    }
    std::vector<Tensor> batch;
    for (const std::vector<Tensor>& column : columns)
      batch.push_back(stack(column, 0));
    probabilities.push_back(softmax(models::forward_batch_first(*classifier.model, batch), 1));
  }
  const Tensor window_probabilities =
      concat(probabilities, 0).to(Device::cpu()).to(kFloat64).contiguous();
  const int64_t count = window_probabilities.size(0);
  const int64_t classes = window_probabilities.size(1);
  if (classifier.classes.empty()) {
    for (int64_t c = 0; c < classes; ++c)
      classifier.classes.push_back("class" + std::to_string(c));
  }
  TIMBRE_CHECK(static_cast<int64_t>(classifier.classes.size()) == classes, options.weights,
               " names ", classifier.classes.size(), " classes but the model gives ", classes);

  // Summed probabilities (the song's distribution) and the per-window votes.
  const double* p = window_probabilities.data_ptr<double>();
  std::vector<double> mean(classes, 0.0);
  std::vector<int64_t> votes(classes, 0);
  for (int64_t w = 0; w < count; ++w) {
    int64_t best = 0;
    for (int64_t c = 0; c < classes; ++c) {
      mean[c] += p[w * classes + c] / static_cast<double>(count);
      if (p[w * classes + c] > p[w * classes + best]) best = c;
    }
    ++votes[best];
  }
  int64_t genre = 0;
  for (int64_t c = 1; c < classes; ++c) {
    const bool better = options.vote ? (votes[c] > votes[genre] ||
                                        (votes[c] == votes[genre] && mean[c] > mean[genre]))
                                     : mean[c] > mean[genre];
    if (better) genre = c;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::string line =
      "{\"status\":\"success\",\"message\":" + nn::json_string(classifier.classes[genre]);
  char number[64];
  std::snprintf(number, sizeof(number), "%.3f", seconds);
  line += ",\"duration\":" + std::string(number) + ",\"file\":" + nn::json_string(song) +
          ",\"windows\":" + std::to_string(count) + ",\"probabilities\":{";
  for (int64_t c = 0; c < classes; ++c) {
    std::snprintf(number, sizeof(number), "%.6f", mean[c]);
    line += (c > 0 ? "," : "") + nn::json_string(classifier.classes[c]) + ":" + number;
  }
  return line + "}}";
}

}  // namespace

void add_classify_command(CLI::App& app) {
  auto options = std::make_shared<ClassifyOptions>();
  CLI::App* command = app.add_subcommand(
      "classify", "The genre of whole songs: windows classified and combined (JSON per song)");
  command->add_option("songs", options->songs, "audio files (wav, au, flac, ogg, mp3)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--weights", options->weights, "a trained model (.safetensors)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--model", options->model, "model name (default: the one the weights name)");
  command->add_option("--scaler", options->scaler,
                      "feature scaler (default: scaler.safetensors beside the weights)");
  command
      ->add_option("--window", options->window,
                   "all, or middle:SECONDS to classify only that much around the middle")
      ->capture_default_str()
      ->check([](const std::string& text) {
        if (text == "all") return std::string();
        if (text.rfind("middle:", 0) == 0 && std::strtod(text.c_str() + 7, nullptr) > 0) {
          return std::string();
        }
        return "expected all or middle:SECONDS (e.g. middle:7), got " + text;
      });
  command
      ->add_option("--segment", options->segment_seconds,
                   "window length in seconds (default: the training examples' length)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--device", options->device,
                      "cpu, cuda, cuda:N or auto (cuda when a GPU is usable; the default)");
  command->add_option("--hop", options->hop_seconds, "seconds between window starts")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->add_flag("--vote", options->vote,
                    "majority vote of the windows instead of summed probabilities");
  command->callback([options] {
    Classifier classifier = load_classifier(*options);
    bool all_succeeded = true;
    for (const std::string& song : options->songs) {
      std::string line;
      try {
        line = classify_song(classifier, song, *options);
      } catch (const std::exception& error) {
        line = "{\"status\":\"error\",\"message\":" + nn::json_string(error.what()) +
               ",\"file\":" + nn::json_string(song) + "}";
        all_succeeded = false;
      }
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    }
    TIMBRE_CHECK(all_succeeded, "some songs could not be classified (see their JSON lines)");
  });
}

}  // namespace timbre::cli
