// train/trainer.cpp - fit, predict and evaluate_and_save (see trainer.h, docs/training.md).
#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "audio/batch.h"
#include "layers/json.h"
#include "layers/loss.h"
#include "tensor/error.h"
#include "timbre.h"
#include "train/plots.h"
#include "train/progress.h"

namespace timbre::train {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Loss and accuracy summed over the batches of one pass.
struct PassTotals {
  double loss_sum = 0.0;  // sum over batches of (mean batch loss * batch size)
  int64_t correct = 0;
  int64_t samples = 0;
  double mean_loss() const { return samples > 0 ? loss_sum / static_cast<double>(samples) : kNaN; }
  double accuracy() const {
    return samples > 0 ? static_cast<double>(correct) / static_cast<double>(samples) : kNaN;
  }
};

// Checks the logits of a batch and returns the labels on the logits' device.
Tensor labels_for(const Tensor& logits, const data::Batch& batch) {
  TIMBRE_CHECK(logits.defined() && logits.dim() == 2 && logits.size(0) == batch.size(),
               "fit: the forward function must return logits [N, C] for a batch of ", batch.size(),
               ", got ",
               logits.defined() ? shape_str(logits.sizes()) : std::string("an undefined tensor"));
  return batch.labels.device() == logits.device() ? batch.labels : batch.labels.to(logits.device());
}

int64_t count_correct(const Tensor& logits, const Tensor& labels) {
  const std::vector<int64_t> predicted = argmax(logits.detach(), 1).to_vector<int64_t>();
  const std::vector<int64_t> truth = labels.to_vector<int64_t>();
  int64_t correct = 0;
  for (size_t i = 0; i < truth.size(); ++i)
    correct += predicted[i] == truth[i];
  return correct;
}

// The validation pass: mean loss and accuracy in eval mode, without recording a graph.
PassTotals validate(nn::Module& model, const ForwardFunction& forward, data::DataLoader& loader,
                    const nn::CrossEntropyOptions& loss_options) {
  model.eval();
  NoGradGuard no_grad;
  PassTotals totals;
  loader.start_epoch(0);
  while (std::optional<data::Batch> batch = loader.next()) {
    const Tensor logits = forward(model, *batch);
    const Tensor labels = labels_for(logits, *batch);
    totals.loss_sum +=
        nn::cross_entropy(logits, labels, loss_options).item() * static_cast<double>(batch->size());
    totals.correct += count_correct(logits, labels);
    totals.samples += batch->size();
  }
  return totals;
}

std::string join_path(const std::string& folder, const std::string& name) {
  return (fs::path(folder) / name).string();
}

// The class names as a JSON array, to keep them in a checkpoint's string metadata.
std::string classes_json(const std::vector<std::string>& classes) {
  std::string text = "[";
  for (size_t c = 0; c < classes.size(); ++c)
    text += (c > 0 ? ", " : "") + nn::json_string(classes[c]);
  return text + "]";
}

std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f%%", 100.0 * fraction);
  return text;
}

// "epoch 3/15  train loss 1.234 acc 45.0%  val loss 1.456 acc 40.0%  12.3 s  (best)"
std::string epoch_line(const EpochRecord& record, int64_t epochs, bool best) {
  char text[256];
  std::snprintf(text, sizeof(text), "epoch %lld/%lld  train loss %.3f acc %s",
                static_cast<long long>(record.epoch), static_cast<long long>(epochs),
                record.train_loss, percent(record.train_accuracy).c_str());
  std::string line = text;
  if (!std::isnan(record.validation_accuracy)) {
    std::snprintf(text, sizeof(text), "  val loss %.3f acc %s", record.validation_loss,
                  percent(record.validation_accuracy).c_str());
    line += text;
  }
  std::snprintf(text, sizeof(text), "  %.1f s", record.seconds);
  line += text;
  if (best) line += "  (best)";
  return line;
}

