// layers/models/models.h - the registry of the reports' models (docs/models.md): build one by
// name, list them, and know the input each one expects.
//
//   std::shared_ptr<nn::Module> model = models::make_model("sutd_cnn");
//   std::printf("%s", nn::summary(*model, models::model_info("sutd_cnn").input_shape).c_str());
//
// Every model names its parameters exactly as the equivalent PyTorch module does, so a PyTorch
// state_dict saved as safetensors loads with nn::load, and timbre's checkpoints load in PyTorch.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "layers/module.h"

namespace timbre::models {

// What the registry knows about a model besides how to build it.
struct ModelInfo {
  std::string name;         // the name make_model takes, e.g. "sutd_cnn"
  std::string description;  // one line: which report, what architecture
  // The input nn::summary runs the model on, batch dimension included, in the layout the model's
  // forward takes (sequence-first [T, N, 33] for sutd_lstm).
  Shape input_shape;
  // The second input of a two-input model (uconn_hybrid's features [N, 57]); empty otherwise.
  Shape second_input_shape;
};

// Every model's name, in the order of docs/models.md.
std::vector<std::string> model_names();

// Requires: `name` is one of model_names().
// Ensures:  the model's ModelInfo; a timbre::Error listing the known names otherwise.
ModelInfo model_info(const std::string& name);

// Requires: `name` is one of model_names().
// Ensures:  a freshly initialised model (from the default generator, so manual_seed makes it
//           reproducible) in training mode; a timbre::Error listing the known names otherwise.
std::shared_ptr<nn::Module> make_model(const std::string& name);

// Runs a model on inputs in the data loaders' layout, batch dimension first (data::Batch):
//   one input          x [N, ...]                        -> model.forward(x)
//   SutdLstm           x [N, T, 33]                      -> forward(x transposed to [T, N, 33])
//                                                           unless the model is batch_first
//   UconnHybrid        image [N, 3, 128, 128], features [N, 57] -> forward(image, features)
// so the training labs and `timbre classify` call every model the same way.
// Inputs on another device than the model's (CPU batches, a model on a GPU) are moved to it.
// Requires: inputs.size() == 2 for UconnHybrid, 1 otherwise (else timbre::Error).
// Ensures:  the model's logits [N, classes], on the model's device.
Tensor forward_batch_first(nn::Module& model, const std::vector<Tensor>& inputs);

// One row per parameter: its name, shape and element count, then the total. Works for every
// model, including those whose forward takes two inputs (which nn::summary cannot run).
std::string parameter_table(const nn::Module& model);

// 14258870 -> "14,258,870", the way nn::summary prints counts.
std::string with_thousands(int64_t value);

}  // namespace timbre::models
