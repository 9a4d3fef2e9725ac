// tests/test_conv.cpp - conv2d, pooling and batch_norm: shapes, errors, hand-computed values, a
// direct-loop reference for the im2col + GEMM kernels (including the multi-band, multi-thread
// path), non-contiguous inputs, and the layers built on them.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "layers/batchnorm.h"
#include "layers/conv.h"
#include "layers/pooling.h"
#include "tensor/kernels_conv.h"
#include "test_helpers.h"
#include "timbre.h"

using namespace timbre;
using namespace timbre::testing;

namespace {

// The definition of a convolution, as seven plain loops (float64):
//   y[n][o][i][j] = bias[o] + sum_{c, kh, kw} w[o][c][kh][kw] * x[n][c][i*sh - ph + kh*dh][j*sw -
//   pw + kw*dw]
Tensor direct_conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, Conv2dParams p) {
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const int64_t O = w.size(0), KH = w.size(2), KW = w.size(3);
  const int64_t OH =
      conv_output_length(H, KH, p.stride.height, p.padding.height, p.dilation.height);
  const int64_t OW = conv_output_length(W, KW, p.stride.width, p.padding.width, p.dilation.width);
  Tensor y = zeros({N, O, OH, OW}, {.dtype = kFloat64});
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < O; ++o)
      for (int64_t i = 0; i < OH; ++i)
        for (int64_t j = 0; j < OW; ++j) {
          double sum = bias.defined() ? bias.at({o}) : 0.0;
          for (int64_t c = 0; c < C; ++c)
            for (int64_t kh = 0; kh < KH; ++kh)
              for (int64_t kw = 0; kw < KW; ++kw) {
                const int64_t ih = i * p.stride.height - p.padding.height + kh * p.dilation.height;
                const int64_t iw = j * p.stride.width - p.padding.width + kw * p.dilation.width;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                sum += w.at({o, c, kh, kw}) * x.at({n, c, ih, iw});
              }
          y.set_at({n, o, i, j}, sum);
        }
  return y;
}

Tensor random64(const Shape& sizes, uint64_t seed) {
  return random_uniform(sizes, seed, {.dtype = kFloat64});
}

}  // namespace

// ---- conv2d ------------------------------------------------------------------------------------

TEST(Conv2d, OutputShapes) {
  const Tensor x = zeros({2, 3, 9, 10});
  const Tensor w = zeros({4, 3, 3, 3});
  EXPECT_EQ(conv2d(x, w).sizes(), (Shape{2, 4, 7, 8}));
  EXPECT_EQ(conv2d(x, w, Tensor(), 1, 1).sizes(), (Shape{2, 4, 9, 10}));
  EXPECT_EQ(conv2d(x, w, Tensor(), 2, 0).sizes(), (Shape{2, 4, 4, 4}));
  EXPECT_EQ(conv2d(x, w, Tensor(), 2, 1).sizes(), (Shape{2, 4, 5, 5}));
  EXPECT_EQ(conv2d(x, w, Tensor(), 1, 0, 2).sizes(), (Shape{2, 4, 5, 6}));  // span 5
  EXPECT_EQ(conv2d(x, w, Tensor(), {1, 3}, {0, 2}).sizes(), (Shape{2, 4, 7, 4}));
  // SUTD conv1: 3 -> 6 channels, 5x5 on 288 x 432.
  EXPECT_EQ(conv2d(zeros({1, 3, 288, 432}), zeros({6, 3, 5, 5})).sizes(), (Shape{1, 6, 284, 428}));
}

TEST(Conv2d, ErrorsNameTheShapes) {
  const Tensor x = zeros({2, 3, 9, 10});
  EXPECT_ERROR_CONTAINS(conv2d(x, zeros({4, 2, 3, 3})), "input [2, 3, 9, 10] has 3 channels");
  EXPECT_ERROR_CONTAINS(conv2d(x, zeros({4, 2, 3, 3})), "weight [4, 2, 3, 3] expects 2");
  EXPECT_ERROR_CONTAINS(conv2d(x, zeros({4, 3, 11, 3})), "larger than the padded input 9x10");
  EXPECT_ERROR_CONTAINS(conv2d(x, zeros({4, 3, 11, 3})), "[4, 3, 11, 3]");
  EXPECT_ERROR_CONTAINS(conv2d(x, zeros({4, 3, 3, 3}), Tensor(), 1, 0, 5), "dilated 11x11");
  EXPECT_ERROR_CONTAINS(conv2d(zeros({3, 9, 10}), zeros({4, 3, 3, 3})), "[N, C, H, W]");
  EXPECT_ERROR_CONTAINS(conv2d(x, zeros({4, 3, 3, 3}), zeros({5})), "bias [5]");
  EXPECT_ERROR_CONTAINS(conv2d(x, zeros({4, 3, 3, 3}, {.dtype = kFloat64})), "dtypes differ");
  EXPECT_ERROR_CONTAINS(conv2d(x, zeros({4, 3, 3, 3}), Tensor(), 0), "stride must be >= 1");
}

