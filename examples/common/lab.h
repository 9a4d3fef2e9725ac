// examples/common/lab.h - the steps every training lab ends with: turn the common flags into the
// trainer's options, measure the best epoch's model on the validation data, and report errors
// as one clear line.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/loader.h"
#include "data/model_input.h"
#include "examples/common/flags.h"
#include "layers/module.h"
#include "train/trainer.h"

namespace timbre::examples {

// Runs a lab's body: returns its exit status, or prints "<program>: <message>" and returns 1
// for a timbre::Error or any other exception (bad data, a missing file, a wrong shape).
int run_lab(const std::string& program, const std::function<int()>& body);

// The trainer's options from the common flags: epochs, --out, --patience, --resume, progress
// bars, the class names (which fit saves as the metadata "classes", a JSON array), and the
// checkpoint metadata `timbre classify` reads back: "model" (a models::model_names() entry) and
// the input recipe.
train::TrainOptions train_options(const CommonFlags& flags, const std::vector<std::string>& classes,
                                  const std::string& model_name, const data::InputRecipe& recipe);

// Loads the best epoch's weights (result.best_checkpoint) into `model`, predicts `loader`
// (validation or test data), prints the per-class table and writes metrics.json and the
// confusion matrix pictures into --out. `part` names the data ("validation" or "test") in the
// messages. With song_level the items are segments of songs and
// song accuracy (summed probabilities per song) is reported too. Returns 0.
int evaluate_best(nn::Module& model, const train::ForwardFunction& forward,
                  data::DataLoader& loader, const std::vector<std::string>& classes,
                  const CommonFlags& flags, const train::TrainResult& result, bool song_level,
                  const std::string& part = "validation");

// The items that are not SpecAugment copies (preprocessing names those "<stem>.mask<k>.png").
data::ClipList without_masked_copies(const data::ClipList& items);

}  // namespace timbre::examples
