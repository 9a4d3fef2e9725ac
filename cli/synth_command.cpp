// cli/synth_command.cpp - `timbre synth`: the synthetic GTZAN (data/synth.h) written in the
// Kaggle layout, so that every example and lab runs with no download.
//
//   timbre synth --out synthetic_gtzan                        100 clips x 10 genres, 30 s each
//   timbre synth --out small --clips-per-class 40 --no-features   audio and mel images only
//   timbre synth --out tiny --clips-per-class 2 --seconds 3 --seed 7 --threads 2
//
// Running it again with the same options does nothing (the files are cached); a missing file is
// made again. docs/synthetic.md describes the genres' recipes.
#include <cstdint>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "data/synth.h"
#include "timbre.h"

namespace timbre::cli {

namespace {

struct SynthCommandOptions {
  std::string out;
  int64_t clips_per_class = 100;
  double seconds = 30.0;
  uint64_t seed = 0;
  int threads = 0;
  bool no_images = false;
  bool no_features = false;
};

void run_synth(const SynthCommandOptions& command) {
  data::SynthOptions options;
  options.clips_per_class = command.clips_per_class;
  options.seconds = command.seconds;
  options.seed = command.seed;
  options.threads = command.threads;
  options.images = !command.no_images;
  options.features_30_sec = !command.no_features;
  options.features_3_sec = !command.no_features;
  options.progress = true;  // drawn when stderr is a terminal
  const data::SynthSummary summary = data::write_synthetic_gtzan(command.out, options);
  TIMBRE_CHECK(summary.failed == 0, "synth: ", summary.failed, " of ", summary.clips,
               " clips failed (see the warnings above); run the command again to retry them");
}

}  // namespace

void add_synth_command(CLI::App& app) {
  auto options = std::make_shared<SynthCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "synth", "Write a synthetic GTZAN (10 genre-like classes) in the Kaggle layout");
  command->footer(
      "Writes OUT/genres_original/<genre>/<genre>.000NN.wav (16-bit, 22050 Hz),\n"
      "OUT/images_original/<genre>/<genre>000NN.png (mel, 432x288), features_30_sec.csv,\n"
      "features_3_sec.csv and synth.json. The data set depends only on --seed, --clips-per-class\n"
      "and --seconds; running again with the same options reuses every existing file.");
  command->add_option("--out", options->out, "Output folder")->required();
  command->add_option("--clips-per-class", options->clips_per_class, "Clips per genre")
      ->default_val(100)
      ->check(CLI::Range(int64_t{1}, int64_t{100000}));
  command->add_option("--seconds", options->seconds, "Length of each clip in seconds")
      ->default_val(30.0)
      ->check(CLI::Range(0.1, 3600.0));
  command->add_option("--seed", options->seed, "Random seed of the whole data set")->default_val(0);
  command->add_option("--threads", options->threads, "Worker threads (0: one per core)")
      ->default_val(0)
      ->check(CLI::NonNegativeNumber);
  command->add_flag("--no-images", options->no_images, "Do not write images_original/");
  command->add_flag("--no-features", options->no_features,
                    "Do not write features_30_sec.csv and features_3_sec.csv");
  command->callback([options] { run_synth(*options); });
}

}  // namespace timbre::cli
