// Unit tests of nn::LSTM and nn::LSTMCell: shapes, parameters, initial states, errors, and the
// fused implementation against the LSTM equations written with plain differentiable ops.
#include <cmath>
#include <string>
#include <vector>

#include "layers/lstm.h"
#include "test_helpers.h"

using namespace timbre;
using timbre::testing::all_close;

namespace {

// The LSTM equations, one step at a time, from plain ops (matmul, narrow, sigmoid, tanh, ...):
// the readable reference the fused ops must agree with. x: [T, N, I] -> output [T, N, H].
nn::LSTMOutput reference_lstm(const nn::LSTM& lstm, const Tensor& x, const Tensor& h0,
                              const Tensor& c0) {
  const int64_t T = x.size(0), H = lstm.hidden_size;
  std::vector<Tensor> final_hidden, final_cell;
  Tensor layer_input = x;
  for (int64_t k = 0; k < lstm.num_layers; ++k) {
    Tensor h = h0.select(0, k), c = c0.select(0, k);
    std::vector<Tensor> outputs;
    for (int64_t t = 0; t < T; ++t) {
      Tensor a = matmul(layer_input.select(0, t), lstm.weight_ih[k].t()) + lstm.bias_ih[k] +
                 matmul(h, lstm.weight_hh[k].t()) + lstm.bias_hh[k];
      Tensor i = sigmoid(a.narrow(1, 0, H));
      Tensor f = sigmoid(a.narrow(1, H, H));
      Tensor g = tanh(a.narrow(1, 2 * H, H));
      Tensor o = sigmoid(a.narrow(1, 3 * H, H));
      c = f * c + i * g;
      h = o * tanh(c);
      outputs.push_back(h);
    }
    layer_input = stack(outputs, 0);
    final_hidden.push_back(h);
    final_cell.push_back(c);
  }
  return {.output = layer_input, .h_n = stack(final_hidden, 0), .c_n = stack(final_cell, 0)};
}

}  // namespace

// ---- Shapes -------------------------------------------------------------------------------

TEST(LSTM, SequenceFirstShapes) {
  nn::LSTM lstm(5, 7, 2);
  nn::LSTMOutput r = lstm.forward(randn({4, 3, 5}), std::nullopt);  // T = 4, N = 3
  EXPECT_EQ(r.output.sizes(), Shape({4, 3, 7}));
  EXPECT_EQ(r.h_n.sizes(), Shape({2, 3, 7}));
  EXPECT_EQ(r.c_n.sizes(), Shape({2, 3, 7}));
}

TEST(LSTM, BatchFirstShapes) {
  nn::LSTM lstm(5, 7, 2, true, true);
  nn::LSTMOutput r = lstm.forward(randn({3, 4, 5}), std::nullopt);  // N = 3, T = 4
  EXPECT_EQ(r.output.sizes(), Shape({3, 4, 7}));
  EXPECT_EQ(r.h_n.sizes(), Shape({2, 3, 7}));  // always [num_layers, N, H]
  EXPECT_EQ(r.c_n.sizes(), Shape({2, 3, 7}));
}

TEST(LSTM, OneInputForwardReturnsTheOutputSequence) {
  nn::LSTM lstm(5, 7);
  Tensor x = randn({4, 3, 5});
  Tensor out = lstm(x);
  EXPECT_TRUE(all_close(out, lstm.forward(x, std::nullopt).output, 0, 0));
}

TEST(LSTM, FinalHiddenStateIsTheLastOutputStep) {
  nn::LSTM sequence_first(5, 6, 2);
  Tensor x = randn({4, 3, 5});
  nn::LSTMOutput r = sequence_first.forward(x, std::nullopt);
  EXPECT_TRUE(all_close(r.h_n.select(0, 1), r.output.select(0, 3), 0, 0));

  nn::LSTM batch_first(5, 6, 2, true, true);
  nn::LSTMOutput b = batch_first.forward(x.transpose(0, 1), std::nullopt);
  EXPECT_TRUE(all_close(b.h_n.select(0, 1), b.output.select(1, 3), 0, 0));
}

