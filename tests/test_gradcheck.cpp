// tests/test_gradcheck.cpp - every differentiable op's backward formula against central finite
// differences, in float64 on small seeded inputs. Kinked ops (relu, abs, clamp, max/min,
// maximum/minimum) get inputs kept well away from their kinks and ties; log, sqrt and pow get
// positive inputs. The last test makes sure gradcheck itself catches a wrong gradient.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "autograd/record.h"
#include "test_helpers.h"
#include "timbre.h"

using namespace timbre;
using namespace timbre::testing;

namespace {

const TensorOptions kGrad{.dtype = kFloat64, .requires_grad = true};

// Uniform values in [low, high) as a float64 leaf that requires grad.
Tensor random_input(const Shape& sizes, uint64_t seed, double low = -1.0, double high = 1.0) {
  return random_uniform(sizes, seed, kGrad, low, high);
}

// Values with |x| in [0.2, 1.2) and random signs: at least 0.2 away from a kink at 0.
Tensor away_from_zero(const Shape& sizes, uint64_t seed) {
  Generator generator(seed);
  std::vector<double> values(shape_numel(sizes));
  for (double& v : values) {
    const double magnitude = 0.2 + generator.uniform();
    v = generator.uniform() < 0.5 ? -magnitude : magnitude;
  }
  return from_vector(values, sizes, kGrad);
}

// Distinct values spaced at least 0.1 apart (a shuffled ramp), so max/min have no ties.
Tensor distinct_values(const Shape& sizes, uint64_t seed) {
  Generator generator(seed);
  const int64_t n = shape_numel(sizes);
  std::vector<double> values(n);
  for (int64_t i = 0; i < n; ++i)
    values[i] = -1.0 + 0.17 * static_cast<double>(i);
  for (int64_t i = n - 1; i > 0; --i) {
    std::swap(values[i], values[generator.below(static_cast<uint64_t>(i + 1))]);
  }
  return from_vector(values, sizes, kGrad);
}

Tensor constant(const std::vector<double>& values, const Shape& sizes) {
  return from_vector(values, sizes, {.dtype = kFloat64});
}

}  // namespace

// ---- Arithmetic ---------------------------------------------------------------------------------

TEST(GradcheckArithmetic, Add) {
  EXPECT_GRADCHECK([](const auto& in) { return add(in[0], in[1]); },
                   {random_input({3, 4}, 1), random_input({3, 4}, 2)});
}

TEST(GradcheckArithmetic, AddBroadcastsRowAndColumn) {
  EXPECT_GRADCHECK([](const auto& in) { return add(add(in[0], in[1]), in[2]); },
                   {random_input({3, 4}, 1), random_input({4}, 2), random_input({3, 1}, 3)});
}

TEST(GradcheckArithmetic, Sub) {
  EXPECT_GRADCHECK([](const auto& in) { return sub(in[0], in[1]); },
                   {random_input({3, 4}, 4), random_input({3, 4}, 5)});
}

TEST(GradcheckArithmetic, SubBroadcasts) {
  EXPECT_GRADCHECK([](const auto& in) { return sub(in[0], in[1]); },
                   {random_input({3, 1}, 6), random_input({4}, 7)});
}

TEST(GradcheckArithmetic, Mul) {
  EXPECT_GRADCHECK([](const auto& in) { return mul(in[0], in[1]); },
                   {random_input({3, 4}, 8), random_input({3, 4}, 9)});
}

TEST(GradcheckArithmetic, MulBroadcasts) {
  EXPECT_GRADCHECK([](const auto& in) { return mul(mul(in[0], in[1]), in[2]); },
                   {random_input({3, 4}, 10), random_input({4}, 11), random_input({3, 1}, 12)});
}

TEST(GradcheckArithmetic, MulOfATensorWithItself) {
  EXPECT_GRADCHECK([](const auto& in) { return mul(in[0], in[0]); }, {random_input({2, 3}, 13)});
}

TEST(GradcheckArithmetic, MulByZeroDimScalar) {
  EXPECT_GRADCHECK([](const auto& in) { return mul(in[0], in[1]); },
                   {random_input({2, 3}, 14), random_input({}, 15)});
}

