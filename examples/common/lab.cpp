// examples/common/lab.cpp - the common ending of the training labs.
#include "examples/common/lab.h"

#include <cstdio>
#include <exception>

#include "layers/checkpoint.h"
#include "tensor/cuda_runtime_info.h"

namespace timbre::examples {

int run_lab(const std::string& program, const std::function<int()>& body) {
  // One line at a time even into a log file, so stdout and stderr (warnings, progress) interleave
  // in the order they happened.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  try {
    return body();
  } catch (const std::exception& error) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s: %s\n", program.c_str(), error.what());
    return 1;
  }
}

train::TrainOptions train_options(const CommonFlags& flags, const std::vector<std::string>& classes,
                                  const std::string& model_name, const data::InputRecipe& recipe) {
  train::TrainOptions options;
  options.epochs = flags.epochs;
  options.out_dir = flags.out;
  options.patience = flags.patience;
  options.resume = flags.resume;
  options.force_progress = flags.progress;
  options.classes = classes;
  options.seed = flags.seed;  // dropout masks re-seeded per epoch: resumed runs match
  options.metadata["model"] = model_name;
  for (const auto& [key, value] : recipe.to_metadata())
    options.metadata[key] = value;
  return options;
}

int evaluate_best(nn::Module& model, const train::ForwardFunction& forward,
                  data::DataLoader& loader, const std::vector<std::string>& classes,
                  const CommonFlags& flags, const train::TrainResult& result, bool song_level,
                  const std::string& part) {
  if (!result.best_checkpoint.empty()) {
    nn::load(model, result.best_checkpoint);
    std::printf("evaluating the best epoch (%lld) on %lld %s items\n",
                static_cast<long long>(result.history.best_epoch),
                static_cast<long long>(loader.size()), part.c_str());
  }
  const train::Predictions predictions = train::predict(model, forward, loader);
  train::evaluate_and_save(predictions, classes, flags.out, song_level);
  std::printf("wrote %s/metrics.json, confusion_matrix.svg/png, curves.svg/png\n",
              flags.out.c_str());
  const Device device = model.device();
  if (device.is_cuda()) {  // what the caching allocator held on the GPU during the run
    const cuda::MemoryStats stats = cuda::memory_stats(device.index);
    std::printf("GPU memory on %s: peak %s in use by tensors, %s cached\n", device.str().c_str(),
                cuda::format_bytes(stats.peak_bytes_in_use).c_str(),
                cuda::format_bytes(stats.bytes_cached).c_str());
  }
  return 0;
}

data::ClipList without_masked_copies(const data::ClipList& items) {
  std::vector<int64_t> kept;
  for (int64_t i = 0; i < items.size(); ++i) {
    if (items.clips[static_cast<size_t>(i)].path.find(".mask") == std::string::npos) {
      kept.push_back(i);
    }
  }
  return items.subset(kept);
}

}  // namespace timbre::examples
