// layers/models/models.cpp - the registry: one table of every model, and make_model by name.
#include "layers/models/models.h"

#include <cstdio>
#include <functional>

#include "autograd/ops.h"
#include "layers/models/clairvoyant_mlp.h"
#include "layers/models/fma_cnn.h"
#include "layers/models/sutd_cnn.h"
#include "layers/models/sutd_lstm.h"
#include "layers/models/uconn_hybrid.h"
#include "tensor/error.h"

namespace timbre::models {

namespace {

struct Entry {
  ModelInfo info;
  std::function<std::shared_ptr<nn::Module>()> build;
};

// The one place a model is added: its name, description, summary input(s) and constructor.
const std::vector<Entry>& registry() {
  static const std::vector<Entry> entries = {
      {{"sutd_cnn",
        "SUTD 50.039 Basic CNN on 3x288x432 spectrogram images, head 120-84-10",
        {1, 3, 288, 432},
        {}},
       [] { return std::make_shared<SutdCnn>(120, 84); }},
      {{"sutd_cnn_wide",
        "SUTD Basic CNN with the best run's wide head 1024-108-10",
        {1, 3, 288, 432},
        {}},
       [] { return std::make_shared<SutdCnn>(1024, 108); }},
      {{"sutd_lstm",
        "SUTD 2-layer LSTM(33, 128) on per-frame features, sequence-first [T, N, 33]",
        {128, 1, 33},
        {}},
       [] { return std::make_shared<SutdLstm>(false); }},
      {{"clairvoyant_mlp", "Clairvoyant dense 58-512-256-128-64-10 with Dropout 0.2", {1, 58}, {}},
       [] { return std::make_shared<ClairvoyantMlp>(0.2); }},
      {{"uconn_hybrid",
        "UConn hybrid: CNN on 3x128x128 mel images + MLP on 57 features",
        {1, 3, 128, 128},
        {1, 57}},
       [] { return std::make_shared<UconnHybrid>(); }},
      {{"fma_cnn", "FMA slides CNN on 1x128x130 mel segments, 8 genres", {1, 1, 128, 130}, {}},
       [] { return std::make_shared<FmaCnn>(); }},
  };
  return entries;
}

const Entry& find_entry(const std::string& name) {
  std::string known;
  for (const Entry& entry : registry()) {
    if (entry.info.name == name) return entry;
    known += (known.empty() ? "" : ", ") + entry.info.name;
  }
  throw Error("unknown model '" + name + "' (known models: " + known + ")");
}

}  // namespace

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const Entry& entry : registry())
    names.push_back(entry.info.name);
  return names;
}

ModelInfo model_info(const std::string& name) {
  return find_entry(name).info;
}

std::shared_ptr<nn::Module> make_model(const std::string& name) {
  return find_entry(name).build();
}

std::string parameter_table(const nn::Module& model) {
  const std::string rule(88, '=');
  char line[256];
  std::string out = rule + "\n";
  std::snprintf(line, sizeof(line), "%-44s %-28s %14s\n", "Parameter", "Shape", "Count");
  out += line + std::string(88, '-') + "\n";
  for (const auto& [name, tensor] : model.named_parameters()) {
    std::snprintf(line, sizeof(line), "%-44s %-28s %14s\n", name.c_str(),
                  shape_str(tensor.sizes()).c_str(), with_thousands(tensor.numel()).c_str());
    out += line;
  }
  out += rule + "\n";
  out += "Total params: " + with_thousands(model.parameter_count()) + "\n";
  return out;
}

std::string with_thousands(int64_t value) {
  const std::string digits = std::to_string(value < 0 ? -value : value);
  std::string result = value < 0 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) result += ',';
    result += digits[i];
  }
  return result;
}

}  // namespace timbre::models

namespace timbre::models {

Tensor forward_batch_first(nn::Module& model, const std::vector<Tensor>& batch_inputs) {
  // The data loaders make batches on the CPU; a model on a GPU gets them moved there.
  const Device device = model.device();
  std::vector<Tensor> inputs;
  for (const Tensor& input : batch_inputs)
    inputs.push_back(input.to(device));
  if (auto* hybrid = dynamic_cast<UconnHybrid*>(&model)) {
    TIMBRE_CHECK(inputs.size() == 2, "uconn_hybrid takes two inputs (image, features), got ",
                 inputs.size());
    return hybrid->forward(inputs[0], inputs[1]);
  }
  TIMBRE_CHECK(inputs.size() == 1, "this model takes one input, got ", inputs.size());
  if (auto* lstm = dynamic_cast<SutdLstm*>(&model); lstm != nullptr && !lstm->batch_first) {
    return lstm->forward(transpose(inputs[0], 0, 1).contiguous());  // [N, T, 33] -> [T, N, 33]
  }
  return model.forward(inputs[0]);
}

}  // namespace timbre::models
