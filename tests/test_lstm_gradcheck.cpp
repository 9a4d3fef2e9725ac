// Gradient checks (float64, central differences) of the LSTM ops and layers: the fused cell op,
// the whole-layer recurrence op, and nn::LSTM / nn::LSTMCell with respect to their inputs, their
// initial states and ALL their parameters.
#include <vector>

#include "layers/lstm.h"
#include "test_helpers.h"

using namespace timbre;

namespace {

TensorOptions float64_leaf() {
  return {.dtype = kFloat64, .requires_grad = true};
}

// Every output of an LSTM as one flat vector, so gradcheck checks them all at once.
Tensor flat(const nn::LSTMOutput& r) {
  return concat({r.output.reshape({-1}), r.h_n.reshape({-1}), r.c_n.reshape({-1})}, 0);
}

// The module's parameters in float64, followed by `inputs`: what gradcheck perturbs. The module
// reads the same tensors, so perturbing them changes what its forward computes.
std::vector<Tensor> with_parameters(nn::Module& module, std::vector<Tensor> inputs) {
  module.to(kFloat64);
  for (const Tensor& p : module.parameters())
    inputs.push_back(p);
  return inputs;
}

}  // namespace

TEST(LSTMGradcheck, FusedCellOp) {
  // Pre-activations of moderate size, so every gate is away from saturation.
  Tensor gates = randn({2, 12}, float64_leaf());  // N = 2, H = 3
  Tensor cell = randn({2, 3}, float64_leaf());
  auto result = gradcheck([](const std::vector<Tensor>& in) { return lstm_cell(in[0], in[1]); },
                          {gates, cell});
  EXPECT_TRUE(result.passed) << result.message;
}

TEST(LSTMGradcheck, RecurrenceOp) {
  Tensor input_gates = randn({3, 2, 8}, float64_leaf());  // T = 3, N = 2, H = 2
  Tensor weight_hh = randn({8, 2}, float64_leaf());
  Tensor h0 = randn({2, 2}, float64_leaf());
  Tensor c0 = randn({2, 2}, float64_leaf());
  auto result = gradcheck(
      [](const std::vector<Tensor>& in) { return lstm_recurrence(in[0], in[1], in[2], in[3]); },
      {input_gates, weight_hh, h0, c0});
  EXPECT_TRUE(result.passed) << result.message;
}

TEST(LSTMGradcheck, TwoLayerSequenceFirstWithState) {
  // T = 3, N = 2, I = 3, H = 4, 2 layers: x, h0, c0 and all 8 parameters.
  nn::LSTM lstm(3, 4, 2);
  Tensor x = randn({3, 2, 3}, float64_leaf());
  Tensor h0 = randn({2, 2, 4}, float64_leaf());
  Tensor c0 = randn({2, 2, 4}, float64_leaf());
  auto result = gradcheck(
      [&lstm](const std::vector<Tensor>& in) {
        return flat(lstm.forward(in[0], nn::LSTMState{in[1], in[2]}));
      },
      with_parameters(lstm, {x, h0, c0}));
  EXPECT_TRUE(result.passed) << result.message;
}

TEST(LSTMGradcheck, TwoLayerBatchFirstZeroState) {
  nn::LSTM lstm(3, 4, 2, true, true);
  Tensor x = randn({2, 3, 3}, float64_leaf());  // N = 2, T = 3
  auto result = gradcheck(
      [&lstm](const std::vector<Tensor>& in) { return flat(lstm.forward(in[0], std::nullopt)); },
      with_parameters(lstm, {x}));
  EXPECT_TRUE(result.passed) << result.message;
}

TEST(LSTMGradcheck, WithoutBias) {
  nn::LSTM lstm(3, 4, 2, false);
  Tensor x = randn({3, 2, 3}, float64_leaf());
  auto result = gradcheck(
      [&lstm](const std::vector<Tensor>& in) { return flat(lstm.forward(in[0], std::nullopt)); },
      with_parameters(lstm, {x}));
  EXPECT_TRUE(result.passed) << result.message;
}

TEST(LSTMGradcheck, CellModule) {
  nn::LSTMCell cell(3, 4);
  Tensor x = randn({2, 3}, float64_leaf());
  Tensor h = randn({2, 4}, float64_leaf());
  Tensor c = randn({2, 4}, float64_leaf());
  auto result = gradcheck(
      [&cell](const std::vector<Tensor>& in) {
        nn::LSTMState next = cell.forward(in[0], nn::LSTMState{in[1], in[2]});
        return concat({next.h.reshape({-1}), next.c.reshape({-1})}, 0);
      },
      with_parameters(cell, {x, h, c}));
  EXPECT_TRUE(result.passed) << result.message;
}