// The integer metadata entry `key` of a checkpoint, with an error naming the file.
int64_t metadata_integer(const nn::Metadata& metadata, const std::string& key,
                         const std::string& path) {
  const auto found = metadata.find(key);
  TIMBRE_CHECK(found != metadata.end(), path, ": the checkpoint has no \"", key,
               "\" in its metadata (was it written by timbre's fit?)");
  try {
    size_t used = 0;
    const long long value = std::stoll(found->second, &used);
    if (used == found->second.size()) return value;
  } catch (const std::exception&) {
  }
  TIMBRE_CHECK(false, path, ": the metadata entry \"", key, "\" is '", found->second,
               "', not a whole number");
  return 0;
}

// Restores the model's train/eval mode when it goes out of scope.
class TrainingModeRestorer {
 public:
  explicit TrainingModeRestorer(nn::Module& model)
      : model_(model), was_training_(model.is_training()) {}
  ~TrainingModeRestorer() { model_.train(was_training_); }
  TrainingModeRestorer(const TrainingModeRestorer&) = delete;
  TrainingModeRestorer& operator=(const TrainingModeRestorer&) = delete;

 private:
  nn::Module& model_;
  bool was_training_;
};

}  // namespace

ForwardFunction single_input_forward() {
  return [](nn::Module& model, const data::Batch& batch) {
    TIMBRE_CHECK(!batch.inputs.empty(), "single_input_forward: the batch has no inputs");
    return model(batch.inputs[0].to(model.device()));
  };
}

