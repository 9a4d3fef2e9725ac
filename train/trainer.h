// train/trainer.h - training a classifier end to end with one call, as users of Keras' fit or
// PyTorch Lightning expect: a progress bar per epoch, a summary line per epoch, validation
// every epoch, the best checkpoint kept, early stopping, resuming, the history and the training
// curves on disk. Then predict + evaluate_and_save for the metrics and the confusion matrix.
// The loop, step by step: docs/training.md.
//
//   nn::Adam optimizer(model->parameters(), 1e-3);
//   train::TrainOptions options;
//   options.epochs = 15;
//   options.out_dir = "runs/sutd_cnn";
//   options.classes = data::gtzan_genres();
//   train::TrainResult result = train::fit(*model, optimizer, train::single_input_forward(),
//                                          train_loader, &validation_loader, options);
//   train::Predictions predictions = train::predict(*model, train::single_input_forward(),
//                                                   test_loader);
//   train::evaluate_and_save(predictions, data::gtzan_genres(), "runs/sutd_cnn", false);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "data/loader.h"
#include "layers/checkpoint.h"
#include "layers/module.h"
#include "layers/optim.h"
#include "train/history.h"
#include "train/metrics.h"

namespace timbre::train {

// Runs the model on a batch and returns its logits [N, C] (unnormalised class scores), so that
// one trainer serves one-input models, sequence models and the two-input hybrid model. It
// moves the inputs to the model's device when the model is on a GPU.
using ForwardFunction = std::function<Tensor(nn::Module& model, const data::Batch& batch)>;

// The forward function of a one-input model: model(batch.inputs[0]).
// Requires of each batch: at least one input (else timbre::Error).
ForwardFunction single_input_forward();

struct TrainOptions {
  int64_t epochs = 10;  // the total number of epochs of the run (a resumed run included)
  std::string out_dir;  // where the run's files go; "" writes nothing
  // Early stopping: stop when the validation accuracy (training accuracy without validation)
  // has not improved for this many epochs; 0 never stops early.
  int64_t patience = 0;
  // Continue from out_dir/last.safetensors when it exists (else start a new run).
  bool resume = false;
  bool progress = true;          // draw the progress bar when stderr is a terminal...
  bool force_progress = false;   // ...or always
  double max_grad_norm = 0.0;    // clip_grad_norm_ to this before each step when > 0
  Tensor class_weights;          // [C] weights of the cross-entropy, or undefined for none
  double label_smoothing = 0.0;  // of the cross-entropy, in [0, 1)
  // Called after each epoch's validation, before the checkpoint is saved (so that, e.g., a
  // learning-rate scheduler's step() is saved with the optimizer).
  std::function<void(int64_t epoch, const EpochRecord&)> on_epoch_end;
  std::vector<std::string> classes;  // class names, saved with the checkpoints
  nn::Metadata metadata;             // saved with the checkpoints (model name, options, ...)
  // When set, the default generator (dropout masks, random augmentations drawn from it) is
  // re-seeded from (seed, epoch) at the start of every epoch, so that a resumed run draws
  // exactly what the uninterrupted one would have.
  std::optional<uint64_t> seed;
};

struct TrainResult {
  History history;         // every epoch of the run, resumed ones included
  int64_t epochs_run = 0;  // epochs trained by this call (0 when resuming a finished run)
  bool stopped_early = false;
  std::string best_checkpoint;  // out_dir/best.safetensors, or "" when nothing is written
};

// Trains `model` for options.epochs epochs (see the file comment). Per epoch: model.train(),
// train.start_epoch(epoch - 1); per batch: logits = forward(model, batch), the cross-entropy
// with options' class weights and label smoothing, backward, clipping, optimizer.step(); then,
// when `validation` is not null, the validation loss and accuracy in eval mode without
// gradients. Prints one line per epoch to stdout:
//   epoch 3/15  train loss 1.234 acc 45.0%  val loss 1.456 acc 40.0%  12.3 s  (best)
// and, when out_dir is set, writes there after each epoch: best.safetensors (the model, when
// the selection accuracy improved), history.csv, history.json, curves.svg, curves.png and
// last.safetensors (model + optimizer + metadata with "epoch" and "best_epoch"), last.
// Requires: options.epochs >= 0, patience >= 0, max_grad_norm >= 0; options.resume needs an
//           out_dir; logits [N, C] for a batch of N; labels in [0, C).
// Ensures: a NaN or infinite loss stops with a timbre::Error naming the epoch and the batch;
//          resuming a finished run (all epochs done or stopped early) trains nothing and
//          returns its history.
TrainResult fit(nn::Module& model, nn::Optimizer& optimizer, const ForwardFunction& forward,
                data::DataLoader& train, data::DataLoader* validation, const TrainOptions& options);

// The model's outputs on every example of a loader.
struct Predictions {
  Tensor probabilities;            // float32 [N, C]: softmax of the logits
  std::vector<int64_t> labels;     // [N]
  std::vector<std::string> songs;  // [N]
  std::vector<int64_t> indices;    // [N] each example's index in the data set
};

// Runs the model over `loader` (its order of epoch 0) in eval mode without gradients.
// Ensures: the model's train/eval mode is what it was before, even when an error is thrown.
Predictions predict(nn::Module& model, const ForwardFunction& forward, data::DataLoader& loader);

// The classification report of `predictions`, printed to stdout (format_report); with
// by_song also the song-level accuracies (summed probabilities and majority vote). When
// out_dir is not empty it writes there metrics.json (with "song_accuracy" from the summed
// probabilities, and "song_accuracy_vote", when by_song; plus `extra`),
// confusion_matrix.svg and confusion_matrix.png.
// Requires: as classification_report; by_song needs the songs of the predictions.
ClassificationReport evaluate_and_save(
    const Predictions& predictions, const std::vector<std::string>& classes,
    const std::string& out_dir, bool by_song,
    const std::vector<std::pair<std::string, JsonScalar>>& extra = {});

}  // namespace timbre::train
