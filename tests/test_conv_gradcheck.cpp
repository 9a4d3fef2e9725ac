// tests/test_conv_gradcheck.cpp - the backward passes of conv2d, the pools and batch_norm
// against central finite differences (float64, small seeded inputs). Max pooling gets distinct
// values spaced apart, so that no perturbation of 1e-6 changes which entry is a window's max.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "test_helpers.h"
#include "timbre.h"

using namespace timbre;
using namespace timbre::testing;

namespace {

const TensorOptions kGrad{.dtype = kFloat64, .requires_grad = true};

Tensor random_input(const Shape& sizes, uint64_t seed) {
  return random_uniform(sizes, seed, kGrad);
}

// A shuffled ramp 0, 0.1, 0.2, ...: distinct values at least 0.1 apart.
Tensor distinct_values(const Shape& sizes, uint64_t seed) {
  std::vector<double> values(shape_numel(sizes));
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = 0.1 * static_cast<double>(i);
  Generator generator(seed);
  for (size_t i = values.size(); i > 1; --i) {  // Fisher-Yates with our own generator
    const size_t j = static_cast<size_t>(generator.uniform() * static_cast<double>(i));
    std::swap(values[i - 1], values[std::min(j, i - 1)]);
  }
  return from_vector(values, sizes, kGrad);
}

}  // namespace

TEST(ConvGradcheck, Conv2dStridePaddingDilationWithBias) {
  struct Case {
    Size2d stride, padding, dilation;
  };
  const std::vector<Case> cases = {
      {1, 0, 1},           {1, 1, 1}, {2, 0, 1},           {2, 1, 1},
      {{1, 2}, {2, 1}, 1}, {1, 1, 2}, {{2, 1}, 0, {1, 2}},
  };
  uint64_t seed = 100;
  for (const Case& c : cases) {
    const Tensor x = random_input({2, 2, 6, 7}, seed++);
    const Tensor w = random_input({3, 2, 3, 2}, seed++);
    const Tensor b = random_input({3}, seed++);
    EXPECT_GRADCHECK(
        [&](const std::vector<Tensor>& in) {
          return conv2d(in[0], in[1], in[2], c.stride, c.padding, c.dilation);
        },
        {x, w, b});
  }
}

TEST(ConvGradcheck, Conv2dWithoutBias) {
  EXPECT_GRADCHECK(
      [](const std::vector<Tensor>& in) { return conv2d(in[0], in[1], Tensor(), 1, 2); },
      {random_input({1, 3, 4, 5}, 120), random_input({2, 3, 3, 3}, 121)});
}

TEST(ConvGradcheck, MaxPool2d) {
  EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return max_pool2d(in[0], 2); },
                   {distinct_values({2, 2, 5, 7}, 130)});
  // Overlapping windows (stride 1) and padding; ceil_mode.
  EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return max_pool2d(in[0], 3, 1, 1); },
                   {distinct_values({1, 2, 5, 6}, 131)});
  EXPECT_GRADCHECK(
      [](const std::vector<Tensor>& in) {
        return max_pool2d(in[0], {2, 3}, Size2d{2, 2}, 0, true);
      },
      {distinct_values({1, 2, 5, 8}, 132)});
}

TEST(ConvGradcheck, AvgPool2d) {
  for (bool count_include_pad : {true, false}) {
    EXPECT_GRADCHECK(
        [&](const std::vector<Tensor>& in) {
          return avg_pool2d(in[0], 3, 2, 1, false, count_include_pad);
        },
        {random_input({2, 2, 6, 7}, 140)});
    EXPECT_GRADCHECK(
        [&](const std::vector<Tensor>& in) {
          return avg_pool2d(in[0], 2, 2, 1, true, count_include_pad);
        },
        {random_input({1, 2, 5, 5}, 141)});
  }
}

TEST(ConvGradcheck, AdaptiveAvgPool2d) {
  EXPECT_GRADCHECK(
      [](const std::vector<Tensor>& in) {
        return adaptive_avg_pool2d(in[0], {3, 2});
      },
      {random_input({2, 2, 5, 7}, 150)});
  EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return adaptive_avg_pool2d(in[0], 1); },
                   {random_input({2, 3, 4, 3}, 151)});
}

TEST(ConvGradcheck, BatchNormTrainingThroughBatchStatistics) {
  // [N, C]: statistics over N; gradients for x, weight and bias.
  EXPECT_GRADCHECK(
      [](const std::vector<Tensor>& in) {
        return batch_norm(in[0], Tensor(), Tensor(), in[1], in[2], true);
      },
      {random_input({5, 3}, 160), random_input({3}, 161), random_input({3}, 162)});
  // [N, C, H, W]: statistics over N, H, W; running statistics updated on the side.
  const Tensor running_mean = zeros({2}, {.dtype = kFloat64});
  const Tensor running_var = ones({2}, {.dtype = kFloat64});
  EXPECT_GRADCHECK(
      [&](const std::vector<Tensor>& in) {
        return batch_norm(in[0], running_mean, running_var, in[1], in[2], true);
      },
      {random_input({2, 2, 3, 4}, 163), random_input({2}, 164), random_input({2}, 165)});
}

TEST(ConvGradcheck, BatchNormEvaluation) {
  const Tensor running_mean = make({0.2, -0.3}, {2}, kFloat64);
  const Tensor running_var = make({1.5, 0.7}, {2}, kFloat64);
  EXPECT_GRADCHECK(
      [&](const std::vector<Tensor>& in) {
        return batch_norm(in[0], running_mean, running_var, in[1], in[2], false);
      },
      {random_input({3, 2, 2, 2}, 170), random_input({2}, 171), random_input({2}, 172)});
}