TEST(Conv2d, HandComputedValues) {
  // x = 1..9 as a 3x3 image; a 2x2 kernel of ones sums each 2x2 window.
  const Tensor x = make({1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 1, 3, 3});
  const Tensor ones_kernel = make({1, 1, 1, 1}, {1, 1, 2, 2});
  expect_tensor(conv2d(x, ones_kernel), {1, 1, 2, 2}, {12, 16, 24, 28});
  expect_tensor(conv2d(x, ones_kernel, make({0.5}, {1})), {1, 1, 2, 2}, {12.5, 16.5, 24.5, 28.5});
  // Stride 2, padding 1: windows start at rows/columns -1 and 1.
  expect_tensor(conv2d(x, ones_kernel, Tensor(), 2, 1), {1, 1, 2, 2}, {1, 2 + 3, 4 + 7, 28});
  // Dilation 2: the taps are the four corners.
  expect_tensor(conv2d(x, ones_kernel, Tensor(), 1, 0, 2), {1, 1, 1, 1}, {1 + 3 + 7 + 9});
  // Cross-correlation, not convolution: the kernel is not flipped.
  const Tensor diagonal = make({1, 0, 0, -1}, {1, 1, 2, 2});
  expect_tensor(conv2d(x, diagonal), {1, 1, 2, 2}, {-4, -4, -4, -4});
  const Tensor corner = make({0, 1, 0, 0}, {1, 1, 2, 2});  // picks the top-right tap
  expect_tensor(conv2d(x, corner), {1, 1, 2, 2}, {2, 3, 5, 6});
}

TEST(Conv2d, MatchesDirectLoopsForManyGeometries) {
  struct Case {
    Shape x_sizes, w_sizes;
    Conv2dParams params;
  };
  const std::vector<Case> cases = {
      {{2, 3, 9, 10}, {4, 3, 3, 3}, {}},
      {{1, 2, 7, 5}, {3, 2, 2, 3}, {.stride = {2, 1}, .padding = {1, 2}}},
      {{2, 1, 11, 8}, {2, 1, 3, 2}, {.stride = 3, .padding = 1, .dilation = {2, 3}}},
      {{1, 4, 6, 6}, {5, 4, 1, 1}, {}},
      {{3, 2, 5, 5}, {2, 2, 5, 5}, {.padding = 2}},
  };
  uint64_t seed = 1;
  for (const Case& c : cases) {
    const Tensor x = random64(c.x_sizes, seed++);
    const Tensor w = random64(c.w_sizes, seed++);
    const Tensor b = random64({c.w_sizes[0]}, seed++);
    const Tensor y = kernels::conv2d(x, w, b, c.params);
    EXPECT_TRUE(all_close(y, direct_conv2d(x, w, b, c.params), 1e-12, 1e-12))
        << shape_str(c.x_sizes) << " * " << shape_str(c.w_sizes);
  }
}

TEST(Conv2d, ManyBandsAndThreadsMatchDirectLoops) {
  // Wide images with a 5x5 kernel on 3 channels: each band holds one or two output rows, so
  // there are many bands (split between threads) and images (backward-input split by image).
  const Tensor x = random64({3, 3, 12, 300}, 11);
  const Tensor w = random64({4, 3, 5, 5}, 12);
  const Conv2dParams params{.padding = {1, 2}};
  const Tensor y = kernels::conv2d(x, w, Tensor(), params);
  EXPECT_TRUE(all_close(y, direct_conv2d(x, w, Tensor(), params), 1e-12, 1e-12));

  // Gradients through the adjoint identity: for L = sum(y * g),
  //   dL/dx . dx_probe == L(x + dx_probe) - L(x)   exactly, since y is linear in x (and in w).
  const Tensor g = random64(y.sizes(), 13);
  const Tensor grad_x = kernels::conv2d_backward_input(g, w, x.sizes(), params);
  const Tensor grad_w = kernels::conv2d_backward_weight(g, x, w.sizes(), params);
  const Tensor probe_x = random64(x.sizes(), 14);
  const Tensor probe_w = random64(w.sizes(), 15);
  const double lhs_x = sum(grad_x * probe_x).item();
  const double rhs_x = sum(direct_conv2d(probe_x, w, Tensor(), params) * g).item();
  EXPECT_NEAR(lhs_x, rhs_x, 1e-9 * std::fabs(rhs_x));
  const double lhs_w = sum(grad_w * probe_w).item();
  const double rhs_w = sum(direct_conv2d(x, probe_w, Tensor(), params) * g).item();
  EXPECT_NEAR(lhs_w, rhs_w, 1e-9 * std::fabs(rhs_w));
}

