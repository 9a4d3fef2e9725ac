// train/trainer.h, history.h and progress.h: a linear model learns separable blobs, runs are
// deterministic, early stopping stops, the best checkpoint follows the validation accuracy,
// an interrupted run resumes bit for bit, a diverging loss is an error naming where, and the
// history and the progress bar say what they should.
#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "data/loader.h"
#include "data/text_file.h"
#include "layers/json.h"
#include "layers/nn.h"
#include "test_helpers.h"
#include "train/history.h"
#include "train/progress.h"
#include "train/trainer.h"

using namespace timbre;
using namespace timbre::train;

namespace {

namespace fs = std::filesystem;

// Three Gaussian blobs in the plane (centres on a circle of radius 3, spread 0.5): a linear
// classifier separates them almost perfectly. Examples of one blob come in "songs" of 3.
class BlobDataset : public data::Dataset {
 public:
  BlobDataset(int64_t per_class, uint64_t seed, bool poison = false) {
    Generator generator(seed);
    for (int64_t n = 0; n < 3 * per_class; ++n) {
      const int64_t label = n % 3;
      const double angle = 2.0 * M_PI * static_cast<double>(label) / 3.0;
      points_.push_back({3.0 * std::cos(angle) + 0.5 * generator.normal(),
                         3.0 * std::sin(angle) + 0.5 * generator.normal()});
      labels_.push_back(label);
    }
    if (poison) points_[0][0] = std::nan("");  // a NaN input makes the loss NaN
  }
  int64_t size() const override { return static_cast<int64_t>(labels_.size()); }
  data::Example get(int64_t index) const override {
    data::Example example;
    example.inputs = {from_vector(std::vector<float>{static_cast<float>(points_[index][0]),
                                                     static_cast<float>(points_[index][1])},
                                  {2})};
    example.label = labels_[index];
    example.song = "song" + std::to_string(labels_[index]) + "." + std::to_string(index / 9);
    return example;
  }

 private:
  std::vector<std::vector<double>> points_;
  std::vector<int64_t> labels_;
};

const std::vector<std::string> kClasses = {"north", "west", "south"};

// A fresh model, optimizer and loaders, all from fixed seeds.
struct TrainingRun {
  explicit TrainingRun(double learning_rate = 0.05, int prefetch = 2, bool poison = false) {
    manual_seed(11);
    model = std::make_shared<nn::Linear>(2, 3);
    optimizer = std::make_unique<nn::Adam>(model->parameters(), learning_rate);
    train = std::make_unique<data::DataLoader>(std::make_shared<BlobDataset>(30, 1, poison),
                                               loader_options(8, true, prefetch));
    validation = std::make_unique<data::DataLoader>(std::make_shared<BlobDataset>(10, 2),
                                                    loader_options(16, false, prefetch));
  }
  static data::LoaderOptions loader_options(int64_t batch_size, bool shuffle, int prefetch) {
    data::LoaderOptions options;
    options.batch_size = batch_size;
    options.shuffle = shuffle;
    options.seed = 5;
    options.prefetch = prefetch;
    return options;
  }
  TrainResult fit(const TrainOptions& options) {
    return train::fit(*model, *optimizer, single_input_forward(), *train, validation.get(),
                      options);
  }

  std::shared_ptr<nn::Linear> model;
  std::unique_ptr<nn::Adam> optimizer;
  std::unique_ptr<data::DataLoader> train, validation;
};

TrainOptions quiet_options(int64_t epochs, const std::string& out_dir = "") {
  TrainOptions options;
  options.epochs = epochs;
  options.out_dir = out_dir;
  options.progress = false;
  options.classes = kClasses;
  return options;
}

// A fresh folder per test, removed afterwards.
class Trainer : public timbre::testing::FolderTest {
 protected:
  Trainer() : FolderTest("timbre_trainer_") {}
};

void expect_same_losses(const History& a, const History& b) {
  ASSERT_EQ(a.epochs.size(), b.epochs.size());
  for (size_t i = 0; i < a.epochs.size(); ++i) {
    EXPECT_EQ(a.epochs[i].train_loss, b.epochs[i].train_loss) << "epoch " << i + 1;
    EXPECT_EQ(a.epochs[i].train_accuracy, b.epochs[i].train_accuracy) << "epoch " << i + 1;
    EXPECT_EQ(a.epochs[i].validation_loss, b.epochs[i].validation_loss) << "epoch " << i + 1;
    EXPECT_EQ(a.epochs[i].validation_accuracy, b.epochs[i].validation_accuracy);
  }
}

}  // namespace

