// tests/test_softmax.cpp - softmax and log_softmax: normalisation, agreement with the direct
// formula, stability for huge logits, and every choice of dim.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "test_helpers.h"
#include "timbre.h"

using namespace timbre;
using namespace timbre::testing;

namespace {

Tensor random_logits(const Shape& sizes, uint64_t seed, DType dtype = kFloat64) {
  Generator generator(seed);
  return randn(sizes, {.dtype = dtype}, &generator) * 2.0;
}

// softmax of x along `dim`, written out: exp(x) / sum exp(x), computed in float64.
Tensor direct_softmax(const Tensor& x, int64_t dim) {
  const Tensor e = exp(x.to(kFloat64));
  return e / sum(e, {dim}, true);
}

}  // namespace

TEST(Softmax, RowsSumToOne) {
  const Tensor y = softmax(random_logits({4, 7}, 1), 1);
  const std::vector<double> sums = sum(y, {1}).to_vector<double>();
  for (double s : sums)
    EXPECT_NEAR(s, 1.0, 1e-12);
}

TEST(Softmax, ValuesArePositive) {
  for (double v : softmax(random_logits({3, 5}, 2), 1).to_vector<double>())
    EXPECT_GT(v, 0.0);
}

TEST(Softmax, MatchesDirectFormula) {
  const Tensor x = random_logits({3, 5}, 3);
  expect_same(softmax(x, 1), direct_softmax(x, 1), 1e-12);
}

TEST(Softmax, KnownValues) {
  // softmax([0, log 3]) = [1/4, 3/4]
  expect_same(softmax(make({0, std::log(3.0)}, {2}, kFloat64), 0),
              make({0.25, 0.75}, {2}, kFloat64), 1e-12);
}

TEST(Softmax, IsInvariantToAddingAConstant) {
  const Tensor x = random_logits({2, 6}, 4);
  expect_same(softmax(x + 50.0, 1), softmax(x, 1), 1e-12);
}

TEST(Softmax, KeepsFloat32Dtype) {
  const Tensor x = random_logits({2, 3}, 5, kFloat32);
  const Tensor y = softmax(x, 1);
  EXPECT_EQ(y.dtype(), kFloat32);
  expect_same(y, direct_softmax(x, 1), 1e-6);
}

TEST(Softmax, IsStableForHugeLogits) {
  const Tensor y = softmax(make({1000, -1000, 0, 1000, 1000, -1000}, {2, 3}), 1);
  expect_all_finite(y);
  expect_same(y, make({1, 0, 0, 0.5, 0.5, 0}, {2, 3}), 1e-6);
}

TEST(Softmax, IsStableForHugeNegativeLogits) {
  const Tensor y = softmax(make({-1000, -1001, -1000}, {3}, kFloat64), 0);
  expect_all_finite(y);
  const double e = std::exp(-1.0);
  expect_same(y, make({1 / (2 + e), e / (2 + e), 1 / (2 + e)}, {3}, kFloat64), 1e-12);
}

TEST(Softmax, AlongDimZeroNormalisesColumns) {
  const Tensor x = random_logits({4, 3}, 6);
  const Tensor y = softmax(x, 0);
  expect_same(sum(y, {0}), ones({3}, {.dtype = kFloat64}), 1e-12);
  expect_same(y, direct_softmax(x, 0), 1e-12);
}

TEST(Softmax, AlongMiddleDimOfThreeDimTensor) {
  const Tensor x = random_logits({2, 3, 4}, 7);
  const Tensor y = softmax(x, 1);
  ASSERT_EQ(y.sizes(), (Shape{2, 3, 4}));
  expect_same(sum(y, {1}), ones({2, 4}, {.dtype = kFloat64}), 1e-12);
  expect_same(y, direct_softmax(x, 1), 1e-12);
}

TEST(Softmax, AlongLastDimOfThreeDimTensor) {
  const Tensor x = random_logits({2, 3, 4}, 8);
  expect_same(softmax(x, 2), direct_softmax(x, 2), 1e-12);
}