TEST(GradcheckArithmetic, Div) {
  EXPECT_GRADCHECK([](const auto& in) { return div(in[0], in[1]); },
                   {random_input({3, 4}, 16), random_input({3, 4}, 17, 0.5, 2.0)});
}

TEST(GradcheckArithmetic, DivBroadcasts) {
  EXPECT_GRADCHECK([](const auto& in) { return div(in[0], in[1]); },
                   {random_input({3, 4}, 18), random_input({4}, 19, 0.5, 2.0)});
  EXPECT_GRADCHECK([](const auto& in) { return div(in[0], in[1]); },
                   {random_input({3, 1}, 20), random_input({3, 4}, 21, -2.0, -0.5)});
}

TEST(GradcheckArithmetic, DivOnlyNumeratorRequiresGrad) {
  const Tensor denominator = constant({1.5, -2.0, 0.75}, {3});
  EXPECT_GRADCHECK([denominator](const auto& in) { return div(in[0], denominator); },
                   {random_input({2, 3}, 22)});
}

TEST(GradcheckArithmetic, Neg) {
  EXPECT_GRADCHECK([](const auto& in) { return neg(in[0]); }, {random_input({3, 4}, 23)});
}

TEST(GradcheckArithmetic, ScalarOperators) {
  EXPECT_GRADCHECK(
      [](const auto& in) { return (2.0 - in[0]) * 3.0 + 1.0 / (in[0] + 2.0) - in[0] / 4.0; },
      {random_input({2, 3}, 24)});
}

// ---- Powers, exponentials, roots ----------------------------------------------------------------

TEST(GradcheckPow, ScalarExponent) {
  EXPECT_GRADCHECK([](const auto& in) { return pow(in[0], 3.0); }, {random_input({3, 4}, 25)});
}

TEST(GradcheckPow, FractionalScalarExponentOnPositiveInputs) {
  EXPECT_GRADCHECK([](const auto& in) { return pow(in[0], 2.5); },
                   {random_input({3, 4}, 26, 0.5, 2.0)});
  EXPECT_GRADCHECK([](const auto& in) { return pow(in[0], -1.5); },
                   {random_input({3, 4}, 27, 0.5, 2.0)});
}

TEST(GradcheckPow, ZeroExponentHasZeroGradient) {
  EXPECT_GRADCHECK([](const auto& in) { return pow(in[0], 0.0); }, {random_input({2, 2}, 28)});
}

TEST(GradcheckPow, TensorExponent) {
  EXPECT_GRADCHECK([](const auto& in) { return pow(in[0], in[1]); },
                   {random_input({3, 4}, 29, 0.5, 2.0), random_input({3, 4}, 30, -2.0, 2.0)});
}

TEST(GradcheckPow, TensorExponentBroadcasts) {
  EXPECT_GRADCHECK([](const auto& in) { return pow(in[0], in[1]); },
                   {random_input({3, 4}, 31, 0.5, 2.0), random_input({4}, 32, -2.0, 2.0)});
  EXPECT_GRADCHECK([](const auto& in) { return pow(in[0], in[1]); },
                   {random_input({3, 1}, 33, 0.5, 2.0), random_input({3, 4}, 34, -2.0, 2.0)});
}

TEST(GradcheckPow, TensorExponentOnlyBaseRequiresGrad) {
  const Tensor exponent = constant({2.0, -1.0, 0.5}, {3});
  EXPECT_GRADCHECK([exponent](const auto& in) { return pow(in[0], exponent); },
                   {random_input({2, 3}, 35, 0.5, 2.0)});
}

TEST(GradcheckExp, Exp) {
  EXPECT_GRADCHECK([](const auto& in) { return exp(in[0]); }, {random_input({3, 4}, 36)});
}

TEST(GradcheckLog, LogOnPositiveInputs) {
  EXPECT_GRADCHECK([](const auto& in) { return log(in[0]); }, {random_input({3, 4}, 37, 0.2, 3.0)});
}

TEST(GradcheckSqrt, SqrtOnPositiveInputs) {
  EXPECT_GRADCHECK([](const auto& in) { return sqrt(in[0]); },
                   {random_input({3, 4}, 38, 0.2, 3.0)});
}

// ---- Kinked functions ---------------------------------------------------------------------------

