// train/history.h - what happened in each epoch of a run, and the files that keep it:
// history.csv (for a spreadsheet or pandas.read_csv) and history.json (read back to resume).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace timbre::train {

// One epoch. Accuracies are fractions in [0, 1]; the validation fields are NaN when the run has
// no validation data.
struct EpochRecord {
  int64_t epoch = 0;  // 1-based
  double train_loss = 0.0;
  double train_accuracy = 0.0;
  double validation_loss = 0.0;
  double validation_accuracy = 0.0;
  double learning_rate = 0.0;  // the optimizer's learning rate during the epoch
  double seconds = 0.0;        // wall-clock time of the epoch, validation included
};

struct History {
  std::vector<EpochRecord> epochs;  // in order, epochs[i].epoch == i + 1
  int64_t best_epoch = 0;           // the epoch of best.safetensors; 0 before the first
  bool stopped_early = false;       // early stopping ended the run

  // The record of the best epoch. Requires best_epoch in [1, epochs.size()].
  const EpochRecord& best() const;
  // The accuracy that decides "best": validation accuracy, or training accuracy when the
  // record has no validation (NaN).
  static double selection_accuracy(const EpochRecord& record);
};

// Writes one header line and one line per epoch:
//   epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,learning_rate,seconds
// (an empty field where a value is NaN). Atomic (see data/text_file.h).
void write_history_csv(const std::string& path, const History& history);

// Writes {"best_epoch": 2, "stopped_early": false, "epochs": [{"epoch": 1, "train_loss": ...,
// ...}, ...]}, NaN as null, numbers with enough digits to read back exactly. Atomic.
void write_history_json(const std::string& path, const History& history);

// Reads what write_history_json wrote.
// Throws timbre::Error naming the file when it is missing, is not valid JSON, lacks a field,
// or its epochs are not numbered 1, 2, 3, ...
History read_history_json(const std::string& path);

}  // namespace timbre::train