// ---- Parameters ---------------------------------------------------------------------------

TEST(LSTM, ParametersHavePyTorchNamesOrderAndShapes) {
  nn::LSTM lstm(33, 128, 2);
  const std::vector<std::pair<std::string, Shape>> expected = {
      {"weight_ih_l0", {512, 33}}, {"weight_hh_l0", {512, 128}}, {"bias_ih_l0", {512}},
      {"bias_hh_l0", {512}},       {"weight_ih_l1", {512, 128}}, {"weight_hh_l1", {512, 128}},
      {"bias_ih_l1", {512}},       {"bias_hh_l1", {512}}};
  const std::vector<nn::NamedTensor> named = lstm.named_parameters();
  ASSERT_EQ(named.size(), expected.size());
  for (size_t p = 0; p < named.size(); ++p) {
    EXPECT_EQ(named[p].first, expected[p].first);
    EXPECT_EQ(named[p].second.sizes(), expected[p].second) << named[p].first;
    EXPECT_TRUE(named[p].second.requires_grad());
  }
  // 4H (I + H + 2) for layer 0 plus 4H (2H + 2) for layer 1.
  EXPECT_EQ(lstm.parameter_count(), 215552);
}

TEST(LSTM, WithoutBiasHasOnlyWeights) {
  nn::LSTM lstm(3, 4, 2, false);
  const std::vector<nn::NamedTensor> named = lstm.named_parameters();
  ASSERT_EQ(named.size(), 4u);
  EXPECT_EQ(named[0].first, "weight_ih_l0");
  EXPECT_EQ(named[3].first, "weight_hh_l1");
  EXPECT_EQ(lstm.forward(randn({2, 1, 3}), std::nullopt).output.sizes(), Shape({2, 1, 4}));
}

TEST(LSTM, ParametersAreUniformWithinOneOverSqrtHidden) {
  nn::LSTM lstm(10, 16, 2);
  const double bound = 1.0 / std::sqrt(16.0);
  for (const auto& [name, parameter] : lstm.named_parameters()) {
    const std::vector<double> values = parameter.to_vector<double>();
    double largest = 0.0;
    for (double v : values)
      largest = std::max(largest, std::fabs(v));
    EXPECT_LE(largest, bound) << name;
    EXPECT_GT(largest, 0.8 * bound) << name;  // the draws spread over the whole interval
  }
}

// ---- Initial state ------------------------------------------------------------------------

TEST(LSTM, MissingStateMeansZeros) {
  nn::LSTM lstm(5, 6, 2);
  Tensor x = randn({4, 3, 5});
  nn::LSTMOutput without = lstm.forward(x, std::nullopt);
  nn::LSTMOutput with_zeros = lstm.forward(x, nn::LSTMState{zeros({2, 3, 6}), zeros({2, 3, 6})});
  EXPECT_TRUE(all_close(without.output, with_zeros.output, 0, 0));
  EXPECT_TRUE(all_close(without.c_n, with_zeros.c_n, 0, 0));
}

TEST(LSTM, StateCarriesOverBetweenCalls) {
  // Running T = 6 steps at once equals 4 steps and then 2 more from the returned state.
  nn::LSTM lstm(5, 6, 2, true, true);
  Tensor x = randn({3, 6, 5}, {.dtype = kFloat64});
  lstm.to(kFloat64);
  nn::LSTMOutput whole = lstm.forward(x, std::nullopt);
  nn::LSTMOutput first = lstm.forward(x.narrow(1, 0, 4), std::nullopt);
  nn::LSTMOutput second = lstm.forward(x.narrow(1, 4, 2), nn::LSTMState{first.h_n, first.c_n});
  EXPECT_TRUE(all_close(second.output, whole.output.narrow(1, 4, 2), 1e-12, 1e-14));
  EXPECT_TRUE(all_close(second.h_n, whole.h_n, 1e-12, 1e-14));
  EXPECT_TRUE(all_close(second.c_n, whole.c_n, 1e-12, 1e-14));
}