TEST(GradcheckKinked, AbsAwayFromZero) {
  EXPECT_GRADCHECK([](const auto& in) { return abs(in[0]); }, {away_from_zero({3, 4}, 39)});
}

TEST(GradcheckKinked, ClampWithBoundsAwayFromValues) {
  // Values in +-[0.2, 1.2); bounds +-0.1 and +-1.5 sit between or beyond them.
  EXPECT_GRADCHECK([](const auto& in) { return clamp(in[0], -0.1, 0.1); },
                   {away_from_zero({3, 4}, 40)});
  EXPECT_GRADCHECK([](const auto& in) { return clamp(in[0], -1.5, 0.1); },
                   {away_from_zero({3, 4}, 41)});
}

TEST(GradcheckKinked, ClampMinAndClampMax) {
  EXPECT_GRADCHECK([](const auto& in) { return clamp_min(in[0], 0.0); },
                   {away_from_zero({3, 4}, 42)});
  EXPECT_GRADCHECK([](const auto& in) { return clamp_max(in[0], 0.0); },
                   {away_from_zero({3, 4}, 43)});
}

TEST(GradcheckKinked, ReluAwayFromZero) {
  EXPECT_GRADCHECK([](const auto& in) { return relu(in[0]); }, {away_from_zero({3, 4}, 44)});
}

TEST(GradcheckKinked, MaximumWithoutTies) {
  // b = a + d with |d| >= 0.2: the two never tie.
  const Tensor a = random_input({3, 4}, 45);
  Tensor b = (a.detach() + away_from_zero({3, 4}, 46).detach()).detach();
  b.set_requires_grad(true);
  EXPECT_GRADCHECK([](const auto& in) { return maximum(in[0], in[1]); }, {a, b});
}

TEST(GradcheckKinked, MinimumWithoutTies) {
  const Tensor a = random_input({3, 4}, 47);
  Tensor b = (a.detach() + away_from_zero({3, 4}, 48).detach()).detach();
  b.set_requires_grad(true);
  EXPECT_GRADCHECK([](const auto& in) { return minimum(in[0], in[1]); }, {a, b});
}

TEST(GradcheckKinked, MaximumBroadcasts) {
  const Tensor a = distinct_values({3, 4}, 49);
  const Tensor b = from_vector(std::vector<double>{-0.55, 0.05, 0.62}, {3, 1}, kGrad);
  EXPECT_GRADCHECK([](const auto& in) { return maximum(in[0], in[1]); }, {a, b});
  EXPECT_GRADCHECK([](const auto& in) { return minimum(in[0], in[1]); }, {a, b});
}

// ---- Smooth activations -------------------------------------------------------------------------

TEST(GradcheckActivations, Sigmoid) {
  EXPECT_GRADCHECK([](const auto& in) { return sigmoid(in[0]); },
                   {random_input({3, 4}, 50, -4.0, 4.0)});
}

TEST(GradcheckActivations, Tanh) {
  EXPECT_GRADCHECK([](const auto& in) { return tanh(in[0]); },
                   {random_input({3, 4}, 51, -3.0, 3.0)});
}

// ---- Selection ----------------------------------------------------------------------------------

TEST(GradcheckSelection, Where) {
  const Tensor condition = constant({1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1}, {3, 4});
  EXPECT_GRADCHECK([condition](const auto& in) { return where(condition, in[0], in[1]); },
                   {random_input({3, 4}, 52), random_input({3, 4}, 53)});
}

TEST(GradcheckSelection, WhereBroadcasts) {
  const Tensor condition = constant({1, 0, 1}, {3, 1});
  EXPECT_GRADCHECK([condition](const auto& in) { return where(condition, in[0], in[1]); },
                   {random_input({3, 4}, 54), random_input({4}, 55)});
}

TEST(GradcheckSelection, WhereWithInt64Condition) {
  const Tensor condition = make_int({0, 1, 1, 0}, {4});
  EXPECT_GRADCHECK([condition](const auto& in) { return where(condition, in[0], in[1]); },
                   {random_input({2, 4}, 56), random_input({2, 4}, 57)});
}

TEST(GradcheckSelection, MaskedFill) {
  const Tensor mask = constant({0, 1, 0, 0, 1, 1}, {2, 3});
  EXPECT_GRADCHECK([mask](const auto& in) { return masked_fill(in[0], mask, -3.0); },
                   {random_input({2, 3}, 58)});
}

