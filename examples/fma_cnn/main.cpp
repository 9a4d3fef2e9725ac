// examples/fma_cnn - Lab 5: the CNN of the 2018 FMA slides (reports.md section 3) on 3-second
// mel-spectrogram segments of FMA small.
//
//   clip (30 s) -> ten 3-s segments -> power_to_db(mel 128 x 130 frames, ref=max) [1, 128, 130]
//   3 x (Conv 3x3 + ReLU + MaxPool 2) (16, 32, 64 filters) -> Dense 128 -> 8 logits
//   SGD (momentum 0.9) with L2 regularisation (weight decay 5e-4), cross-entropy, split 7:2:1
//   by SONG (the ten segments of a clip stay together), song accuracy by summed probabilities
//
// --data points at FMA small (fma_small/ + fma_metadata/tracks.csv). Without it the lab runs on
// eight genres of the synthetic GTZAN as a stand-in (FMA cannot be generated), which exercises
// the same pipeline.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "data/datasets.h"
#include "data/fma.h"
#include "data/loader.h"
#include "data/split.h"
#include "examples/common/data_source.h"
#include "examples/common/device.h"
#include "examples/common/flags.h"
#include "examples/common/lab.h"
#include "layers/models/fma_cnn.h"
#include "layers/models/models.h"
#include "layers/optim.h"
#include "train/trainer.h"

using namespace timbre;

namespace {

struct LabOptions {
  double momentum = 0.9;
  double weight_decay = 5e-4;  // the L2 regularisation
  examples::SyntheticSize synthetic{.clips_per_class = 40, .seconds = 30.0};
};

int run(const examples::CommonFlags& flags, const LabOptions& lab) {
  examples::apply_common_flags(flags);
  const Device device = examples::select_device(flags.device);

  // 1. The clips: FMA small, or eight synthetic genres; split 7:2:1 by song.
  const data::ClipList clips =
      // Eight classes, as FMA small has: the synthetic stand-in keeps the first eight genres.
      flags.data.empty()
          ? examples::load_gtzan_clips(flags, lab.synthetic)
                .with_classes({data::gtzan_genres().begin(), data::gtzan_genres().begin() + 8})
          : data::load_fma(flags.data);
  TIMBRE_CHECK(clips.classes.size() == 8, "fma_cnn has 8 outputs but the data have ",
               clips.classes.size(), " classes");
  const data::Split split = examples::make_split("stratified", clips, {0.7, 0.2, 0.1}, flags.seed);

  // 2. Mel segments, computed once into the cache: ten [1, 128, 130] arrays per clip.
  data::PreprocessOptions segment_options;
  segment_options.kind = data::FeatureKind::MelSegments;
  const data::ClipList segments =
      examples::preprocess_cached(clips, flags, lab.synthetic, segment_options, "melsegments");
  auto part = [&](const std::vector<int64_t>& indices) {
    data::ArrayOptions options;
    options.expected_shape = Shape{1, 128, 130};
    options.cache_in_memory = true;
    return std::make_shared<data::ArrayDataset>(
        examples::items_of_songs(segments, clips.subset(indices)), options);
  };
  data::DataLoader train_loader(
      part(split.train), {.batch_size = flags.batch_size, .shuffle = true, .seed = flags.seed});
  data::DataLoader validation_loader(part(split.validation),
                                     {.batch_size = flags.batch_size, .shuffle = false});
  data::DataLoader test_loader(part(split.test),
                               {.batch_size = flags.batch_size, .shuffle = false});

  // 3. The CNN, trained by SGD with momentum and L2 weight decay.
  auto model = std::make_shared<models::FmaCnn>();
  model->to(device);
  nn::SGD optimizer(model->parameters(), flags.learning_rate, lab.momentum, 0.0, lab.weight_decay);
  std::printf("model: fma_cnn, %s parameters, SGD momentum %g, weight decay %g\n",
              models::with_thousands(model->parameter_count()).c_str(), lab.momentum,
              lab.weight_decay);
  const train::ForwardFunction forward = [](nn::Module& network, const data::Batch& batch) {
    return network.forward(batch.inputs[0]);  // [N, 1, 128, 130] -> logits [N, 8]
  };
  const train::TrainOptions options = examples::train_options(
      flags, clips.classes, "fma_cnn", data::InputRecipe::default_for_model("fma_cnn"));
  const train::TrainResult result =
      train::fit(*model, optimizer, forward, train_loader, &validation_loader, options);
  // 4. The best epoch on the test songs, per segment and per song.
  return examples::evaluate_best(*model, forward, test_loader, clips.classes, flags, result,
                                 /*song_level=*/true, "test");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fma_cnn - a CNN on 3-s mel segments of FMA small (Lab 5)"};
  examples::CommonFlags flags;
  flags.out = "runs/fma_cnn";
  flags.epochs = 20;
  flags.batch_size = 32;
  flags.learning_rate = 0.01;
  flags.seed = 0;
  LabOptions lab;
  examples::add_common_flags(app, flags);
  app.add_option("--momentum", lab.momentum, "SGD momentum")->capture_default_str();
  app.add_option("--weight-decay", lab.weight_decay, "L2 regularisation")->capture_default_str();
  examples::add_synthetic_flags(app, lab.synthetic);
  CLI11_PARSE(app, argc, argv);
  return examples::run_lab("fma_cnn", [&] { return run(flags, lab); });
}