// ---- The fused ops against the equations --------------------------------------------------

TEST(LSTM, MatchesTheEquationsBuiltFromPlainOps) {
  nn::LSTM lstm(3, 5, 2);
  lstm.to(kFloat64);
  Tensor x = randn({6, 2, 3}, {.dtype = kFloat64, .requires_grad = true});
  Tensor h0 = randn({2, 2, 5}, {.dtype = kFloat64, .requires_grad = true});
  Tensor c0 = randn({2, 2, 5}, {.dtype = kFloat64, .requires_grad = true});
  Tensor grad_out = randn({6, 2, 5}, {.dtype = kFloat64});
  Tensor grad_h = randn({2, 2, 5}, {.dtype = kFloat64});
  Tensor grad_c = randn({2, 2, 5}, {.dtype = kFloat64});
  auto loss_of = [&](const nn::LSTMOutput& r) {
    return sum(r.output * grad_out) + sum(r.h_n * grad_h) + sum(r.c_n * grad_c);
  };

  nn::LSTMOutput fused = lstm.forward(x, nn::LSTMState{h0, c0});
  loss_of(fused).backward();
  std::vector<Tensor> fused_grads = {x.grad(), h0.grad(), c0.grad()};
  for (const Tensor& p : lstm.parameters())
    fused_grads.push_back(p.grad());

  x.zero_grad();
  h0.zero_grad();
  c0.zero_grad();
  lstm.zero_grad();
  nn::LSTMOutput reference = reference_lstm(lstm, x, h0, c0);
  loss_of(reference).backward();
  std::vector<Tensor> reference_grads = {x.grad(), h0.grad(), c0.grad()};
  for (const Tensor& p : lstm.parameters())
    reference_grads.push_back(p.grad());

  EXPECT_TRUE(all_close(fused.output, reference.output, 1e-12, 1e-14));
  EXPECT_TRUE(all_close(fused.h_n, reference.h_n, 1e-12, 1e-14));
  EXPECT_TRUE(all_close(fused.c_n, reference.c_n, 1e-12, 1e-14));
  ASSERT_EQ(fused_grads.size(), reference_grads.size());
  for (size_t g = 0; g < fused_grads.size(); ++g) {
    EXPECT_TRUE(all_close(fused_grads[g], reference_grads[g], 1e-11, 1e-13)) << "gradient " << g;
  }
}

TEST(LSTM, LongSequenceBackwardWorks) {
  // 2000 steps: the graph is one node per layer, and backward loops instead of recursing.
  nn::LSTM lstm(2, 3);
  Tensor x = randn({2000, 1, 2});
  sum(lstm(x)).backward();
  EXPECT_EQ(lstm.weight_hh[0].grad().sizes(), Shape({12, 3}));
}

TEST(LSTM, NoGraphIsRecordedUnderNoGrad) {
  nn::LSTM lstm(3, 4);
  NoGradGuard no_grad;
  nn::LSTMOutput r = lstm.forward(randn({5, 2, 3}), std::nullopt);
  EXPECT_FALSE(r.output.requires_grad());
  EXPECT_FALSE(r.h_n.requires_grad());
}

// ---- Errors -------------------------------------------------------------------------------

TEST(LSTM, WrongInputShapesAreReported) {
  nn::LSTM lstm(5, 7, 2);
  EXPECT_ERROR_CONTAINS(lstm.forward(randn({4, 5}), std::nullopt), "[T, N, input_size]");
  EXPECT_ERROR_CONTAINS(lstm.forward(randn({4, 3, 6}), std::nullopt), "got [4, 3, 6]");
  nn::LSTM batch_first(5, 7, 1, true, true);
  EXPECT_ERROR_CONTAINS(batch_first.forward(randn({4, 3, 6}), std::nullopt), "[N, T, input_size]");
}