TEST(GradcheckSelection, MaskedFillBroadcastsMask) {
  const Tensor mask = constant({1, 0, 1}, {3});
  EXPECT_GRADCHECK([mask](const auto& in) { return masked_fill(in[0], mask, 0.5); },
                   {random_input({2, 3}, 59)});
}

// ---- Matmul ------------------------------------------------------------------------------------

TEST(GradcheckMatmul, TwoMatrices) {
  EXPECT_GRADCHECK([](const auto& in) { return matmul(in[0], in[1]); },
                   {random_input({3, 4}, 60), random_input({4, 2}, 61)});
}

TEST(GradcheckMatmul, TransposedOperand) {
  EXPECT_GRADCHECK([](const auto& in) { return matmul(in[0].t(), in[1]); },
                   {random_input({4, 3}, 62), random_input({4, 2}, 63)});
}

TEST(GradcheckMatmul, BatchedWithBroadcastBatchDims) {
  // [2, 1, 2, 3] x [3, 3, 2] -> [2, 3, 2, 2]
  EXPECT_GRADCHECK([](const auto& in) { return matmul(in[0], in[1]); },
                   {random_input({2, 1, 2, 3}, 64), random_input({3, 3, 2}, 65)});
}

TEST(GradcheckMatmul, MatrixTimesBatch) {
  EXPECT_GRADCHECK([](const auto& in) { return matmul(in[0], in[1]); },
                   {random_input({2, 3}, 66), random_input({2, 3, 2}, 67)});
}

TEST(GradcheckMatmul, VectorDotVector) {
  EXPECT_GRADCHECK([](const auto& in) { return matmul(in[0], in[1]); },
                   {random_input({4}, 68), random_input({4}, 69)});
}

TEST(GradcheckMatmul, VectorTimesMatrix) {
  EXPECT_GRADCHECK([](const auto& in) { return matmul(in[0], in[1]); },
                   {random_input({3}, 70), random_input({3, 4}, 71)});
}

TEST(GradcheckMatmul, MatrixTimesVector) {
  EXPECT_GRADCHECK([](const auto& in) { return matmul(in[0], in[1]); },
                   {random_input({4, 3}, 72), random_input({3}, 73)});
}

TEST(GradcheckMatmul, VectorTimesBatch) {
  EXPECT_GRADCHECK([](const auto& in) { return matmul(in[0], in[1]); },
                   {random_input({3}, 74), random_input({2, 3, 2}, 75)});
}

// ---- Reductions --------------------------------------------------------------------------------

TEST(GradcheckReduce, SumAll) {
  EXPECT_GRADCHECK([](const auto& in) { return sum(in[0]); }, {random_input({3, 4}, 76)});
}

TEST(GradcheckReduce, SumOverDims) {
  EXPECT_GRADCHECK([](const auto& in) { return sum(in[0], {1}); }, {random_input({2, 3, 4}, 77)});
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return sum(in[0], {0, 2});
      },
      {random_input({2, 3, 4}, 78)});
  EXPECT_GRADCHECK([](const auto& in) { return sum(in[0], {-1}); }, {random_input({2, 3, 4}, 79)});
}

TEST(GradcheckReduce, SumKeepdim) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return sum(in[0], {0, 2}, true);
      },
      {random_input({2, 3, 4}, 80)});
  EXPECT_GRADCHECK([](const auto& in) { return sum(in[0], {}, true); }, {random_input({2, 3}, 81)});
}

TEST(GradcheckReduce, MeanAll) {
  EXPECT_GRADCHECK([](const auto& in) { return mean(in[0]); }, {random_input({3, 4}, 82)});
}

TEST(GradcheckReduce, MeanOverDims) {
  EXPECT_GRADCHECK([](const auto& in) { return mean(in[0], {1}); }, {random_input({2, 3, 4}, 83)});
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return mean(in[0], {-1, 0}, true);
      },
      {random_input({2, 3, 4}, 84)});
}

TEST(GradcheckReduce, MaxAll) {
  EXPECT_GRADCHECK([](const auto& in) { return max(in[0]); }, {distinct_values({3, 4}, 85)});
}