TrainResult fit(nn::Module& model, nn::Optimizer& optimizer, const ForwardFunction& forward,
                data::DataLoader& train, data::DataLoader* validation,
                const TrainOptions& options) {
  TIMBRE_CHECK(options.epochs >= 0, "fit: epochs must be >= 0, got ", options.epochs);
  TIMBRE_CHECK(options.patience >= 0, "fit: patience must be >= 0, got ", options.patience);
  TIMBRE_CHECK(options.max_grad_norm >= 0.0, "fit: max_grad_norm must be >= 0, got ",
               options.max_grad_norm);
  TIMBRE_CHECK(!options.resume || !options.out_dir.empty(),
               "fit: resuming needs an out_dir holding last.safetensors");
  TIMBRE_CHECK(static_cast<bool>(forward), "fit: the forward function is empty");

  const bool writing = !options.out_dir.empty();
  const std::string last_path = writing ? join_path(options.out_dir, "last.safetensors") : "";
  const std::string best_path = writing ? join_path(options.out_dir, "best.safetensors") : "";
  const std::string history_path = writing ? join_path(options.out_dir, "history.json") : "";
  if (writing) {
    std::error_code error;
    fs::create_directories(options.out_dir, error);
    TIMBRE_CHECK(!error, "fit: cannot create the folder '", options.out_dir,
                 "': ", error.message());
  }

  TrainResult result;
  result.best_checkpoint = best_path;
  History& history = result.history;
  int64_t first_epoch = 1;

  // ---- Resuming: model, optimizer and history as they were after the checkpoint's epoch. ----
  if (options.resume) {
    if (!fs::exists(last_path)) {
      std::printf("no checkpoint at %s: starting a new run\n", last_path.c_str());
    } else {
      const nn::Metadata saved = nn::load_training_state(last_path, model, optimizer);
      const int64_t done = metadata_integer(saved, "epoch", last_path);
      history = read_history_json(history_path);
      // The history is written before last.safetensors, so it may hold one epoch more (a run
      // stopped between the two writes); the checkpoint decides where the run goes on.
      TIMBRE_CHECK(static_cast<int64_t>(history.epochs.size()) >= done, history_path, ": holds ",
                   history.epochs.size(), " epochs but ", last_path, " was saved after epoch ",
                   done);
      history.epochs.resize(done);
      history.best_epoch = metadata_integer(saved, "best_epoch", last_path);
      history.stopped_early = metadata_integer(saved, "stopped_early", last_path) != 0;
      TIMBRE_CHECK(history.best_epoch >= 0 && history.best_epoch <= done, last_path,
                   ": best_epoch ", history.best_epoch, " is not one of its ", done, " epochs");
      first_epoch = done + 1;
      result.stopped_early = history.stopped_early;
      if (history.stopped_early || done >= options.epochs) {
        std::printf("the run in %s already finished after %lld epochs%s (best epoch %lld)\n",
                    options.out_dir.c_str(), static_cast<long long>(done),
                    history.stopped_early ? ", stopped early" : "",
                    static_cast<long long>(history.best_epoch));
        std::fflush(stdout);
        return result;
      }
      std::printf("resuming from epoch %lld (checkpoint %s)\n", static_cast<long long>(first_epoch),
                  last_path.c_str());
    }
  }

  // Class weights live where the logits are: on the model's device.
  const Tensor class_weights =
      options.class_weights.defined() ? options.class_weights.to(model.device()) : Tensor();
  const nn::CrossEntropyOptions loss_options{.reduction = nn::Reduction::Mean,
                                             .weight = class_weights,
                                             .label_smoothing = options.label_smoothing};
  const bool draw = options.force_progress || (options.progress && audio::stderr_is_terminal());

  for (int64_t epoch = first_epoch; epoch <= options.epochs; ++epoch) {
    const Clock::time_point start = Clock::now();
    if (options.seed) {
      // A different, fixed stream per epoch (the golden-ratio constant spreads the seeds).
      manual_seed(*options.seed + 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(epoch));
    }
    EpochRecord record;
    record.epoch = epoch;
    record.learning_rate = optimizer.learning_rate();

    // ---- Training pass. ----
    model.train();
    train.start_epoch(epoch - 1);  // the loader counts epochs from 0
    ProgressBar bar("epoch " + std::to_string(epoch) + "/" + std::to_string(options.epochs),
                    train.batches_per_epoch(), draw);
    PassTotals totals;
    int64_t batch_number = 0;
    while (std::optional<data::Batch> batch = train.next()) {
      ++batch_number;
      optimizer.zero_grad();
      const Tensor logits = forward(model, *batch);
      const Tensor labels = labels_for(logits, *batch);
      const Tensor loss = nn::cross_entropy(logits, labels, loss_options);
      const double loss_value = loss.item();
      TIMBRE_CHECK(std::isfinite(loss_value), "fit: the training loss is ", loss_value,
                   " at epoch ", epoch, ", batch ", batch_number, " of ", train.batches_per_epoch(),
                   " (the model diverged: try a lower learning rate or max_grad_norm)");
      loss.backward();
      if (options.max_grad_norm > 0.0)
        nn::clip_grad_norm_(model.parameters(), options.max_grad_norm);
      optimizer.step();
      totals.loss_sum += loss_value * static_cast<double>(batch->size());
      totals.correct += count_correct(logits, labels);
      totals.samples += batch->size();
      bar.update(batch_number, totals.samples, totals.mean_loss(), totals.accuracy());
    }
    bar.finish();
    optimizer.zero_grad();  // no gradient outlives the epoch (they would be saved nowhere)
    record.train_loss = totals.mean_loss();
    record.train_accuracy = totals.accuracy();

    // ---- Validation pass. ----
    record.validation_loss = kNaN;
    record.validation_accuracy = kNaN;
    if (validation != nullptr) {
      const PassTotals validated = validate(model, forward, *validation, loss_options);
      record.validation_loss = validated.mean_loss();
      record.validation_accuracy = validated.accuracy();
    }
    record.seconds = std::chrono::duration<double>(Clock::now() - start).count();

    // ---- Best epoch, early stopping. ----
    const double accuracy = History::selection_accuracy(record);
    const bool improved =
        history.best_epoch == 0 || accuracy > History::selection_accuracy(history.best());
    history.epochs.push_back(record);
    if (improved) history.best_epoch = epoch;
    if (options.on_epoch_end) options.on_epoch_end(epoch, record);
    if (options.patience > 0 && epoch - history.best_epoch >= options.patience) {
      history.stopped_early = true;
    }
    std::printf("%s\n", epoch_line(record, options.epochs, improved).c_str());
    std::fflush(stdout);
    ++result.epochs_run;

    // ---- Files: best model, history, curves, and last the resumable state. ----
    if (writing) {
      nn::Metadata metadata = options.metadata;
      metadata["classes"] = classes_json(options.classes);
      metadata["epoch"] = std::to_string(epoch);
      if (improved) {
        metadata["selection_accuracy"] = std::to_string(accuracy);
        nn::save(model, best_path, metadata);
        metadata.erase("selection_accuracy");
      }
      write_history_csv(join_path(options.out_dir, "history.csv"), history);
      write_history_json(history_path, history);
      write_training_curves_svg(join_path(options.out_dir, "curves.svg"), history);
      write_training_curves_png(join_path(options.out_dir, "curves.png"), history);
      metadata["best_epoch"] = std::to_string(history.best_epoch);
      metadata["stopped_early"] = history.stopped_early ? "1" : "0";
      nn::save_training_state(last_path, model, optimizer, metadata);
    }
    if (history.stopped_early) {
      std::printf("early stopping: no improvement for %lld epochs (best epoch %lld)\n",
                  static_cast<long long>(options.patience),
                  static_cast<long long>(history.best_epoch));
      std::fflush(stdout);
      result.stopped_early = true;
      break;
    }
  }
  return result;
}

