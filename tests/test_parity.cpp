// Parity with PyTorch 1.13: the reference data in tests/data/torch (copied from the goldens,
// made by PyTorch; see tests/data/README.md) against the same computation built from timbre ops.
//
// Convention of the reference data: the scalar L = sum(out * grad_out) is back-propagated, so
// backward(out, grad_out) must reproduce the stored gradients.
//
// Tolerances: float64 cases are computed in float64 by both sides, so only summation order
// differs: rtol 1e-10, atol 1e-12. float32 cases: rtol 1e-5, atol 1e-6 (float32 has ~7 digits;
// our GEMM and PyTorch's sum in different orders).
#include "test_helpers.h"

using namespace timbre;
using timbre::testing::all_close;
using timbre::testing::data_path;
using timbre::testing::load_torch;
using timbre::testing::Tolerance;
using timbre::testing::tolerance_for_suffix;

namespace {

Tolerance tolerance_for(const std::string& suffix) {
  return tolerance_for_suffix(suffix, {1e-10, 1e-12}, {1e-5, 1e-6});
}

class TorchParity : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(TorchParity, ReluMatchesForwardAndBackward) {
  const std::string name = "relu_" + GetParam();
  const Tolerance tol = tolerance_for(GetParam());
  Tensor x = load_torch(name, "x").set_requires_grad(true);
  Tensor out = relu(x);
  EXPECT_TRUE(all_close(out, load_torch(name, "out"), tol.rtol, tol.atol));
  out.backward(load_torch(name, "grad_out"));
  // The input holds exact zeros: PyTorch's gradient there is 0, and so is ours.
  EXPECT_TRUE(all_close(x.grad(), load_torch(name, "grad_x"), tol.rtol, tol.atol));
}

TEST_P(TorchParity, LinearMatchesForwardAndBackward) {
  // y = x W^T + b, built from matmul, transpose and a broadcast add.
  const std::string name = "linear_" + GetParam();
  const Tolerance tol = tolerance_for(GetParam());
  Tensor x = load_torch(name, "x").set_requires_grad(true);
  Tensor weight = load_torch(name, "weight").set_requires_grad(true);
  Tensor bias = load_torch(name, "bias").set_requires_grad(true);
  Tensor out = matmul(x, weight.t()) + bias;
  EXPECT_TRUE(all_close(out, load_torch(name, "out"), tol.rtol, tol.atol));
  out.backward(load_torch(name, "grad_out"));
  EXPECT_TRUE(all_close(x.grad(), load_torch(name, "grad_x"), tol.rtol, tol.atol));
  EXPECT_TRUE(all_close(weight.grad(), load_torch(name, "grad_weight"), tol.rtol, tol.atol));
  EXPECT_TRUE(all_close(bias.grad(), load_torch(name, "grad_bias"), tol.rtol, tol.atol));
}

TEST_P(TorchParity, CrossEntropyFromLogSoftmaxAndGather) {
  // L = mean_n(-log_softmax(z)_n[t_n]).
  const std::string name = "cross_entropy_" + GetParam();
  const Tolerance tol = tolerance_for(GetParam());
  Tensor logits = load_torch(name, "logits").set_requires_grad(true);
  Tensor labels = load_torch(name, "y");
  Tensor picked = gather(log_softmax(logits, 1), 1, labels.unsqueeze(1));
  Tensor loss = -mean(picked);
  // The reference file stores the scalar loss with shape (1,).
  EXPECT_TRUE(all_close(loss.reshape({1}), load_torch(name, "loss"), tol.rtol, tol.atol));
  loss.backward();
  EXPECT_TRUE(all_close(logits.grad(), load_torch(name, "grad_logits"), tol.rtol, tol.atol));
}

INSTANTIATE_TEST_SUITE_P(Float32AndFloat64, TorchParity, ::testing::Values("f32", "f64"));