TEST(GradcheckReduce, MaxOverDim) {
  EXPECT_GRADCHECK([](const auto& in) { return max(in[0], 1); }, {distinct_values({3, 4}, 86)});
  EXPECT_GRADCHECK([](const auto& in) { return max(in[0], 0, true); },
                   {distinct_values({3, 4}, 87)});
  EXPECT_GRADCHECK([](const auto& in) { return max(in[0], -2); }, {distinct_values({2, 3, 2}, 88)});
}

TEST(GradcheckReduce, MinAll) {
  EXPECT_GRADCHECK([](const auto& in) { return min(in[0]); }, {distinct_values({3, 4}, 89)});
}

TEST(GradcheckReduce, MinOverDim) {
  EXPECT_GRADCHECK([](const auto& in) { return min(in[0], 1); }, {distinct_values({3, 4}, 90)});
  EXPECT_GRADCHECK([](const auto& in) { return min(in[0], 0, true); },
                   {distinct_values({3, 4}, 91)});
}

TEST(GradcheckReduce, SumToUndoesBroadcast) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return sum_to(in[0], {3, 1});
      },
      {random_input({2, 3, 4}, 92)});
}

// ---- Softmax -----------------------------------------------------------------------------------

TEST(GradcheckSoftmax, SoftmaxAlongDimOne) {
  EXPECT_GRADCHECK([](const auto& in) { return softmax(in[0], 1); },
                   {random_input({3, 4}, 93, -2.0, 2.0)});
}

TEST(GradcheckSoftmax, SoftmaxAlongDimZero) {
  EXPECT_GRADCHECK([](const auto& in) { return softmax(in[0], 0); },
                   {random_input({3, 4}, 94, -2.0, 2.0)});
}

TEST(GradcheckSoftmax, SoftmaxAlongMiddleDim) {
  EXPECT_GRADCHECK([](const auto& in) { return softmax(in[0], 1); },
                   {random_input({2, 3, 2}, 95, -2.0, 2.0)});
}

TEST(GradcheckSoftmax, LogSoftmaxAlongDimOne) {
  EXPECT_GRADCHECK([](const auto& in) { return log_softmax(in[0], 1); },
                   {random_input({3, 4}, 96, -2.0, 2.0)});
}

TEST(GradcheckSoftmax, LogSoftmaxAlongDimZero) {
  EXPECT_GRADCHECK([](const auto& in) { return log_softmax(in[0], 0); },
                   {random_input({3, 4}, 97, -2.0, 2.0)});
}

TEST(GradcheckSoftmax, LogSoftmaxAlongNegativeDim) {
  EXPECT_GRADCHECK([](const auto& in) { return log_softmax(in[0], -2); },
                   {random_input({2, 3, 2}, 98, -2.0, 2.0)});
}

// ---- Joining and indexing ------------------------------------------------------------------

TEST(GradcheckJoin, ConcatAlongDimZero) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return concat({in[0], in[1]}, 0);
      },
      {random_input({2, 3}, 99), random_input({1, 3}, 100)});
}

TEST(GradcheckJoin, ConcatAlongDimOneWithThreeInputs) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return concat({in[0], in[1], in[2]}, 1);
      },
      {random_input({2, 1}, 101), random_input({2, 3}, 102), random_input({2, 2}, 103)});
}

TEST(GradcheckJoin, ConcatSameTensorTwice) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return concat({in[0], in[0]}, 0);
      },
      {random_input({2, 2}, 104)});
}

TEST(GradcheckJoin, ConcatOfNonContiguousInput) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return concat({in[0].t(), in[1]}, 0);
      },
      {random_input({3, 2}, 105), random_input({1, 3}, 106)});
}

TEST(GradcheckJoin, StackAlongDimZero) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return stack({in[0], in[1]}, 0);
      },
      {random_input({2, 3}, 107), random_input({2, 3}, 108)});
}

TEST(GradcheckJoin, StackAlongLastDim) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return stack({in[0], in[1], in[2]}, -1);
      },
      {random_input({3}, 109), random_input({3}, 110), random_input({3}, 111)});
}

TEST(GradcheckIndex, GatherAlongDimOne) {
  const Tensor index = make_int({2, 0, 1, 1, 3, 3}, {3, 2});  // repeats accumulate
  EXPECT_GRADCHECK([index](const auto& in) { return gather(in[0], 1, index); },
                   {random_input({3, 4}, 112)});
}