TEST(Conv2d, Float32MatchesFloat64) {
  const Tensor x = random64({2, 3, 20, 30}, 21);
  const Tensor w = random64({6, 3, 5, 5}, 22);
  const Tensor y32 = conv2d(x.to(kFloat32), w.to(kFloat32), Tensor(), 2, 1);
  EXPECT_TRUE(all_close(y32, conv2d(x, w, Tensor(), 2, 1), 1e-5, 1e-5));
}

TEST(Conv2d, NonContiguousInputGivesTheSameResult) {
  const Tensor x = random64({2, 3, 8, 9}, 31);
  const Tensor w = random64({4, 3, 3, 3}, 32);
  // The same values stored as [N, C, W, H], viewed back as [N, C, H, W] through a transpose.
  const Tensor stored_transposed = x.transpose(2, 3).contiguous();
  const Tensor view = stored_transposed.transpose(2, 3);
  ASSERT_FALSE(view.is_contiguous());
  EXPECT_TRUE(all_close(conv2d(view, w, Tensor(), 1, 1), conv2d(x, w, Tensor(), 1, 1), 0, 0));
  // A sliced batch (offset into the storage).
  EXPECT_TRUE(all_close(conv2d(x.narrow(0, 1, 1), w), conv2d(x, w).narrow(0, 1, 1), 0, 0));
}

TEST(Conv2d, OnlyRequestedGradientsAreComputed) {
  const Tensor x = random64({1, 2, 5, 5}, 41);  // no requires_grad: an input image
  const Tensor w = random64({3, 2, 3, 3}, 42).set_requires_grad(true);
  const Tensor b = random64({3}, 43).set_requires_grad(true);
  sum(conv2d(x, w, b)).backward();
  EXPECT_FALSE(x.grad().defined());
  EXPECT_EQ(w.grad().sizes(), w.sizes());
  expect_tensor(b.grad(), {3}, {9, 9, 9});  // d sum(y) / d bias[o] = OH * OW = 9
}

// ---- Pooling ---------------------------------------------------------------------------------

TEST(MaxPool2d, ValuesIndicesAndShapes) {
  // 4x5 image 0..19; 2x2 windows, stride 2: the odd last column is dropped (floor mode).
  const Tensor x = arange(20.0).reshape({1, 1, 4, 5});
  auto [y, indices] = max_pool2d_with_indices(x, 2);
  expect_tensor(y, {1, 1, 2, 2}, {6, 8, 16, 18});
  expect_tensor(indices, {1, 1, 2, 2}, {6, 8, 16, 18});
  // ceil_mode keeps the partial last column.
  expect_tensor(max_pool2d(x, 2, 2, 0, true), {1, 1, 2, 3}, {6, 8, 9, 16, 18, 19});
  // Padding 1 with stride 2: padding is -inf and never chosen.
  expect_tensor(max_pool2d(x, 2, 2, 1), {1, 1, 3, 3}, {0, 2, 4, 10, 12, 14, 15, 17, 19});
  // Overlapping windows (stride 1, kernel 3).
  EXPECT_EQ(max_pool2d(x, 3, 1).sizes(), (Shape{1, 1, 2, 3}));
  EXPECT_EQ(max_pool2d(zeros({2, 3, 7, 9}), {3, 2}, Size2d{2, 1}).sizes(), (Shape{2, 3, 3, 8}));
}