TEST_F(Trainer, LinearModelLearnsSeparableBlobsInAFewEpochs) {
  TrainingRun setup;
  const TrainResult result = setup.fit(quiet_options(5));
  ASSERT_EQ(result.history.epochs.size(), 5u);
  EXPECT_EQ(result.epochs_run, 5);
  EXPECT_GT(result.history.epochs.back().validation_accuracy, 0.9);
  EXPECT_GT(result.history.epochs.back().train_accuracy, 0.9);
  EXPECT_LT(result.history.epochs.back().train_loss, result.history.epochs.front().train_loss);
  EXPECT_EQ(result.history.epochs.front().learning_rate, 0.05);
  EXPECT_FALSE(result.stopped_early);
}

TEST_F(Trainer, TwoRunsWithTheSameSeedsGiveIdenticalHistories) {
  TrainingRun first;
  TrainingRun second;
  expect_same_losses(first.fit(quiet_options(3)).history, second.fit(quiet_options(3)).history);
}

TEST_F(Trainer, EarlyStoppingStopsAfterPatienceEpochsWithoutImprovement) {
  TrainingRun setup(/*learning_rate=*/0.0);  // nothing changes, so nothing improves after epoch 1
  TrainOptions options = quiet_options(10);
  options.patience = 2;
  const TrainResult result = setup.fit(options);
  EXPECT_TRUE(result.stopped_early);
  EXPECT_EQ(result.epochs_run, 3);  // epoch 1 is best; epochs 2 and 3 do not improve
  EXPECT_EQ(result.history.best_epoch, 1);
}

TEST_F(Trainer, BestCheckpointIsTheEpochWithTheHighestValidationAccuracy) {
  TrainingRun setup;
  const TrainResult result = setup.fit(quiet_options(4, path("run")));
  ASSERT_EQ(result.best_checkpoint, path("run/best.safetensors"));
  ASSERT_TRUE(fs::exists(result.best_checkpoint));
  const nn::Metadata metadata = nn::read_safetensors_metadata(result.best_checkpoint);
  EXPECT_EQ(metadata.at("epoch"), std::to_string(result.history.best_epoch));
  EXPECT_EQ(metadata.at("classes"), "[\"north\", \"west\", \"south\"]");
  double best = 0.0;
  int64_t best_epoch = 0;
  for (const EpochRecord& record : result.history.epochs) {
    if (record.validation_accuracy > best) {
      best = record.validation_accuracy;
      best_epoch = record.epoch;
    }
  }
  EXPECT_EQ(result.history.best_epoch, best_epoch);
  for (const char* name :
       {"last.safetensors", "history.csv", "history.json", "curves.svg", "curves.png"}) {
    EXPECT_TRUE(fs::exists(path("run/") + name)) << name;
  }
}

TEST_F(Trainer, ResumingAfterTwoOfFourEpochsEqualsAnUninterruptedRunBitForBit) {
  for (int prefetch : {0, 2}) {
    SCOPED_TRACE("prefetch " + std::to_string(prefetch));
    const std::string whole = path("whole" + std::to_string(prefetch));
    const std::string parts = path("parts" + std::to_string(prefetch));
    TrainingRun uninterrupted(0.05, prefetch);
    const TrainResult expected = uninterrupted.fit(quiet_options(4, whole));

    TrainingRun interrupted(0.05, prefetch);
    interrupted.fit(quiet_options(2, parts));
    // A new process: a new model with other initial weights, a new optimizer.
    manual_seed(99);
    TrainingRun resumed(0.05, prefetch);
    for (const Tensor& parameter : resumed.model->parameters())
      nn::assign_data(parameter, randn(parameter.sizes()));
    TrainOptions options = quiet_options(4, parts);
    options.resume = true;
    const TrainResult result = resumed.fit(options);
    EXPECT_EQ(result.epochs_run, 2);
    expect_same_losses(result.history, expected.history);
    const std::vector<nn::NamedTensor> want = uninterrupted.model->state_dict();
    const std::vector<nn::NamedTensor> got = resumed.model->state_dict();
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].second.to_vector<float>(), want[i].second.to_vector<float>())
          << want[i].first;
    }
  }
}