TEST(GradcheckIndex, GatherAlongDimZero) {
  const Tensor index = make_int({2, 0, 2, 1}, {1, 4});
  EXPECT_GRADCHECK([index](const auto& in) { return gather(in[0], 0, index); },
                   {random_input({3, 4}, 113)});
}

TEST(GradcheckIndex, GatherWithIndexPassedAsInput) {
  EXPECT_GRADCHECK([](const auto& in) { return gather(in[0], 1, in[1]); },
                   {random_input({3, 4}, 114), make_int({3, 0, 1}, {3, 1})});
}

TEST(GradcheckIndex, IndexSelectRows) {
  const Tensor index = make_int({2, 0, 2}, {3});
  EXPECT_GRADCHECK([index](const auto& in) { return index_select(in[0], 0, index); },
                   {random_input({3, 4}, 115)});
}

TEST(GradcheckIndex, IndexSelectColumns) {
  const Tensor index = make_int({3, 1}, {2});
  EXPECT_GRADCHECK([index](const auto& in) { return index_select(in[0], 1, index); },
                   {random_input({3, 4}, 116)});
}

TEST(GradcheckIndex, IndexSelectOfNonContiguousInput) {
  const Tensor index = make_int({1, 1, 0}, {3});
  EXPECT_GRADCHECK([index](const auto& in) { return index_select(in[0].t(), 1, index); },
                   {random_input({3, 4}, 117)});
}

// ---- Views -------------------------------------------------------------------------------------
// Each view is followed by a multiplication with fixed weights, so that a gradient routed to the
// wrong element (not just a wrong shape) is caught.

namespace {
Tensor weights(const Shape& sizes) {
  Generator generator(1000);
  return uniform(sizes, 0.5, 1.5, {.dtype = kFloat64}, &generator);
}
}  // namespace

TEST(GradcheckViews, Reshape) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].reshape({4, 3}) * weights({4, 3});
      },
      {random_input({3, 4}, 118)});
}

TEST(GradcheckViews, ReshapeOfNonContiguousCopies) {
  EXPECT_GRADCHECK([](const auto& in) { return in[0].t().reshape({-1}) * weights({12}); },
                   {random_input({3, 4}, 119)});
}

TEST(GradcheckViews, View) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].view({2, 6}) * weights({2, 6});
      },
      {random_input({3, 4}, 120)});
}

TEST(GradcheckViews, Flatten) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].flatten(1) * weights({2, 6});
      },
      {random_input({2, 3, 2}, 121)});
}

TEST(GradcheckViews, Permute) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].permute({2, 0, 1}) * weights({4, 2, 3});
      },
      {random_input({2, 3, 4}, 122)});
}

TEST(GradcheckViews, Transpose) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].transpose(0, 2) * weights({4, 3, 2});
      },
      {random_input({2, 3, 4}, 123)});
}

TEST(GradcheckViews, TwoDimTranspose) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].t() * weights({4, 3});
      },
      {random_input({3, 4}, 124)});
}

TEST(GradcheckViews, Narrow) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].narrow(1, 1, 2) * weights({3, 2});
      },
      {random_input({3, 4}, 125)});
}

TEST(GradcheckViews, SliceWithStep) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].slice(1, 0, 5, 2) * weights({2, 3});
      },
      {random_input({2, 5}, 126)});
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].slice(0, 1, 4, 2) * weights({2, 2});
      },
      {random_input({4, 2}, 127)});
}

TEST(GradcheckViews, Select) {
  EXPECT_GRADCHECK([](const auto& in) { return in[0].select(1, 2) * weights({3}); },
                   {random_input({3, 4}, 128)});
  EXPECT_GRADCHECK([](const auto& in) { return in[0].select(0, -1) * weights({4}); },
                   {random_input({3, 4}, 129)});
}

TEST(GradcheckViews, SqueezeAll) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].squeeze() * weights({3, 2});
      },
      {random_input({1, 3, 1, 2}, 130)});
}

TEST(GradcheckViews, SqueezeOneDim) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].squeeze(2) * weights({1, 3, 2});
      },
      {random_input({1, 3, 1, 2}, 131)});
}