TEST(MaxPool2d, TiesPickTheFirstAndNaNPropagates) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Tensor x = make({5, 5, 1, nan,  //
                         5, 1, 2, 3},
                        {1, 1, 2, 4}, kFloat64);
  auto [y, indices] = max_pool2d_with_indices(x, 2);
  EXPECT_EQ(y.at({0, 0, 0, 0}), 5.0);
  EXPECT_EQ(indices.at({0, 0, 0, 0}), 0.0);  // three 5s: the first in row-major order
  EXPECT_TRUE(std::isnan(y.at({0, 0, 0, 1})));
  EXPECT_EQ(indices.at({0, 0, 0, 1}), 3.0);
  // The gradient goes to the chosen entry only.
  Tensor leaf = x.clone().set_requires_grad(true);
  max_pool2d(leaf, 2).backward(ones({1, 1, 1, 2}, {.dtype = kFloat64}));
  expect_tensor(leaf.grad(), {1, 1, 2, 4}, {1, 0, 0, 1, 0, 0, 0, 0});
}

TEST(MaxPool2d, Errors) {
  EXPECT_ERROR_CONTAINS(max_pool2d(zeros({1, 1, 4, 4}), 2, 2, 2), "must be between 0 and half");
  EXPECT_ERROR_CONTAINS(max_pool2d(zeros({1, 1, 4, 4}), 5), "larger than the padded input");
  EXPECT_ERROR_CONTAINS(max_pool2d(zeros({4, 4}), 2), "[N, C, H, W]");
}

TEST(AvgPool2d, CountIncludePad) {
  const Tensor x = arange(1.0, 10.0).reshape({1, 1, 3, 3});
  expect_tensor(avg_pool2d(x, 2, 1), {1, 1, 2, 2}, {3, 4, 6, 7});
  // Padding 1, kernel 2, stride 2: window (0, 0) holds x[0][0] = 1 and three padding zeros.
  expect_tensor(avg_pool2d(x, 2, 2, 1), {1, 1, 2, 2}, {1.0 / 4, 5.0 / 4, 11.0 / 4, 28.0 / 4});
  expect_tensor(avg_pool2d(x, 2, 2, 1, false, false), {1, 1, 2, 2}, {1, 2.5, 5.5, 7});
  // The backward of a mean: each covered pixel gets g / divisor.
  Tensor leaf = x.clone().set_requires_grad(true);
  avg_pool2d(leaf, 2, 1).sum().backward();
  expect_tensor(leaf.grad(), {1, 1, 3, 3}, {0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25});
}

TEST(AdaptiveAvgPool2d, PyTorchWindows) {
  // 5 -> 3: windows [0, 2), [1, 4), [3, 5) (start floor(i*5/3), end ceil((i+1)*5/3)).
  const Tensor x = arange(5.0).reshape({1, 1, 1, 5});
  expect_tensor(adaptive_avg_pool2d(x, {1, 3}), {1, 1, 1, 3}, {0.5, 2, 3.5});
  // Global average pooling.
  const Tensor image = arange(24.0).reshape({1, 2, 3, 4});
  expect_tensor(adaptive_avg_pool2d(image, 1), {1, 2, 1, 1}, {5.5, 17.5});
  EXPECT_EQ(adaptive_avg_pool2d(zeros({2, 3, 7, 9}), {4, 2}).sizes(), (Shape{2, 3, 4, 2}));
}

// ---- Batch normalisation -----------------------------------------------------------------------

TEST(BatchNorm, TrainingNormalisesAndUpdatesRunningStatistics) {
  // One channel with values 1, 2, 3, 4: mean 2.5, biased var 1.25, unbiased var 5/3.
  const Tensor x = make({1, 2, 3, 4}, {4, 1}, kFloat64);
  Tensor running_mean = zeros({1}, {.dtype = kFloat64});
  Tensor running_var = ones({1}, {.dtype = kFloat64});
  const Tensor y = batch_norm(x, running_mean, running_var, Tensor(), Tensor(), true, 0.1, 0.0);
  const double s = std::sqrt(1.25);
  expect_tensor(y, {4, 1}, {-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s}, 1e-12);
  expect_tensor(running_mean, {1}, {0.25}, 1e-12);                  // 0.9*0 + 0.1*2.5
  expect_tensor(running_var, {1}, {0.9 + 0.1 * 5.0 / 3.0}, 1e-12);  // unbiased
  // Evaluation uses the running statistics.
  const Tensor z = batch_norm(x, running_mean, running_var, make({2}, {1}, kFloat64),
                              make({1}, {1}, kFloat64), false, 0.1, 0.0);
  const double rs = std::sqrt(0.9 + 0.1 * 5.0 / 3.0);
  expect_tensor(z, {4, 1},
                {2 * (1 - 0.25) / rs + 1, 2 * (2 - 0.25) / rs + 1, 2 * (3 - 0.25) / rs + 1,
                 2 * (4 - 0.25) / rs + 1},
                1e-12);
  EXPECT_ERROR_CONTAINS(
      batch_norm(make({1, 2}, {1, 2}), Tensor(), Tensor(), Tensor(), Tensor(), true),
      "more than 1 value per channel");
}

