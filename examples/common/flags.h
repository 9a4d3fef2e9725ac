// examples/common/flags.h - the flags every training example shares, so that a student who knows
// one lab knows how to drive all of them:
//
//   --data DIR        the data set (GTZAN in either layout, FMA small, ...); default: the
//                     synthetic GTZAN, generated once into the cache
//   --out DIR         where the run writes its checkpoints, history, pictures and metrics.json
//   --epochs N  --batch-size N  --lr RATE  --seed N
//   --device auto|cpu|cuda   --threads N (OpenMP threads; 0 = all cores)
//   --resume          continue the run in --out from its last checkpoint
//   --patience N      early stopping after N epochs without a better validation accuracy
//   --cache DIR       where preprocessed data and the synthetic set are kept
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace timbre::examples {

struct CommonFlags {
  std::string data;  // "" = the synthetic GTZAN
  std::string out;
  std::string cache;  // "" = default_cache_dir()
  int64_t epochs = 10;
  int64_t batch_size = 10;
  double learning_rate = 1e-3;
  uint64_t seed = 0;
  std::string device = "auto";
  int threads = 0;
  bool resume = false;
  int64_t patience = 0;
  bool progress = false;  // draw progress bars even when stderr is not a terminal
};

// Adds the common flags to `app`, with the values already in `flags` as defaults (so each example
// sets its report's defaults first, then calls this).
void add_common_flags(CLI::App& app, CommonFlags& flags);

// Applies --threads (OpenMP) and --seed (the default generator), and creates --out.
// Requires: flags.threads >= 0, flags.out non-empty.
void apply_common_flags(const CommonFlags& flags);

// The folder for caches: $TIMBRE_CACHE if set, else $XDG_CACHE_HOME/timbre, else
// $HOME/.cache/timbre, else ./timbre-cache.
std::string default_cache_dir();

}  // namespace timbre::examples