TEST(GradcheckViews, Unsqueeze) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].unsqueeze(1) * weights({3, 1, 2});
      },
      {random_input({3, 2}, 132)});
}

TEST(GradcheckViews, Expand) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].expand({2, 3, 4}) * weights({2, 3, 4});
      },
      {random_input({3, 1}, 133)});
}

TEST(GradcheckViews, ContiguousOfTransposeCopies) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].t().contiguous() * weights({4, 3});
      },
      {random_input({3, 4}, 134)});
}

TEST(GradcheckViews, ContiguousOfContiguousIsIdentity) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].contiguous() * weights({3, 4});
      },
      {random_input({3, 4}, 135)});
}

TEST(GradcheckViews, Clone) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].clone() * weights({3, 4});
      },
      {random_input({3, 4}, 136)});
}

TEST(GradcheckViews, ToSameDtypeIsIdentity) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0].to(kFloat64) * weights({3, 4});
      },
      {random_input({3, 4}, 137)});
}

TEST(GradcheckViews, ToFloat32AndBackPassesTheGradientThrough) {
  // float32 rounds the values, so the finite differences need a larger step (x^2 is exact under
  // central differences, leaving only rounding: ~1e-7 / 1e-3 relative).
  const auto result = gradcheck(
      [](const std::vector<Tensor>& in) {
        const Tensor x32 = in[0].to(kFloat32);
        return (x32 * x32).to(kFloat64);
      },
      {random_input({2, 3}, 138)}, 1e-3, 1e-4, 1e-2);
  EXPECT_TRUE(result.passed) << result.message;
}

TEST(GradcheckViews, ChainOfViews) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return in[0]
                   .permute({1, 0, 2})
                   .slice(2, 0, 4, 3)
                   .reshape({3, 4})
                   .unsqueeze(0)
                   .expand({2, 3, 4}) *
               weights({2, 3, 4});
      },
      {random_input({2, 3, 4}, 139)});
}

// ---- Backward with a non-contiguous incoming gradient ------------------------------------
// Transposing (or expanding) the result makes the gradient that reaches the op a strided view.

TEST(GradcheckStridedGradient, ElementwiseOpsReceivingATransposedGradient) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return relu(in[0]).t() * weights({4, 3});
      },
      {away_from_zero({3, 4}, 150)});
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return sigmoid(in[0]).t() * weights({4, 3});
      },
      {random_input({3, 4}, 151)});
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return tanh(in[0]).t() * weights({4, 3});
      },
      {random_input({3, 4}, 152)});
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return mul(in[0], in[1]).t() * weights({4, 3});
      },
      {random_input({3, 4}, 153), random_input({4}, 154)});
}

TEST(GradcheckStridedGradient, SoftmaxReceivingATransposedGradient) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return softmax(in[0], 1).t() * weights({4, 3});
      },
      {random_input({3, 4}, 155)});
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return log_softmax(in[0], 0).t() * weights({4, 3});
      },
      {random_input({3, 4}, 156)});
}

TEST(GradcheckStridedGradient, MatmulReceivingATransposedGradient) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return matmul(in[0], in[1]).t() * weights({2, 3});
      },
      {random_input({3, 4}, 157), random_input({4, 2}, 158)});
}

TEST(GradcheckStridedGradient, IndexingReceivingATransposedGradient) {
  const Tensor index = make_int({2, 0, 1, 1, 3, 3}, {3, 2});
  EXPECT_GRADCHECK(
      [index](const auto& in) {
        return gather(in[0], 1, index).t() * weights({2, 3});
      },
      {random_input({3, 4}, 159)});
  const Tensor rows = make_int({2, 0, 2}, {3});
  EXPECT_GRADCHECK(
      [rows](const auto& in) {
        return index_select(in[0], 0, rows).t() * weights({4, 3});
      },
      {random_input({3, 4}, 160)});
}

TEST(GradcheckStridedGradient, ReductionsReceivingAnExpandedGradient) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return sum(in[0], {1}, true).expand({3, 4}) * weights({3, 4});
      },
      {random_input({3, 4}, 161)});
  EXPECT_GRADCHECK(
      [](const auto& in) {
        return max(in[0], 0, true).expand({3, 4}) * weights({3, 4});
      },
      {distinct_values({3, 4}, 162)});
}

