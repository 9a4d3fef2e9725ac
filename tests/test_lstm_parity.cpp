// Parity of nn::LSTM with PyTorch 1.13's nn.LSTM: reference data in tests/data/torch/lstm_*
// (copied from the goldens; see tests/data/README.md). PyTorch's weights are loaded into the
// module's parameters by name, unchanged.
//
// Convention of the reference data: the scalar
//   L = sum(out * grad_out) + sum(h_n * grad_h_n) + sum(c_n * grad_c_n)
// was back-propagated, so building the same L from timbre ops and calling backward() must
// reproduce every stored gradient.
//
// Tolerances: float64 cases are computed in float64 by both sides, so only the order of sums
// differs, but the recurrence compounds rounding over the steps: rtol 1e-9, atol 1e-11. float32
// cases: rtol 1e-4, atol 1e-5 (float32 has ~7 digits, and 8 to 128 steps of recurrence amplify
// the different summation orders of our GEMM and PyTorch's).
#include <string>

#include "layers/lstm.h"
#include "test_helpers.h"

using namespace timbre;
using timbre::testing::all_close;
using timbre::testing::data_path;
using timbre::testing::load_torch;
using timbre::testing::Tolerance;
using timbre::testing::tolerance_for_suffix;

namespace {

Tolerance tolerance_for(const std::string& suffix) {
  return tolerance_for_suffix(suffix, {1e-9, 1e-11}, {1e-4, 1e-5});
}

// Replaces every parameter's values by the file "<prefix><name>.npy" of the case (its dtype
// too: an f64 case turns the module into float64).
void load_parameters(nn::Module& module, const std::string& case_name, const std::string& prefix) {
  for (const auto& [name, parameter] : module.named_parameters()) {
    nn::assign_data(parameter, load_torch(case_name, prefix + name));
  }
}

// Every parameter's gradient against the file "grad_<prefix><name>.npy".
void expect_parameter_grads(const nn::Module& module, const std::string& case_name,
                            const std::string& prefix, Tolerance tol) {
  for (const auto& [name, parameter] : module.named_parameters()) {
    EXPECT_TRUE(all_close(parameter.grad(), load_torch(case_name, "grad_" + prefix + name),
                          tol.rtol, tol.atol))
        << case_name << ": grad of " << name;
  }
}

// The cases lstm_{batchfirst,seqfirst}[_state]: LSTM(33, 16, 2), N = 3, T = 8.
void check_lstm_case(const std::string& case_name, bool with_state, Tolerance tol) {
  const bool batch_first = load_torch(case_name, "batch_first").item() != 0.0;
  nn::LSTM lstm(33, 16, 2, true, batch_first);
  load_parameters(lstm, case_name, "");
  Tensor x = load_torch(case_name, "x").set_requires_grad(true);
  std::optional<nn::LSTMState> state;
  Tensor h0, c0;
  if (with_state) {
    h0 = load_torch(case_name, "h0").set_requires_grad(true);
    c0 = load_torch(case_name, "c0").set_requires_grad(true);
    state = nn::LSTMState{h0, c0};
  }

  nn::LSTMOutput r = lstm.forward(x, state);
  EXPECT_TRUE(all_close(r.output, load_torch(case_name, "out"), tol.rtol, tol.atol)) << case_name;
  EXPECT_TRUE(all_close(r.h_n, load_torch(case_name, "h_n"), tol.rtol, tol.atol)) << case_name;
  EXPECT_TRUE(all_close(r.c_n, load_torch(case_name, "c_n"), tol.rtol, tol.atol)) << case_name;

  Tensor loss = sum(r.output * load_torch(case_name, "grad_out")) +
                sum(r.h_n * load_torch(case_name, "grad_h_n")) +
                sum(r.c_n * load_torch(case_name, "grad_c_n"));
  loss.backward();
  EXPECT_TRUE(all_close(x.grad(), load_torch(case_name, "grad_x"), tol.rtol, tol.atol))
      << case_name;
  if (with_state) {
    EXPECT_TRUE(all_close(h0.grad(), load_torch(case_name, "grad_h0"), tol.rtol, tol.atol));
    EXPECT_TRUE(all_close(c0.grad(), load_torch(case_name, "grad_c0"), tol.rtol, tol.atol));
  }
  expect_parameter_grads(lstm, case_name, "", tol);
}

class LSTMParity : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(LSTMParity, SequenceFirst) {
  check_lstm_case("lstm_seqfirst_" + GetParam(), false, tolerance_for(GetParam()));
}

TEST_P(LSTMParity, SequenceFirstWithInitialState) {
  check_lstm_case("lstm_seqfirst_state_" + GetParam(), true, tolerance_for(GetParam()));
}

TEST_P(LSTMParity, BatchFirst) {
  check_lstm_case("lstm_batchfirst_" + GetParam(), false, tolerance_for(GetParam()));
}

TEST_P(LSTMParity, BatchFirstWithInitialState) {
  check_lstm_case("lstm_batchfirst_state_" + GetParam(), true, tolerance_for(GetParam()));
}

TEST_P(LSTMParity, ClassifierOver128Steps) {
  // x [3, 128, 33] -> LSTM(33, 16, 2, batch_first) -> out[:, -1, :] -> Linear(16, 8)
  //   -> cross-entropy (mean). The head is built from ops: logits = h W^T + b and
  //   loss = mean_n(-log_softmax(logits)_n[y_n]).
  const std::string name = "lstm_classifier_" + GetParam();
  const Tolerance tol = tolerance_for(GetParam());
  nn::LSTM lstm(33, 16, 2, true, true);
  load_parameters(lstm, name, "lstm_");
  Tensor fc_weight = load_torch(name, "fc_weight").set_requires_grad(true);
  Tensor fc_bias = load_torch(name, "fc_bias").set_requires_grad(true);
  Tensor x = load_torch(name, "x").set_requires_grad(true);
  Tensor labels = load_torch(name, "y");

  Tensor last = lstm(x).select(1, -1);  // [N, 16]: the last step of each sequence
  Tensor logits = matmul(last, fc_weight.t()) + fc_bias;
  Tensor loss = -mean(gather(log_softmax(logits, 1), 1, labels.unsqueeze(1)));
  EXPECT_TRUE(all_close(logits, load_torch(name, "logits"), tol.rtol, tol.atol));
  Tensor expected_loss = load_torch(name, "loss");  // stored with shape () or (1,)
  EXPECT_TRUE(all_close(loss.reshape(expected_loss.sizes()), expected_loss, tol.rtol, tol.atol));

  loss.backward();
  EXPECT_TRUE(all_close(x.grad(), load_torch(name, "grad_x"), tol.rtol, tol.atol));
  EXPECT_TRUE(all_close(fc_weight.grad(), load_torch(name, "grad_fc_weight"), tol.rtol, tol.atol));
  EXPECT_TRUE(all_close(fc_bias.grad(), load_torch(name, "grad_fc_bias"), tol.rtol, tol.atol));
  expect_parameter_grads(lstm, name, "lstm_", tol);
}

INSTANTIATE_TEST_SUITE_P(Float32AndFloat64, LSTMParity, ::testing::Values("f32", "f64"));