TEST(Softmax, NegativeDimCountsFromTheEnd) {
  const Tensor x = random_logits({2, 3, 4}, 9);
  expect_same(softmax(x, -1), softmax(x, 2), 0.0);
  expect_same(softmax(x, -2), softmax(x, 1), 0.0);
}

TEST(Softmax, OnTransposedInput) {
  const Tensor x = random_logits({3, 5}, 10).t();
  ASSERT_FALSE(x.is_contiguous());
  expect_same(softmax(x, 1), softmax(x.contiguous(), 1), 1e-15);
  expect_same(softmax(x, 0), direct_softmax(x, 0), 1e-12);
}

TEST(Softmax, GivesZeroWeightToMinusInfinity) {
  const Tensor y = softmax(make({-INFINITY, 0, -INFINITY, 0}, {4}, kFloat64), 0);
  expect_same(y, make({0, 0.5, 0, 0.5}, {4}, kFloat64), 1e-15);
}

TEST(Softmax, OverASizeOneDimGivesOnes) {
  expect_same(softmax(random_logits({3, 1}, 16), 1), ones({3, 1}, {.dtype = kFloat64}), 0.0);
}

TEST(Softmax, LargeInputMatchesDirectFormula) {
  // 64 x 1024 = 65536 elements: above the size at which the kernel splits rows over threads.
  const Tensor x = random_logits({64, 1024}, 17);
  expect_same(softmax(x, 1), direct_softmax(x, 1), 1e-12);
  expect_same(softmax(x, 0), direct_softmax(x, 0), 1e-12);
}

TEST(Softmax, RejectsOutOfRangeDim) {
  EXPECT_THROW(softmax(zeros({2, 3}), 2), Error);
}

TEST(Softmax, RejectsInt64) {
  EXPECT_THROW(softmax(from_vector(std::vector<int64_t>{1, 2}, {2}), 0), Error);
}

// ---- log_softmax ------------------------------------------------------------------------------

TEST(LogSoftmax, EqualsLogOfSoftmaxForModerateInputs) {
  const Tensor x = random_logits({4, 6}, 11);
  expect_same(log_softmax(x, 1), log(softmax(x, 1)), 1e-12);
  expect_same(log_softmax(x, 0), log(softmax(x, 0)), 1e-12);
}

TEST(LogSoftmax, EqualsXMinusLogSumExp) {
  const Tensor x = random_logits({3, 4}, 12);
  expect_same(log_softmax(x, 1), x - log(sum(exp(x), {1}, true)), 1e-12);
}

TEST(LogSoftmax, ExponentialsSumToOne) {
  const Tensor z = log_softmax(random_logits({3, 5}, 13), 1);
  for (double s : sum(exp(z), {1}).to_vector<double>())
    EXPECT_NEAR(s, 1.0, 1e-12);
}

TEST(LogSoftmax, IsStableForHugeLogits) {
  // log_softmax([1000, -1000, 0]) = [0, -2000, -1000]: finite where log(softmax) gives -inf.
  const Tensor z = log_softmax(make({1000, -1000, 0}, {1, 3}), 1);
  expect_all_finite(z);
  expect_same(z, make({0, -2000, -1000}, {1, 3}), 1e-3);
}

TEST(LogSoftmax, IsStableForTiedHugeLogits) {
  const Tensor z = log_softmax(make({1000, 1000}, {2}, kFloat64), 0);
  expect_all_finite(z);
  expect_same(z, make({-std::log(2.0), -std::log(2.0)}, {2}, kFloat64), 1e-12);
}

TEST(LogSoftmax, AlongMiddleDimOfThreeDimTensor) {
  const Tensor x = random_logits({2, 3, 4}, 14);
  expect_same(log_softmax(x, 1), log(direct_softmax(x, 1)), 1e-12);
}

TEST(LogSoftmax, OnTransposedInput) {
  const Tensor x = random_logits({3, 5}, 15).t();
  expect_same(log_softmax(x, 1), log_softmax(x.contiguous(), 1), 1e-15);
}
