// Parity of the optimizers with PyTorch 1.13: five steps of torch.optim.Adam and torch.optim.SGD
// (momentum 0.9, weight decay 5e-4) on a small conv + linear model, stored in
// tests/data/torch/{adam5,sgd_momentum_wd5}_{f32,f64} (see tests/data/README.md).
//
// The optimizer is tested alone: the parameters start from init_<p>, and before step t their
// gradient is set to the stored step{t}_grad_<p> (the gradient PyTorch had before its update), so
// no forward or backward pass is involved. After each step the parameters and the optimizer
// state must equal the stored step{t}_<p>, step{t}_exp_avg_<p> / step{t}_exp_avg_sq_<p> (Adam)
// or step{t}_momentum_<p> (SGD).
//
// Tolerances: float64 runs the same formulas in the same order as PyTorch, so only the last bit
// can differ: rtol 1e-10, atol 1e-12. float32: rtol 1e-5, atol 1e-6 - each step rounds to ~7
// digits, and PyTorch's vectorised kernels may contract a * b + c into one fused multiply-add
// where we round twice; the differences stay at a few ulps over five steps.
#include <string>
#include <vector>

#include "layers/optim.h"
#include "test_helpers.h"

using namespace timbre;
using timbre::testing::all_close;
using timbre::testing::data_path;

namespace {

const std::vector<std::string> kParameterNames = {"conv_weight", "conv_bias", "fc_weight",
                                                  "fc_bias"};
constexpr int kSteps = 5;

struct Tolerance {
  double rtol, atol;
};

Tolerance tolerance_for(const std::string& suffix) {
  return suffix == "f64" ? Tolerance{1e-10, 1e-12} : Tolerance{1e-5, 1e-6};
}

Tensor load(const std::string& case_name, const std::string& array) {
  return read_npy(data_path("torch/" + case_name + "/" + array + ".npy"));
}

// Leaf parameters holding init_<p>, in kParameterNames order.
std::vector<Tensor> initial_parameters(const std::string& case_name) {
  std::vector<Tensor> parameters;
  for (const std::string& name : kParameterNames) {
    parameters.push_back(load(case_name, "init_" + name).set_requires_grad(true));
  }
  return parameters;
}

// The optimizer state entry "state.<i>.<buffer>".
Tensor state_entry(const nn::Optimizer& optimizer, size_t index, const std::string& buffer) {
  const std::string wanted = "state." + std::to_string(index) + "." + buffer;
  for (const auto& [name, tensor] : optimizer.state_dict()) {
    if (name == wanted) return tensor;
  }
  ADD_FAILURE() << "no optimizer state entry " << wanted;
  return Tensor();
}

// Runs the five stored steps; `state_files` maps each optimizer buffer to the stored array prefix.
void run_and_compare(nn::Optimizer& optimizer, const std::vector<Tensor>& parameters,
                     const std::string& case_name, const Tolerance& tol,
                     const std::vector<std::pair<std::string, std::string>>& state_files) {
  for (int t = 0; t < kSteps; ++t) {
    const std::string step = "step" + std::to_string(t) + "_";
    for (size_t i = 0; i < parameters.size(); ++i) {
      parameters[i].set_grad(load(case_name, step + "grad_" + kParameterNames[i]));
    }
    optimizer.step();
    for (size_t i = 0; i < parameters.size(); ++i) {
      const std::string& name = kParameterNames[i];
      EXPECT_TRUE(all_close(parameters[i], load(case_name, step + name), tol.rtol, tol.atol))
          << case_name << " step " << t << " parameter " << name;
      for (const auto& [buffer, file_prefix] : state_files) {
        EXPECT_TRUE(all_close(state_entry(optimizer, i, buffer),
                              load(case_name, step + file_prefix + name), tol.rtol, tol.atol))
            << case_name << " step " << t << " " << buffer << " of " << name;
      }
    }
  }
}

class OptimizerParity : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(OptimizerParity, AdamMatchesPyTorchOverFiveSteps) {
  const std::string case_name = "adam5_" + GetParam();
  std::vector<Tensor> parameters = initial_parameters(case_name);
  nn::Adam optimizer(parameters, /*learning_rate=*/1e-3, /*beta1=*/0.9, /*beta2=*/0.999,
                     /*eps=*/1e-8, /*weight_decay=*/0.0);
  run_and_compare(optimizer, parameters, case_name, tolerance_for(GetParam()),
                  {{"exp_avg", "exp_avg_"}, {"exp_avg_sq", "exp_avg_sq_"}});
}

TEST_P(OptimizerParity, SgdWithMomentumAndWeightDecayMatchesPyTorchOverFiveSteps) {
  const std::string case_name = "sgd_momentum_wd5_" + GetParam();
  std::vector<Tensor> parameters = initial_parameters(case_name);
  nn::SGD optimizer(parameters, /*learning_rate=*/0.01, /*momentum=*/0.9, /*dampening=*/0.0,
                    /*weight_decay=*/5e-4, /*nesterov=*/false);
  run_and_compare(optimizer, parameters, case_name, tolerance_for(GetParam()),
                  {{"momentum_buffer", "momentum_"}});
}

INSTANTIATE_TEST_SUITE_P(Float32AndFloat64, OptimizerParity, ::testing::Values("f32", "f64"));
