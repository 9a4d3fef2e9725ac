// examples/common/flags.cpp - the shared flags of the training examples.
#include "examples/common/flags.h"

#include <omp.h>

#include <cstdlib>
#include <filesystem>

#include "tensor/error.h"
#include "tensor/generator.h"

namespace timbre::examples {

void add_common_flags(CLI::App& app, CommonFlags& flags) {
  app.add_option("--data", flags.data,
                 "data set folder (GTZAN Kaggle or marsyas layout, ...); default: the synthetic "
                 "GTZAN, generated once into the cache");
  app.add_option("--out", flags.out, "folder for checkpoints, history, pictures, metrics.json")
      ->capture_default_str();
  app.add_option("--cache", flags.cache,
                 "folder for the synthetic set and preprocessed data (default: $TIMBRE_CACHE, "
                 "else ~/.cache/timbre)");
  app.add_option("--epochs", flags.epochs, "training epochs")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--batch-size", flags.batch_size, "examples per batch")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--lr", flags.learning_rate, "learning rate")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", flags.seed, "seed of initialisation, shuffling and augmentation")
      ->capture_default_str();
  app.add_option("--device", flags.device,
                 "auto, cpu or cuda (auto: cuda when available, else cpu)")
      ->capture_default_str();
  app.add_option("--threads", flags.threads, "CPU threads (0: all cores)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--resume", flags.resume, "continue the run in --out from its last checkpoint");
  app.add_option("--patience", flags.patience,
                 "stop after this many epochs without a better validation accuracy (0: never)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--progress", flags.progress,
               "draw progress bars even when the output is not a terminal");
}

void apply_common_flags(const CommonFlags& flags) {
  TIMBRE_CHECK(flags.threads >= 0, "--threads must be >= 0, got ", flags.threads);
  TIMBRE_CHECK(!flags.out.empty(), "--out must name a folder");
  if (flags.threads > 0) omp_set_num_threads(flags.threads);
  manual_seed(flags.seed);
  std::error_code error;
  std::filesystem::create_directories(flags.out, error);
  TIMBRE_CHECK(!error, "cannot create the output folder ", flags.out, ": ", error.message());
}

std::string default_cache_dir() {
  if (const char* cache = std::getenv("TIMBRE_CACHE"); cache != nullptr && *cache != '\0') {
    return cache;
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/timbre";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.cache/timbre";
  }
  return "timbre-cache";
}

}  // namespace timbre::examples
