// cli/preprocess_command.cpp - `timbre preprocess`: a data set's pictures or features, computed
// once into a cache folder that training then reads (data/preprocess.h).
//
//   timbre preprocess ~/datasets/GTZAN --kind mel --out cache/mel
//   timbre preprocess ~/datasets/fma --kind lstm33 --out cache/lstm33 --threads 2
//
// DATA is GTZAN (Kaggle or marsyas layout) or FMA (a folder holding fma_metadata/); the kinds
// are those of data::FeatureKind. Running it again reuses every file already made, so an
// interrupted run continues where it stopped.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "data/fma.h"
#include "data/gtzan.h"
#include "data/preprocess.h"
#include "tensor/error.h"

namespace timbre::cli {

namespace {

struct PreprocessCommandOptions {
  std::string data;
  std::string kind;
  std::string out;
  int threads = 0;
  uint64_t seed = 0;
  std::string size;  // WxH
  double segment_seconds = 0;
  int64_t max_frames = 128;
};

// GTZAN (either layout) or FMA, decided by what the folder holds.
data::ClipList load_data_set(const std::string& path) {
  const std::filesystem::path root(path);
  if (std::filesystem::is_directory(root / "fma_metadata") ||
      std::filesystem::is_directory(root.parent_path() / "fma_metadata")) {
    return data::load_fma(path);
  }
  return data::load_gtzan(path);
}

}  // namespace

void add_preprocess_command(CLI::App& app) {
  auto options = std::make_shared<PreprocessCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "preprocess", "A data set's pictures or features, computed once into a cache folder");
  command->add_option("data", options->data, "GTZAN (Kaggle or marsyas layout) or FMA folder")
      ->required();
  command
      ->add_option("--kind", options->kind,
                   "mel, spectrogram, mfcc, waveform, scalogram, splitmel, maskmel, lstm33, "
                   "gtzan57, melsegments")
      ->required();
  command->add_option("--out", options->out, "the cache folder")->required();
  command->add_option("--threads", options->threads, "worker threads (0: one per core)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--seed", options->seed, "seed of the maskmel masks");
  command->add_option("--size", options->size, "picture size WxH (default 432x288)");
  command->add_option("--segment-seconds", options->segment_seconds,
                      "gtzan57: 0 one row per clip (features_30_sec), 3 ten rows (features_3_sec)");
  command->add_option("--max-frames", options->max_frames, "lstm33: frames kept per clip (0: all)")
      ->check(CLI::NonNegativeNumber);
  command->callback([options] {
    data::PreprocessOptions preprocess;
    preprocess.kind = data::feature_kind_from_name(options->kind);
    preprocess.out_dir = options->out;
    preprocess.threads = options->threads;
    preprocess.seed = options->seed;
    preprocess.segment_seconds = options->segment_seconds;
    preprocess.max_frames = options->max_frames;
    if (!options->size.empty()) {
      int width = 0;
      int height = 0;
      char separator = 0;
      TIMBRE_CHECK(std::sscanf(options->size.c_str(), "%d%c%d", &width, &separator, &height) == 3 &&
                       (separator == 'x' || separator == 'X') && width > 0 && height > 0,
                   "--size should be WIDTHxHEIGHT such as 432x288, got '", options->size, "'");
      preprocess.width = width;
      preprocess.height = height;
    }
    const data::ClipList clips = load_data_set(options->data);
    const data::ClipList items = data::preprocess(clips, preprocess);
    std::printf("%lld items of kind %s in %s (listed in index.csv)\n",
                static_cast<long long>(items.size()),
                data::feature_kind_name(preprocess.kind).c_str(), options->out.c_str());
  });
}

}  // namespace timbre::cli
