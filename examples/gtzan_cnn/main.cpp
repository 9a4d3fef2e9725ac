// examples/gtzan_cnn - Lab 1: the SUTD 50.039 "Basic CNN" (reports.md section 1) learns music
// genres from pictures of spectrograms.
//
//   clips (30 s, 22050 Hz)  --preprocess-->  pictures [3, 288, 432], pixel / 255
//   conv1 5x5 (3 -> 6) + ReLU + max-pool 2  ->  conv2 3x3 (6 -> 16) + ReLU + max-pool 2
//   -> flatten 118,720 -> fc1 120 (or 1024) -> fc2 84 (or 108) -> fc3 10 logits
//   loss: cross-entropy (log_softmax + NLL, as the report), Adam lr 1e-3, batch 10, seed 30
//
// With no arguments it builds the synthetic GTZAN (cached), renders the mel pictures (cached)
// and trains on the SUTD split (per genre the first 60% train, the rest validate). With
// --data it reads a real GTZAN (Kaggle or marsyas layout). Every run writes into --out:
// best.safetensors, last.safetensors, history.csv/json, curves.svg/png, metrics.json and
// confusion_matrix.svg/png. Try --help.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "data/datasets.h"
#include "data/loader.h"
#include "examples/common/data_source.h"
#include "examples/common/device.h"
#include "examples/common/flags.h"
#include "examples/common/lab.h"
#include "layers/models/models.h"
#include "layers/models/sutd_cnn.h"
#include "layers/optim.h"
#include "train/trainer.h"

using namespace timbre;

namespace {

struct LabOptions {
  std::string kind = "mel";     // spectrogram, mel, mfcc, waveform, scalogram, splitmel, maskmel
  std::string head = "narrow";  // narrow (120/84) or wide (1024/108)
  double dropout = 0.0;         // 0, 0.2 or 0.4 in the report
  std::string split = "sutd";   // sutd, stratified (80/20), fault-filtered
  examples::SyntheticSize synthetic{.clips_per_class = 40, .seconds = 30.0};
};

int run(const examples::CommonFlags& flags, const LabOptions& lab) {
  examples::apply_common_flags(flags);
  const Device device = examples::select_device(flags.device);

  // 1. The clips, and which of them train and which validate. The split is made on clips, so
  //    every picture made from one clip (slices, masked copies) lands on the same side.
  const data::ClipList clips = examples::load_gtzan_clips(flags, lab.synthetic);
  const data::Split split = examples::make_split(lab.split, clips, {0.8, 0.2}, flags.seed);

  // 2. The pictures, rendered once into the cache.
  data::PreprocessOptions picture_options;
  picture_options.kind = data::feature_kind_from_name(lab.kind);
  picture_options.seed = flags.seed;
  const data::ClipList pictures =
      examples::preprocess_cached(clips, flags, lab.synthetic, picture_options, lab.kind);
  data::ClipList train_pictures = examples::items_of_songs(pictures, clips.subset(split.train));
  // Validation sees each song's own pictures only, never the masked copies made to augment.
  data::ClipList validation_pictures = examples::without_masked_copies(
      examples::items_of_songs(pictures, clips.subset(split.validation)));

  data::ImageOptions image_options;
  image_options.cache_in_memory = true;
  data::DataLoader train_loader(
      std::make_shared<data::ImageDataset>(train_pictures, image_options),
      {.batch_size = flags.batch_size, .shuffle = true, .seed = flags.seed});
  data::DataLoader validation_loader(
      std::make_shared<data::ImageDataset>(validation_pictures, image_options),
      {.batch_size = flags.batch_size, .shuffle = false, .seed = flags.seed});

  // 3. The network and its optimizer.
  const bool wide = lab.head == "wide";
  auto model = std::make_shared<models::SutdCnn>(wide ? 1024 : 120, wide ? 108 : 84, lab.dropout);
  model->to(device);
  nn::Adam optimizer(model->parameters(), flags.learning_rate);
  std::printf("model: sutd_cnn, %s head, dropout %g, %s parameters\n", lab.head.c_str(),
              lab.dropout, models::with_thousands(model->parameter_count()).c_str());

  // 4. Train, keeping the best epoch by validation accuracy; then measure it.
  const train::ForwardFunction forward = [](nn::Module& network, const data::Batch& batch) {
    return network.forward(batch.inputs[0]);  // [N, 3, 288, 432] -> logits [N, 10]
  };
  // What `timbre classify` needs to prepare a song as these pictures were prepared.
  data::InputRecipe recipe;
  recipe.kind = "image";
  recipe.image_kind = lab.kind == "splitmel" || lab.kind == "maskmel" ? "mel" : lab.kind;
  recipe.segment_seconds = lab.kind == "splitmel" ? 10.0 : lab.synthetic.seconds;
  const train::TrainOptions options =
      examples::train_options(flags, clips.classes, wide ? "sutd_cnn_wide" : "sutd_cnn", recipe);
  const train::TrainResult result =
      train::fit(*model, optimizer, forward, train_loader, &validation_loader, options);
  // Slices of one song (splitmel) are segments: report the song-level vote too.
  return examples::evaluate_best(*model, forward, validation_loader, clips.classes, flags, result,
                                 /*song_level=*/lab.kind == "splitmel");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gtzan_cnn - the SUTD Basic CNN on GTZAN spectrogram pictures (Lab 1)"};
  examples::CommonFlags flags;
  flags.out = "runs/gtzan_cnn";
  flags.epochs = 8;
  flags.batch_size = 10;
  flags.learning_rate = 1e-3;
  flags.seed = 30;
  LabOptions lab;
  examples::add_common_flags(app, flags);
  app.add_option("--kind", lab.kind,
                 "picture kind: spectrogram, mel, mfcc, waveform, scalogram, splitmel, maskmel")
      ->capture_default_str();
  app.add_option("--head", lab.head, "classifier head: narrow (120/84) or wide (1024/108)")
      ->capture_default_str()
      ->check(CLI::IsMember({"narrow", "wide"}));
  app.add_option("--dropout", lab.dropout, "dropout after fc1 and fc2 (report: 0, 0.2, 0.4)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.95));
  app.add_option("--split", lab.split, "sutd (first 60 per genre), stratified or fault-filtered")
      ->capture_default_str();
  examples::add_synthetic_flags(app, lab.synthetic);
  CLI11_PARSE(app, argc, argv);
  return examples::run_lab("gtzan_cnn", [&] { return run(flags, lab); });
}