// ---- Layers ----------------------------------------------------------------------------------

TEST(Conv2dLayer, ParametersInitAndRepr) {
  nn::Conv2d conv(3, 6, 5);
  const auto named = conv.named_parameters();
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].first, "weight");
  EXPECT_EQ(named[0].second.sizes(), (Shape{6, 3, 5, 5}));
  EXPECT_EQ(named[1].first, "bias");
  const double bound = 1.0 / std::sqrt(75.0);  // fan_in = 3 * 5 * 5
  for (double v : conv.weight.to_vector<double>())
    EXPECT_LE(std::fabs(v), bound);
  for (double v : conv.bias.to_vector<double>())
    EXPECT_LE(std::fabs(v), bound);
  EXPECT_EQ(conv.extra_repr(), "3, 6, kernel_size=5, stride=1, padding=0, dilation=1, bias=true");
  EXPECT_EQ(conv(zeros({2, 3, 10, 12})).sizes(), (Shape{2, 6, 6, 8}));
  nn::Conv2d strided(2, 4, {3, 1}, 2, {1, 0}, 1, false);
  EXPECT_EQ(strided.named_parameters().size(), 1u);
  EXPECT_EQ(strided.extra_repr(),
            "2, 4, kernel_size=(3, 1), stride=2, padding=(1, 0), dilation=1, bias=false");
  EXPECT_ERROR_CONTAINS(conv(zeros({2, 4, 10, 12})), "expected input [N, 3, H, W]");
}

TEST(PoolingLayers, ForwardAndRepr) {
  nn::MaxPool2d max_pool(2);
  EXPECT_EQ(max_pool.extra_repr(), "kernel_size=2, stride=2, padding=0, ceil_mode=false");
  EXPECT_EQ(max_pool(zeros({1, 2, 5, 6})).sizes(), (Shape{1, 2, 2, 3}));
  nn::AvgPool2d avg_pool(3, 1, 1);
  EXPECT_EQ(avg_pool(zeros({1, 2, 5, 6})).sizes(), (Shape{1, 2, 5, 6}));
  nn::AdaptiveAvgPool2d global(1);
  EXPECT_EQ(global.extra_repr(), "output_size=1");
  EXPECT_EQ(global(zeros({4, 8, 5, 6})).sizes(), (Shape{4, 8, 1, 1}));
}

TEST(BatchNormLayers, NamesBuffersAndModes) {
  nn::BatchNorm2d bn(3);
  const auto params = bn.named_parameters();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].first, "weight");
  EXPECT_EQ(params[1].first, "bias");
  const auto buffers = bn.named_buffers();
  ASSERT_EQ(buffers.size(), 3u);
  EXPECT_EQ(buffers[0].first, "running_mean");
  EXPECT_EQ(buffers[1].first, "running_var");
  EXPECT_EQ(buffers[2].first, "num_batches_tracked");
  EXPECT_EQ(bn.extra_repr(), "3, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true");

  const Tensor x = random_uniform({4, 3, 5, 6}, 51, {}, 0.0, 2.0);
  const Tensor y = bn(x);
  // Training: every channel of the output has mean 0.
  for (double m : mean(y, {0, 2, 3}).to_vector<double>())
    EXPECT_NEAR(m, 0.0, 1e-5);
  EXPECT_EQ(bn.num_batches_tracked.item(), 1.0);
  EXPECT_EQ(bn.num_batches_tracked.dtype(), kInt64);
  expect_same(bn.running_mean, mean(x, {0, 2, 3}) * 0.1, 1e-6);
  bn.eval();
  const Tensor before = bn.running_mean.clone();
  bn(x);
  expect_same(bn.running_mean, before, 0.0);  // evaluation leaves the statistics alone
  EXPECT_EQ(bn.num_batches_tracked.item(), 1.0);

  nn::BatchNorm1d bn1(4, 1e-5, 0.1, false, false);
  EXPECT_TRUE(bn1.named_parameters().empty());
  EXPECT_TRUE(bn1.named_buffers().empty());
  EXPECT_EQ(bn1(random_uniform({5, 4}, 52, {})).sizes(), (Shape{5, 4}));
  EXPECT_EQ(bn1(random_uniform({5, 4, 7}, 53, {})).sizes(), (Shape{5, 4, 7}));
}
