// cli/predict_command.cpp - `timbre predict`: run a trained model on a batch stored as .npy.
//
//   timbre predict --model clairvoyant_mlp --weights w.safetensors --input x.npy --out y.npy
//   timbre predict ... --labels t.npy                  also prints the mean cross-entropy
//   timbre predict ... --labels t.npy --grads g.safetensors   and writes every parameter's
//                                                             gradient of that loss
//
// Inputs are float32 and batch first: X [N, ...] for every model, including sutd_lstm, whose X
// is [N, T, 33] and is transposed here to the [T, N, 33] its forward takes. uconn_hybrid takes
// the image batch as --input and the feature batch as --input2. The model runs in eval mode
// (no dropout), so the same X always gives the same logits.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "examples/common/device.h"
#include "layers/checkpoint.h"
#include "layers/loss.h"
#include "layers/models/models.h"
#include "layers/models/uconn_hybrid.h"
#include "timbre.h"

namespace timbre::cli {

namespace {

struct PredictOptions {
  std::string model;
  std::string weights;
  std::string input;
  std::string input2;  // uconn_hybrid's features
  std::string out;
  std::string labels;  // optional: int64 [N]
  std::string grads;   // optional, needs labels
  std::string device = "auto";
};

// Reads a float32 .npy and checks its shape against `expected`, where -1 means any size.
// Ensures: a clear timbre::Error naming the file on any mismatch.
Tensor read_float_input(const std::string& path, const Shape& expected) {
  const Tensor x = read_npy(path);
  TIMBRE_CHECK(x.dtype() == DType::Float32, path, ": expected float32 values, got ",
               dtype_name(x.dtype()), " (in NumPy: x.astype(np.float32))");
  bool matches = x.dim() == static_cast<int64_t>(expected.size());
  for (int64_t d = 0; matches && d < x.dim(); ++d) {
    matches = expected[d] == -1 || expected[d] == x.size(d);
  }
  std::string wanted = "[";
  for (size_t d = 0; d < expected.size(); ++d) {
    wanted += (d > 0 ? ", " : "") +
              (expected[d] == -1 ? std::string(d == 0 ? "N" : "T") : std::to_string(expected[d]));
  }
  wanted += "]";
  TIMBRE_CHECK(matches, path, ": expected shape ", wanted, ", got ", shape_str(x.sizes()));
  return x;
}

// The batch-first shape X must have: the summary shape with a free batch size, and for
// sutd_lstm (whose summary shape is sequence-first [T, 1, 33]) [N, T, 33] with a free T.
Shape predict_shape(const models::ModelInfo& info) {
  if (info.name == "sutd_lstm") return {-1, -1, info.input_shape.back()};
  Shape shape = info.input_shape;
  shape[0] = -1;
  return shape;
}

// Writes every parameter's gradient under the parameter's name (after loss.backward()).
void write_gradients(const nn::Module& model, const std::string& path) {
  std::vector<nn::NamedTensor> gradients;
  for (const auto& [name, parameter] : model.named_parameters()) {
    // A parameter the loss does not reach has no gradient: its gradient is zero.
    const Tensor grad = parameter.grad();
    gradients.emplace_back(name, grad.defined() ? grad : zeros_like(parameter));
  }
  nn::write_safetensors(path, gradients);
  std::printf("wrote %s: %zu gradients\n", path.c_str(), gradients.size());
}

void run_predict(const PredictOptions& options) {
  const models::ModelInfo info = models::model_info(options.model);
  std::shared_ptr<nn::Module> model = models::make_model(options.model);
  nn::load(*model, options.weights);  // strict: every name, shape and dtype must match
  model->eval();
  model->to(examples::select_device(options.device));

  const bool two_inputs = !info.second_input_shape.empty();
  TIMBRE_CHECK(!two_inputs || !options.input2.empty(), options.model,
               " takes two inputs: give the features as --input2 F.npy");
  TIMBRE_CHECK(two_inputs || options.input2.empty(), "--input2 is only for a two-input model (",
               options.model, " takes one input)");

  const Tensor x = read_float_input(options.input, predict_shape(info));
  Tensor features;
  if (two_inputs) {
    Shape features_shape = info.second_input_shape;
    features_shape[0] = -1;
    features = read_float_input(options.input2, features_shape);
    TIMBRE_CHECK(features.size(0) == x.size(0), options.input2, ": ", features.size(0),
                 " rows but ", options.input, " has ", x.size(0));
  }
  Tensor labels;
  if (!options.labels.empty()) {
    labels = read_npy(options.labels);
    TIMBRE_CHECK(labels.dtype() == DType::Int64 && labels.dim() == 1 && labels.size(0) == x.size(0),
                 options.labels, ": expected int64 labels of shape [", x.size(0), "], got ",
                 dtype_name(labels.dtype()), " ", shape_str(labels.sizes()));
  }

  // Record a graph only when gradients are wanted.
  const bool want_gradients = !options.grads.empty();
  std::optional<NoGradGuard> no_grad;
  if (!want_gradients) no_grad.emplace();

  // Two inputs for uconn_hybrid; sutd_lstm's batch-first X is transposed to [T, N, 33].
  const Tensor logits = models::forward_batch_first(
      *model, features.defined() ? std::vector<Tensor>{x, features} : std::vector<Tensor>{x});
  write_npy(options.out, logits.detach().to(Device::cpu()));
  std::printf("wrote %s: logits %s\n", options.out.c_str(), shape_str(logits.sizes()).c_str());
  if (!labels.defined()) return;

  const Tensor loss = nn::cross_entropy(logits, labels.to(logits.device()));  // batch mean
  std::printf("loss: %.8f\n", loss.item());
  if (!want_gradients) return;
  loss.backward();
  write_gradients(*model, options.grads);
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto options = std::make_shared<PredictOptions>();
  CLI::App* command =
      app.add_subcommand("predict", "Run a model on X.npy and write its logits (and gradients)");
  command->add_option("--model", options->model, "Model name (see `timbre info`)")->required();
  command->add_option("--weights", options->weights, "Weights (.safetensors), loaded strictly")
      ->required();
  command->add_option("--input", options->input, "X.npy, float32, batch first")->required();
  command->add_option("--input2", options->input2, "F.npy, the features (uconn_hybrid only)");
  command->add_option("--device", options->device,
                      "cpu, cuda, cuda:N or auto (cuda when a GPU is usable; the default)");
  command->add_option("--out", options->out, "Y.npy to write the logits [N, classes] to")
      ->required();
  CLI::Option* labels =
      command->add_option("--labels", options->labels, "T.npy, int64 [N]: print the mean loss");
  command
      ->add_option("--grads", options->grads,
                   "G.safetensors: write each parameter's gradient of the loss")
      ->needs(labels);
  command->callback([options] { run_predict(*options); });
}

}  // namespace timbre::cli