// ---- A composed function ------------------------------------------------------------------------

TEST(GradcheckComposed, TanhLayerThenCrossEntropy) {
  // loss = -mean_n log_softmax(tanh(x W + b))[n, label_n]
  const Tensor target = make_int({2, 0, 1, 2}, {4, 1});
  EXPECT_GRADCHECK(
      [target](const auto& in) {
        const Tensor hidden = tanh(add(matmul(in[0], in[1]), in[2]));
        return neg(mean(gather(log_softmax(hidden, 1), 1, target)));
      },
      {random_input({4, 3}, 140), random_input({3, 3}, 141), random_input({3}, 142)});
}

TEST(GradcheckComposed, TwoLayerNetworkWithTanhAndSigmoid) {
  EXPECT_GRADCHECK(
      [](const auto& in) {
        const Tensor h = tanh(matmul(in[0], in[1]) + 0.05);
        return sum(sigmoid(matmul(h, in[2])), {1});
      },
      {random_input({3, 2}, 143), random_input({2, 4}, 144), random_input({4, 2}, 145)});
}

TEST(GradcheckComposed, InputUsedOnSeveralPaths) {
  EXPECT_GRADCHECK(
      [](const auto& in) { return exp(in[0]) * in[0] + sum(in[0], {0}, true) - in[0] / 3.0; },
      {random_input({2, 3}, 146)});
}

// ---- gradcheck itself ---------------------------------------------------------------------------

namespace {
// x^2 with a deliberately wrong backward: it returns 4 x g, twice the true gradient 2 x g.
Tensor square_with_doubled_gradient(const Tensor& x) {
  Tensor out = mul(x.detach(), x.detach());
  if (any_requires_grad({x})) {
    record("WrongSquareBackward", out, {x},
           [x = x.detach()](const Tensor& g) { return grads(mul(g, x) * 4.0); });
  }
  return out;
}

std::string formatted(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.10g", value);
  return buffer;
}
}  // namespace

TEST(GradcheckItself, PassesForTheCorrectGradientOfTheSameFunction) {
  EXPECT_GRADCHECK([](const auto& in) { return mul(in[0], in[0]); },
                   {from_vector(std::vector<double>{0.5, -1.5, 2.0}, {3}, kGrad)});
}

TEST(GradcheckItself, FailsForADeliberatelyWrongGradient) {
  const Tensor x = from_vector(std::vector<double>{0.5, -1.5, 2.0}, {3}, kGrad);
  const GradcheckResult result = gradcheck(
      [](const std::vector<Tensor>& in) { return square_with_doubled_gradient(in[0]); }, {x});
  EXPECT_FALSE(result.passed);
  EXPECT_FALSE(static_cast<bool>(result));
  // The worst element is x[2] = 2: analytic 4 * 2 = 8 against numeric 2 * 2 = 4.
  EXPECT_EQ(result.input, 0);
  EXPECT_EQ(result.input_index, (std::vector<int64_t>{2}));
  EXPECT_EQ(result.output_element, 2);
  EXPECT_NEAR(result.analytic, 8.0, 1e-9);
  EXPECT_NEAR(result.numeric, 4.0, 1e-6);
  EXPECT_NE(result.message.find("FAILED"), std::string::npos) << result.message;
  EXPECT_NE(result.message.find("analytic " + formatted(result.analytic)), std::string::npos)
      << result.message;
  EXPECT_NE(result.message.find("numeric " + formatted(result.numeric)), std::string::npos)
      << result.message;
}

TEST(GradcheckItself, LeavesInputsUnchangedAndGradientsCleared) {
  const Tensor x = from_vector(std::vector<double>{0.5, -1.5, 2.0}, {3}, kGrad);
  gradcheck([](const std::vector<Tensor>& in) { return exp(in[0]); }, {x});
  EXPECT_EQ(x.to_vector<double>(), (std::vector<double>{0.5, -1.5, 2.0}));
  EXPECT_FALSE(x.grad().defined() && sum(abs(x.grad())).item() != 0.0);
}

TEST(GradcheckItself, RejectsFloat32Inputs) {
  const Tensor x = ones({2}, {.requires_grad = true});
  EXPECT_THROW(gradcheck([](const std::vector<Tensor>& in) { return in[0]; }, {x}), Error);
}