TEST_F(Trainer, ResumingAFinishedRunTrainsNothing) {
  TrainingRun setup;
  setup.fit(quiet_options(2, path("run")));
  TrainingRun again;
  TrainOptions options = quiet_options(2, path("run"));
  options.resume = true;
  const TrainResult result = again.fit(options);
  EXPECT_EQ(result.epochs_run, 0);
  EXPECT_EQ(result.history.epochs.size(), 2u);
}

TEST_F(Trainer, ResumingWithoutACheckpointStartsANewRun) {
  TrainingRun setup;
  TrainOptions options = quiet_options(1, path("fresh"));
  options.resume = true;
  EXPECT_EQ(setup.fit(options).epochs_run, 1);
}

TEST_F(Trainer, NanLossStopsWithAnErrorNamingTheEpochAndBatch) {
  TrainingRun setup;
  setup.train = std::make_unique<data::DataLoader>(std::make_shared<BlobDataset>(30, 1, true),
                                                   TrainingRun::loader_options(8, false, 2));
  EXPECT_ERROR_CONTAINS(setup.fit(quiet_options(2)), "at epoch 1, batch 1 of 12");
}

TEST_F(Trainer, OnEpochEndSeesEveryEpochInOrder) {
  TrainingRun setup;
  std::vector<int64_t> seen;
  TrainOptions options = quiet_options(3);
  options.on_epoch_end = [&](int64_t epoch, const EpochRecord& record) {
    EXPECT_EQ(record.epoch, epoch);
    seen.push_back(epoch);
  };
  setup.fit(options);
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(Trainer, PredictGivesSoftmaxRowsInLoaderOrderAndRestoresTheMode) {
  TrainingRun setup;
  setup.fit(quiet_options(3));
  setup.model->train();
  const Predictions predictions = predict(*setup.model, single_input_forward(), *setup.validation);
  EXPECT_TRUE(setup.model->is_training());
  ASSERT_EQ(predictions.probabilities.sizes(), (Shape{30, 3}));
  ASSERT_EQ(predictions.indices.size(), 30u);
  for (int64_t n = 0; n < 30; ++n) {
    EXPECT_EQ(predictions.indices[n], n);  // the validation loader does not shuffle
    double row = 0.0;
    for (int64_t c = 0; c < 3; ++c)
      row += predictions.probabilities.at({n, c});
    EXPECT_NEAR(row, 1.0, 1e-5);
  }
  EXPECT_EQ(predictions.labels[4], 1);
  EXPECT_EQ(predictions.songs[4], "song1.0");
}

TEST_F(Trainer, EvaluateAndSaveWritesMetricsAndTheConfusionMatrix) {
  TrainingRun setup;
  setup.fit(quiet_options(3));
  const Predictions predictions = predict(*setup.model, single_input_forward(), *setup.validation);
  const ClassificationReport report =
      evaluate_and_save(predictions, kClasses, path("eval"), /*by_song=*/true);
  EXPECT_GT(report.accuracy, 0.9);
  const nn::JsonValue metrics =
      nn::parse_json(data::read_text(path("eval/metrics.json")), "metrics.json");
  EXPECT_DOUBLE_EQ(metrics.find("accuracy")->number, report.accuracy);
  ASSERT_NE(metrics.find("song_accuracy"), nullptr);
  EXPECT_NE(metrics.find("song_accuracy_vote"), nullptr);
  EXPECT_TRUE(fs::exists(path("eval/confusion_matrix.svg")));
  EXPECT_TRUE(fs::exists(path("eval/confusion_matrix.png")));
}

TEST_F(Trainer, BadOptionsAreRejected) {
  TrainingRun setup;
  TrainOptions options = quiet_options(1);
  options.resume = true;
  EXPECT_ERROR_CONTAINS(setup.fit(options), "resuming needs an out_dir");
  options = quiet_options(-1);
  EXPECT_ERROR_CONTAINS(setup.fit(options), "epochs must be >= 0");
}

TEST_F(Trainer, HistoryJsonRoundTripsIncludingMissingValidation) {
  History history;
  history.epochs = {{1, 1.5, 0.25, std::nan(""), std::nan(""), 1e-3, 1.25},
                    {2, 0.1 + 0.2, 1.0 / 3.0, std::nan(""), std::nan(""), 5e-4, 2.5}};
  history.best_epoch = 2;
  history.stopped_early = true;
  write_history_json(path("history.json"), history);
  const History read = read_history_json(path("history.json"));
  ASSERT_EQ(read.epochs.size(), 2u);
  EXPECT_EQ(read.best_epoch, 2);
  EXPECT_TRUE(read.stopped_early);
  EXPECT_EQ(read.epochs[1].train_loss, 0.1 + 0.2);  // exactly, not to a few digits
  EXPECT_EQ(read.epochs[1].train_accuracy, 1.0 / 3.0);
  EXPECT_TRUE(std::isnan(read.epochs[0].validation_loss));
  EXPECT_EQ(read.epochs[1].learning_rate, 5e-4);
}

TEST_F(Trainer, HistoryCsvHasAHeaderAndEmptyFieldsForMissingValues) {
  History history;
  history.epochs = {{1, 1.5, 0.25, std::nan(""), std::nan(""), 0.001, 2}};
  write_history_csv(path("history.csv"), history);
  EXPECT_EQ(data::read_text(path("history.csv")),
            "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,"
            "learning_rate,seconds\n1,1.5,0.25,,,0.001,2\n");
}

TEST_F(Trainer, BrokenHistoryFilesGiveErrorsNamingTheFile) {
  EXPECT_ERROR_CONTAINS(read_history_json(path("missing.json")), "missing.json");
  data::write_text_atomically(path("bad.json"), "{\"best_epoch\": 1, ");
  EXPECT_ERROR_CONTAINS(read_history_json(path("bad.json")), "bad.json");
  data::write_text_atomically(
      path("gap.json"),
      "{\"best_epoch\": 0, \"stopped_early\": false, \"epochs\": [{\"epoch\": 2, "
      "\"train_loss\": 1, \"train_accuracy\": 0, \"validation_loss\": null, "
      "\"validation_accuracy\": null, \"learning_rate\": 0, \"seconds\": 0}]}");
  EXPECT_ERROR_CONTAINS(read_history_json(path("gap.json")), "is numbered 2");
  data::write_text_atomically(path("short.json"), "{\"best_epoch\": 0, \"epochs\": []}");
  EXPECT_ERROR_CONTAINS(read_history_json(path("short.json")), "has no \"stopped_early\"");
}

TEST(TrainProgress, LineShowsBatchLossAccuracySpeedAndEta) {
  ProgressBar bar("epoch 3/15", 24, false);
  const std::string line = bar.line(12, 120, 1.2344, 0.45);
  EXPECT_EQ(line.rfind("epoch 3/15 [==========>         ] 12/24 loss 1.234 acc 45.0% ", 0), 0u)
      << line;
  EXPECT_NE(line.find(" samples/s ETA "), std::string::npos) << line;
}

TEST(TrainProgress, NothingIsPrintedWhenNotDrawing) {
  ::testing::internal::CaptureStderr();
  {
    ProgressBar bar("epoch 1/1", 3, false);
    for (int64_t batch = 1; batch <= 3; ++batch)
      bar.update(batch, batch * 10, 0.5, 0.5);
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST(TrainProgress, DrawnBarEndsFullAndIsErasedByFinish) {
  ::testing::internal::CaptureStderr();
  ProgressBar bar("epoch 1/1", 2, true);
  bar.update(1, 10, 0.5, 0.5);
  bar.update(2, 20, 0.4, 0.6);  // the last batch always redraws
  bar.finish();
  const std::string drawn = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(drawn.find("\repoch 1/1 [====================] 2/2"), std::string::npos) << drawn;
  EXPECT_EQ(drawn.back(), '\r');
}