Predictions predict(nn::Module& model, const ForwardFunction& forward, data::DataLoader& loader) {
  TrainingModeRestorer restore_mode(model);
  model.eval();
  NoGradGuard no_grad;
  Predictions predictions;
  std::vector<float> probabilities;
  int64_t classes = -1;
  loader.start_epoch(0);
  while (std::optional<data::Batch> batch = loader.next()) {
    const Tensor logits = forward(model, *batch);
    labels_for(logits, *batch);  // checks the shape
    TIMBRE_CHECK(classes < 0 || logits.size(1) == classes, "predict: the forward function gave ",
                 logits.size(1), " classes for one batch and ", classes, " for another");
    classes = logits.size(1);
    const std::vector<float> batch_probabilities =
        softmax(logits, 1).to(DType::Float32).to_vector<float>();
    probabilities.insert(probabilities.end(), batch_probabilities.begin(),
                         batch_probabilities.end());
    for (int64_t label : batch->labels.to_vector<int64_t>())
      predictions.labels.push_back(label);
    predictions.songs.insert(predictions.songs.end(), batch->songs.begin(), batch->songs.end());
    predictions.indices.insert(predictions.indices.end(), batch->indices.begin(),
                               batch->indices.end());
  }
  const int64_t rows = static_cast<int64_t>(predictions.labels.size());
  predictions.probabilities = from_vector(probabilities, {rows, std::max<int64_t>(classes, 0)});
  return predictions;
}

ClassificationReport evaluate_and_save(
    const Predictions& predictions, const std::vector<std::string>& classes,
    const std::string& out_dir, bool by_song,
    const std::vector<std::pair<std::string, JsonScalar>>& extra) {
  const ClassificationReport report =
      classification_report(predictions.probabilities, predictions.labels, classes);
  std::printf("%s", format_report(report).c_str());
  std::optional<double> song_accuracy;
  std::vector<std::pair<std::string, JsonScalar>> fields = extra;
  if (by_song) {
    const SongLevel songs =
        song_level(predictions.probabilities, predictions.labels, predictions.songs);
    std::printf("song level (%zu songs): summed probabilities %s, majority vote %s\n",
                songs.songs.size(), percent(songs.accuracy_summed).c_str(),
                percent(songs.accuracy_vote).c_str());
    song_accuracy = songs.accuracy_summed;
    fields.emplace_back("song_accuracy_vote", songs.accuracy_vote);
    fields.emplace_back("songs", static_cast<int64_t>(songs.songs.size()));
  }
  std::fflush(stdout);
  if (!out_dir.empty()) {
    std::error_code error;
    fs::create_directories(out_dir, error);
    TIMBRE_CHECK(!error, "evaluate_and_save: cannot create the folder '", out_dir,
                 "': ", error.message());
    write_metrics_json(join_path(out_dir, "metrics.json"), report, song_accuracy, fields);
    const std::string title = "confusion matrix (accuracy " + percent(report.accuracy) + ")";
    write_confusion_matrix_svg(join_path(out_dir, "confusion_matrix.svg"), report, title);
    write_confusion_matrix_png(join_path(out_dir, "confusion_matrix.png"), report, title);
  }
  return report;
}

}  // namespace timbre::train
