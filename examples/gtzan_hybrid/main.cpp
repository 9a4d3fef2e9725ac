// examples/gtzan_hybrid - Lab 3: the UConn hybrid (reports.md section 5) looks at a clip twice:
// a CNN reads its mel picture, an MLP reads its 57 GTZAN features, and one head decides.
//
//   picture  [3, 128, 128] (the mel picture resized)  -> 3 x (Conv 3x3 + ReLU + MaxPool 2)
//   features [57] standardised (features_30_sec.csv)   -> Dense 256 -> 128 -> 64 + Dropout
//   concatenate -> Dense 128 + Dropout 0.5 -> Dense 10 logits
//   80/20 stratified split (seed 42), batch 32, 20 epochs, Adam lr 1e-3
//
// The report gives a weighted F1 of 0.80 with a per-genre table and a confusion matrix; this lab
// writes the same table (stdout and metrics.json) and confusion_matrix.svg/png.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "data/datasets.h"
#include "data/feature_csv.h"
#include "data/gtzan.h"
#include "data/loader.h"
#include "data/split.h"
#include "data/standardize.h"
#include "examples/common/data_source.h"
#include "examples/common/device.h"
#include "examples/common/flags.h"
#include "examples/common/lab.h"
#include "layers/models/models.h"
#include "layers/models/uconn_hybrid.h"
#include "layers/optim.h"
#include "train/trainer.h"

using namespace timbre;

namespace {

struct LabOptions {
  examples::SyntheticSize synthetic{.clips_per_class = 40, .seconds = 30.0, .features = true};
};

// The two inputs of the clips at `indices`: pictures and standardised feature rows, matched by
// song.
std::shared_ptr<data::Dataset> pictures_and_features(const data::ClipList& pictures,
                                                     const data::FeatureTable& table,
                                                     const data::StandardScaler& scaler) {
  data::ImageOptions image_options;
  image_options.resize = std::pair<int, int>{128, 128};
  image_options.cache_in_memory = true;
  auto images = std::make_shared<data::ImageDataset>(pictures, image_options);
  // Row r of the features belongs to picture r.
  const std::vector<int64_t> rows = data::match_by_song(pictures.songs(), table.songs);
  const data::FeatureTable matched = table.select_rows(rows);
  auto features = std::make_shared<data::TensorDataset>(scaler.transform(matched.values),
                                                        pictures.labels(), pictures.songs());
  return std::make_shared<data::ZipDataset>(images, features);
}

int run(const examples::CommonFlags& flags, const LabOptions& lab) {
  examples::apply_common_flags(flags);
  const Device device = examples::select_device(flags.device);

  // 1. Clips, their 80/20 split, their mel pictures (cached) and their feature rows.
  const std::string folder = examples::data_folder(flags, lab.synthetic);
  const data::ClipList clips = data::load_gtzan(folder);
  const data::Split split = examples::make_split("stratified", clips, {0.8, 0.2}, flags.seed);
  const data::GtzanFolders folders = data::find_gtzan(folder);
  TIMBRE_CHECK(!folders.features_30_sec_csv.empty(), folders.root,
               " has no features_30_sec.csv, which the MLP branch reads");
  // The 57 features (the constant `length` column dropped), standardised by the training songs.
  const data::FeatureTable table =
      data::read_feature_csv(folders.features_30_sec_csv).drop_columns({"length"});
  TIMBRE_CHECK(table.columns() == 57, folders.features_30_sec_csv, " has ", table.columns(),
               " feature columns besides length; the hybrid's MLP reads 57");
  data::PreprocessOptions picture_options;
  picture_options.kind = data::FeatureKind::Mel;
  const data::ClipList pictures =
      examples::preprocess_cached(clips, flags, lab.synthetic, picture_options, "mel");
  const data::ClipList train_pictures =
      examples::items_of_songs(pictures, clips.subset(split.train));
  const data::ClipList validation_pictures =
      examples::items_of_songs(pictures, clips.subset(split.validation));
  data::StandardScaler scaler;
  scaler.fit(table.select_rows(data::match_by_song(train_pictures.songs(), table.songs)).values);
  scaler.save(flags.out + "/scaler.safetensors");

  data::DataLoader train_loader(
      pictures_and_features(train_pictures, table, scaler),
      {.batch_size = flags.batch_size, .shuffle = true, .seed = flags.seed});
  data::DataLoader validation_loader(pictures_and_features(validation_pictures, table, scaler),
                                     {.batch_size = flags.batch_size, .shuffle = false});

  // 2. The hybrid network.
  auto model = std::make_shared<models::UconnHybrid>();
  model->to(device);
  nn::Adam optimizer(model->parameters(), flags.learning_rate);
  std::printf("model: uconn_hybrid, %s parameters\n",
              models::with_thousands(model->parameter_count()).c_str());

  const train::ForwardFunction forward = [](nn::Module& network, const data::Batch& batch) {
    // [N, 3, 128, 128] and [N, 57] -> logits [N, 10]
    return models::forward_batch_first(network, batch.inputs);
  };
  const train::TrainOptions options = examples::train_options(
      flags, clips.classes, "uconn_hybrid", data::InputRecipe::default_for_model("uconn_hybrid"));
  const train::TrainResult result =
      train::fit(*model, optimizer, forward, train_loader, &validation_loader, options);
  return examples::evaluate_best(*model, forward, validation_loader, clips.classes, flags, result,
                                 /*song_level=*/false);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gtzan_hybrid - UConn's CNN on mel pictures + MLP on 57 features (Lab 3)"};
  examples::CommonFlags flags;
  flags.out = "runs/gtzan_hybrid";
  flags.epochs = 20;
  flags.batch_size = 32;
  flags.learning_rate = 1e-3;
  flags.seed = 42;
  LabOptions lab;
  examples::add_common_flags(app, flags);
  examples::add_synthetic_flags(app, lab.synthetic);
  CLI11_PARSE(app, argc, argv);
  return examples::run_lab("gtzan_hybrid", [&] { return run(flags, lab); });
}