TEST(LSTM, WrongStateShapesAreReported) {
  nn::LSTM lstm(5, 7, 2);
  Tensor x = randn({4, 3, 5});
  EXPECT_ERROR_CONTAINS(lstm.forward(x, nn::LSTMState{zeros({1, 3, 7}), zeros({2, 3, 7})}),
                        "expected h0 of shape [num_layers, N, hidden_size] = [2, 3, 7], got "
                        "[1, 3, 7]");
  EXPECT_ERROR_CONTAINS(lstm.forward(x, nn::LSTMState{zeros({2, 3, 7}), zeros({2, 4, 7})}),
                        "expected c0 of shape");
}

TEST(LSTM, DtypeMismatchIsReported) {
  nn::LSTM lstm(5, 7);
  EXPECT_ERROR_CONTAINS(lstm.forward(randn({4, 3, 5}, {.dtype = kFloat64}), std::nullopt),
                        "the input is float64 but the parameters are float32");
}

TEST(LSTM, InvalidSizesAreReported) {
  EXPECT_ERROR_CONTAINS(nn::LSTM(0, 4), "must be positive");
  EXPECT_ERROR_CONTAINS(nn::LSTM(3, 4, 0), "must be positive");
}

// ---- LSTMCell -----------------------------------------------------------------------------

TEST(LSTMCell, ParametersHavePyTorchNames) {
  nn::LSTMCell cell(3, 4);
  const std::vector<nn::NamedTensor> named = cell.named_parameters();
  ASSERT_EQ(named.size(), 4u);
  EXPECT_EQ(named[0].first, "weight_ih");
  EXPECT_EQ(named[0].second.sizes(), Shape({16, 3}));
  EXPECT_EQ(named[1].first, "weight_hh");
  EXPECT_EQ(named[1].second.sizes(), Shape({16, 4}));
  EXPECT_EQ(named[2].first, "bias_ih");
  EXPECT_EQ(named[3].first, "bias_hh");
}

TEST(LSTMCell, StepsLikeAOneLayerLSTM) {
  nn::LSTM lstm(3, 4);
  nn::LSTMCell cell(3, 4);
  for (size_t p = 0; p < 4; ++p)
    nn::assign_data(cell.parameters()[p], lstm.parameters()[p]);
  Tensor x = randn({5, 2, 3});
  nn::LSTMOutput sequence = lstm.forward(x, std::nullopt);
  nn::LSTMState state{zeros({2, 4}), zeros({2, 4})};
  for (int64_t t = 0; t < 5; ++t) {
    state = cell.forward(x.select(0, t), state);
    EXPECT_TRUE(all_close(state.h, sequence.output.select(0, t), 1e-6, 1e-7)) << "step " << t;
  }
  EXPECT_TRUE(all_close(state.c, sequence.c_n.select(0, 0), 1e-6, 1e-7));
}

TEST(LSTMCell, ShapeErrorsAreReported) {
  nn::LSTMCell cell(3, 4);
  EXPECT_ERROR_CONTAINS(cell.forward(randn({2, 5}), std::nullopt),
                        "expected input [N, input_size] = [N, 3], got [2, 5]");
  EXPECT_ERROR_CONTAINS(cell.forward(randn({2, 3}), nn::LSTMState{zeros({2, 5}), zeros({2, 4})}),
                        "expected h of shape [N, hidden_size] = [2, 4], got [2, 5]");
}

TEST(LSTMCellOp, ChecksItsArguments) {
  EXPECT_ERROR_CONTAINS(lstm_cell(randn({2, 12}), randn({2, 4})),
                        "expected gate pre-activations of shape [2, 16]");
  EXPECT_ERROR_CONTAINS(lstm_cell(randn({2, 16}), randn({2, 4}, {.dtype = kFloat64})),
                        "is float64 but the gates are float32");
  EXPECT_ERROR_CONTAINS(
      lstm_recurrence(randn({3, 2, 16}), randn({16, 5}), zeros({2, 4}), zeros({2, 4})),
      "expected weight_hh of shape [4H, H], got [16, 5]");
}
