// tests/test_conv_parity.cpp - conv2d and max_pool2d against PyTorch 1.13 reference data in
// tests/data/torch (copied from the goldens; see tests/data/README.md).
//
// Convention of the reference data: L = sum(out * grad_out) was back-propagated, so
// out.backward(grad_out) must reproduce the stored gradients.
//
// Tolerances: float64 cases are computed in float64 on both sides and differ only in summation
// order: rtol 1e-10, atol 1e-12. float32 cases: rtol 1e-5, atol 1e-5 (float32 carries ~7 digits;
// a 27-term dot product summed in another order, and gradients summed over up to 160 output
// pixels, lose a few of them).
#include "test_helpers.h"

using namespace timbre;
using timbre::testing::all_close;
using timbre::testing::data_path;
using timbre::testing::load_torch;
using timbre::testing::Tolerance;
using timbre::testing::tolerance_for_suffix;

namespace {

Tolerance tolerance_for(const std::string& suffix) {
  return tolerance_for_suffix(suffix, {1e-10, 1e-12}, {1e-5, 1e-5});
}

// The int64 scalars stride/padding (stored with shape () or (1,): item() reads either).
int64_t load_scalar(const std::string& case_name, const std::string& array) {
  return static_cast<int64_t>(load_torch(case_name, array).item());
}

// (case prefix, dtype suffix)
class ConvParity : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};
class MaxPoolParity : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

}  // namespace

TEST_P(ConvParity, ForwardAndAllGradients) {
  const auto& [prefix, suffix] = GetParam();
  const std::string name = prefix + "_" + suffix;
  const Tolerance tol = tolerance_for(suffix);
  Tensor x = load_torch(name, "x").set_requires_grad(true);
  Tensor weight = load_torch(name, "weight").set_requires_grad(true);
  Tensor bias = load_torch(name, "bias").set_requires_grad(true);
  const int64_t stride = load_scalar(name, "stride"), padding = load_scalar(name, "padding");
  Tensor out = conv2d(x, weight, bias, stride, padding);
  EXPECT_TRUE(all_close(out, load_torch(name, "out"), tol.rtol, tol.atol));
  out.backward(load_torch(name, "grad_out"));
  EXPECT_TRUE(all_close(x.grad(), load_torch(name, "grad_x"), tol.rtol, tol.atol));
  EXPECT_TRUE(all_close(weight.grad(), load_torch(name, "grad_weight"), tol.rtol, tol.atol));
  EXPECT_TRUE(all_close(bias.grad(), load_torch(name, "grad_bias"), tol.rtol, tol.atol));
}

INSTANTIATE_TEST_SUITE_P(StrideAndPadding, ConvParity,
                         ::testing::Combine(::testing::Values("conv2d_s1_p0", "conv2d_s1_p1",
                                                              "conv2d_s2_p0", "conv2d_s2_p1"),
                                            ::testing::Values("f32", "f64")));

TEST_P(MaxPoolParity, ForwardIndicesAndGradient) {
  // MaxPool2d(2): kernel 2, stride 2, no padding, floor mode. The _ties cases hold exact ties,
  // where PyTorch (CPU) routes the gradient to the first maximum in row-major window order.
  const auto& [prefix, suffix] = GetParam();
  const std::string name = prefix + "_" + suffix;
  const Tolerance tol = tolerance_for(suffix);
  Tensor x = load_torch(name, "x").set_requires_grad(true);
  auto [out, indices] = max_pool2d_with_indices(x, 2);
  EXPECT_TRUE(all_close(out, load_torch(name, "out"), 0.0, 0.0));  // a max is exact
  EXPECT_TRUE(all_close(indices, load_torch(name, "argmax_flat_hw"), 0.0, 0.0));
  out.backward(load_torch(name, "grad_out"));
  EXPECT_TRUE(all_close(x.grad(), load_torch(name, "grad_x"), tol.rtol, tol.atol));
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutTies, MaxPoolParity,
                         ::testing::Combine(::testing::Values("maxpool2d", "maxpool2d_ties"),
                                            ::testing::Values("f32", "f64")));
