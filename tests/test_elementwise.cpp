// tests/test_elementwise.cpp - values of the elementwise ops: arithmetic, powers, kinked
// functions, comparisons, selection, scalar operators, broadcasting, non-contiguous inputs and
// the dtypes each op accepts.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "test_helpers.h"
#include "timbre.h"

using namespace timbre;
using namespace timbre::testing;

// ---- Arithmetic -----------------------------------------------------------------------------

TEST(Arithmetic, AddsElementwise) {
  expect_tensor(add(tensor({1, 2, 3}), tensor({10, 20, 30})), {3}, {11, 22, 33});
}

TEST(Arithmetic, SubtractsElementwise) {
  expect_tensor(sub(tensor({1, 2, 3}), tensor({10, 20, 30})), {3}, {-9, -18, -27});
}

TEST(Arithmetic, MultipliesElementwise) {
  expect_tensor(mul(tensor({1, -2, 3}), tensor({4, 5, -6})), {3}, {4, -10, -18});
}

TEST(Arithmetic, DividesElementwise) {
  expect_tensor(div(tensor({1, -3, 8}), tensor({4, 2, -16})), {3}, {0.25, -1.5, -0.5});
}

TEST(Arithmetic, DividingByZeroGivesInfinity) {
  const std::vector<double> v = div(tensor({1, -1}), tensor({0, 0})).to_vector<double>();
  EXPECT_TRUE(std::isinf(v[0]) && v[0] > 0);
  EXPECT_TRUE(std::isinf(v[1]) && v[1] < 0);
}

TEST(Arithmetic, NegatesElementwise) {
  expect_tensor(neg(tensor({1, -2, 0})), {3}, {-1, 2, 0});
}

TEST(Arithmetic, OperatorsMatchTheNamedFunctions) {
  const Tensor a = make({1, 2, 3, 4}, {2, 2});
  const Tensor b = make({5, 6, 7, 8}, {2, 2});
  expect_same(a + b, add(a, b));
  expect_same(a - b, sub(a, b));
  expect_same(a * b, mul(a, b));
  expect_same(a / b, div(a, b));
  expect_same(-a, neg(a));
}

TEST(Arithmetic, ResultsAreNewContiguousTensors) {
  const Tensor a = make({1, 2, 3, 4}, {2, 2}).t();
  const Tensor out = add(a, a);
  EXPECT_TRUE(out.is_contiguous());
  EXPECT_NE(out.storage(), a.storage());
}

// ---- Scalar operators -------------------------------------------------------------------------

TEST(ScalarOperators, AddScalarOnEitherSide) {
  const Tensor a = tensor({1, 2, 3});
  expect_tensor(a + 2.0, {3}, {3, 4, 5});
  expect_tensor(2.0 + a, {3}, {3, 4, 5});
}

TEST(ScalarOperators, SubtractScalarOnEitherSide) {
  const Tensor a = tensor({1, 2, 3});
  expect_tensor(a - 2.0, {3}, {-1, 0, 1});
  expect_tensor(2.0 - a, {3}, {1, 0, -1});
}

TEST(ScalarOperators, MultiplyByScalarOnEitherSide) {
  const Tensor a = tensor({1, -2, 3});
  expect_tensor(a * 2.5, {3}, {2.5, -5, 7.5});
  expect_tensor(2.5 * a, {3}, {2.5, -5, 7.5});
}

TEST(ScalarOperators, DivideByScalarOnEitherSide) {
  const Tensor a = tensor({1, 2, 4});
  expect_tensor(a / 2.0, {3}, {0.5, 1, 2});
  expect_tensor(2.0 / a, {3}, {2, 1, 0.5});
}

TEST(ScalarOperators, KeepTheTensorsDtypeAndShape) {
  const Tensor a = make({1, 2, 3, 4, 5, 6}, {2, 3}, kFloat64);
  const Tensor out = 1.0 - a * 0.5;
  EXPECT_EQ(out.dtype(), kFloat64);
  expect_tensor(out, {2, 3}, {0.5, 0, -0.5, -1, -1.5, -2});
}

// ---- Powers, exponentials, roots ----------------------------------------------------------------

TEST(Pow, RaisesToScalarExponent) {
  expect_tensor(pow(tensor({1, 2, 3, -2}), 2.0), {4}, {1, 4, 9, 4});
  expect_tensor(pow(tensor({4, 9, 0.25}), 0.5), {3}, {2, 3, 0.5});
  expect_tensor(pow(tensor({2, 4}), -1.0), {2}, {0.5, 0.25});
}

TEST(Pow, ZeroExponentGivesOnes) {
  expect_tensor(pow(tensor({0, 2, -3}), 0.0), {3}, {1, 1, 1});
}

TEST(Pow, RaisesToTensorExponentElementwise) {
  expect_tensor(pow(tensor({2, 3, 4}), tensor({3, 2, 0.5})), {3}, {8, 9, 2});
}

TEST(Pow, TensorExponentBroadcasts) {
  const Tensor base = make({1, 2, 3, 4, 5, 6}, {2, 3});
  expect_tensor(pow(base, make({1, 2}, {2, 1})), {2, 3}, {1, 2, 3, 16, 25, 36});
}

TEST(Exp, ComputesExponential) {
  expect_tensor(exp(tensor({0, 1, -1})), {3}, {1, std::exp(1.0), std::exp(-1.0)});
}

TEST(Log, ComputesNaturalLogarithm) {
  expect_tensor(log(tensor({1, std::exp(2.0), 0.5})), {3}, {0, 2, std::log(0.5)});
}

TEST(Log, OfZeroIsMinusInfinity) {
  const double v = log(tensor({0})).to_vector<double>()[0];
  EXPECT_TRUE(std::isinf(v) && v < 0);
}

TEST(Sqrt, ComputesSquareRoot) {
  expect_tensor(sqrt(tensor({0, 1, 4, 2.25})), {4}, {0, 1, 2, 1.5});
}

TEST(Sqrt, OfNegativeIsNaN) {
  EXPECT_TRUE(std::isnan(sqrt(tensor({-1})).to_vector<double>()[0]));
}

// ---- Kinked functions ---------------------------------------------------------------------------

TEST(Abs, ComputesAbsoluteValue) {
  expect_tensor(abs(tensor({-2, 0, 3.5, -0.25})), {4}, {2, 0, 3.5, 0.25});
}

TEST(Clamp, LimitsToBothBounds) {
  expect_tensor(clamp(tensor({-2, -1, -0.5, 0, 0.5, 1, 2}), -1, 1), {7},
                {-1, -1, -0.5, 0, 0.5, 1, 1});
}

TEST(Clamp, MinOnlyLimitsFromBelow) {
  expect_tensor(clamp_min(tensor({-2, 0.5, 100}), 0), {3}, {0, 0.5, 100});
}

TEST(Clamp, MaxOnlyLimitsFromAbove) {
  expect_tensor(clamp_max(tensor({-100, 0.5, 2}), 1), {3}, {-100, 0.5, 1});
}

TEST(Clamp, RejectsLowAboveHigh) {
  EXPECT_THROW(clamp(tensor({1, 2}), 2, 1), Error);
}

TEST(Relu, ZeroesNegativeValues) {
  expect_tensor(relu(tensor({-3, -0.1, 0, 0.1, 3})), {5}, {0, 0, 0, 0.1, 3});
}

// ---- Smooth activations -------------------------------------------------------------------------

TEST(Sigmoid, ComputesLogisticFunction) {
  const std::vector<double> x = {-2, -0.5, 0, 0.5, 2};
  std::vector<double> expected;
  for (double v : x)
    expected.push_back(1.0 / (1.0 + std::exp(-v)));
  expect_tensor(sigmoid(make(x, {5}, kFloat64)), {5}, expected, 1e-12);
}

TEST(Sigmoid, IsStableForHugeInputsInFloat32) {
  const Tensor out = sigmoid(tensor({-1000, -100, 100, 1000}));
  expect_all_finite(out);
  expect_tensor(out, {4}, {0, 0, 1, 1});
}

TEST(Sigmoid, IsStableForHugeInputsInFloat64) {
  const Tensor out = sigmoid(make({-1000, -800, 800, 1000}, {4}, kFloat64));
  expect_all_finite(out);
  expect_tensor(out, {4}, {0, 0, 1, 1}, 1e-300);
}

TEST(Tanh, ComputesHyperbolicTangent) {
  expect_tensor(tanh(make({-1, 0, 0.5, 3}, {4}, kFloat64)), {4},
                {std::tanh(-1.0), 0, std::tanh(0.5), std::tanh(3.0)}, 1e-12);
}

TEST(Tanh, SaturatesWithoutNaNForHugeInputs) {
  const Tensor out = tanh(tensor({-1000, 1000}));
  expect_all_finite(out);
  expect_tensor(out, {2}, {-1, 1});
}

// ---- maximum / minimum ------------------------------------------------------------------------

TEST(Maximum, PicksTheLargerElement) {
  expect_tensor(maximum(tensor({1, 5, -2, 3}), tensor({4, 2, -1, 3})), {4}, {4, 5, -1, 3});
}

TEST(Minimum, PicksTheSmallerElement) {
  expect_tensor(minimum(tensor({1, 5, -2, 3}), tensor({4, 2, -1, 3})), {4}, {1, 2, -2, 3});
}

TEST(Maximum, BroadcastsAgainstAScalar) {
  expect_tensor(maximum(make({-1, 2, -3, 4}, {2, 2}), scalar_tensor(0)), {2, 2}, {0, 2, 0, 4});
}

// ---- Comparisons ------------------------------------------------------------------------------

TEST(Comparisons, GiveOneWhereTrueAndZeroWhereFalse) {
  const Tensor a = tensor({1, 2, 3});
  const Tensor b = tensor({2, 2, 2});
  expect_tensor(eq(a, b), {3}, {0, 1, 0});
  expect_tensor(ne(a, b), {3}, {1, 0, 1});
  expect_tensor(gt(a, b), {3}, {0, 0, 1});
  expect_tensor(ge(a, b), {3}, {0, 1, 1});
  expect_tensor(lt(a, b), {3}, {1, 0, 0});
  expect_tensor(le(a, b), {3}, {1, 1, 0});
}

TEST(Comparisons, ReturnTheInputsDtype) {
  EXPECT_EQ(eq(tensor({1}), tensor({1})).dtype(), kFloat32);
  const Tensor a = make({1}, {1}, kFloat64);
  EXPECT_EQ(lt(a, a).dtype(), kFloat64);
}

TEST(Comparisons, Broadcast) {
  const Tensor column = make({1, 2, 3}, {3, 1});
  const Tensor row = tensor({1, 2, 3});
  expect_tensor(ge(column, row), {3, 3}, {1, 0, 0, 1, 1, 0, 1, 1, 1});
}

TEST(Comparisons, NaNIsUnequalToEverything) {
  const Tensor a = tensor({NAN, NAN});
  const Tensor b = tensor({NAN, 1});
  expect_tensor(eq(a, b), {2}, {0, 0});
  expect_tensor(ne(a, b), {2}, {1, 1});
}

// ---- where / masked_fill ----------------------------------------------------------------------

TEST(Where, TakesFirstWhereConditionNonZeroElseSecond) {
  expect_tensor(where(tensor({1, 0, 2, 0}), tensor({1, 2, 3, 4}), tensor({-1, -2, -3, -4})), {4},
                {1, -2, 3, -4});
}

TEST(Where, AcceptsAConditionOfAnotherDtype) {
  const Tensor condition = make_int({0, 1, 1}, {3});
  expect_tensor(where(condition, make({1, 2, 3}, {3}, kFloat64), make({7, 8, 9}, {3}, kFloat64)),
                {3}, {7, 2, 3});
}

TEST(Where, BroadcastsAllThreeArguments) {
  const Tensor condition = make({1, 0}, {2, 1});
  const Tensor a = tensor({1, 2, 3});
  const Tensor b = scalar_tensor(-5);
  expect_tensor(where(condition, a, b), {2, 3}, {1, 2, 3, -5, -5, -5});
}

TEST(MaskedFill, ReplacesMaskedEntries) {
  const Tensor x = make({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor mask = make({0, 1, 0, 1, 0, 0}, {2, 3});
  expect_tensor(masked_fill(x, mask, -9), {2, 3}, {1, -9, 3, -9, 5, 6});
}

TEST(MaskedFill, BroadcastsTheMask) {
  const Tensor x = make({1, 2, 3, 4, 5, 6}, {2, 3});
  expect_tensor(masked_fill(x, tensor({1, 0, 0}), 0), {2, 3}, {0, 2, 3, 0, 5, 6});
}

TEST(MaskedFill, CanFillWithMinusInfinity) {
  const std::vector<double> v =
      masked_fill(tensor({1, 2}), tensor({0, 1}), -INFINITY).to_vector<double>();
  EXPECT_EQ(v[0], 1);
  EXPECT_TRUE(std::isinf(v[1]) && v[1] < 0);
}

TEST(MaskedFill, RejectsAMaskLargerThanTheInput) {
  EXPECT_THROW(masked_fill(tensor({1, 2, 3}), make({1, 0, 0, 1, 0, 0}, {2, 3}), 0), Error);
}

// ---- Broadcasting ------------------------------------------------------------------------------

TEST(Broadcasting, AddsColumnToRowGivingMatrix) {
  const Tensor column = make({10, 20, 30}, {3, 1});
  const Tensor row = tensor({1, 2, 3, 4});
  expect_tensor(column + row, {3, 4}, {11, 12, 13, 14, 21, 22, 23, 24, 31, 32, 33, 34});
}

TEST(Broadcasting, AddsRowVectorToEveryRow) {
  const Tensor m = make({1, 2, 3, 4, 5, 6}, {2, 3});
  expect_tensor(m + tensor({10, 20, 30}), {2, 3}, {11, 22, 33, 14, 25, 36});
}

TEST(Broadcasting, ZeroDimScalarCombinesWithMatrix) {
  const Tensor m = make({1, 2, 3, 4}, {2, 2});
  const Tensor s = scalar_tensor(3);
  ASSERT_EQ(s.dim(), 0);
  expect_tensor(m * s, {2, 2}, {3, 6, 9, 12});
  expect_tensor(s - m, {2, 2}, {2, 1, 0, -1});
}

TEST(Broadcasting, ZeroDimWithZeroDimStaysZeroDim) {
  const Tensor out = scalar_tensor(2) + scalar_tensor(3);
  EXPECT_EQ(out.dim(), 0);
  EXPECT_EQ(out.item(), 5);
}

TEST(Broadcasting, ExpandsSizeOneDimsOnBothSides) {
  // [2, 1, 4] * [3, 1] -> [2, 3, 4]: out[i][j][k] = a[i][0][k] * b[j][0].
  const Tensor a = arange(8).reshape({2, 1, 4});
  const Tensor b = make({1, 10, 100}, {3, 1});
  const Tensor out = a * b;
  ASSERT_EQ(out.sizes(), (Shape{2, 3, 4}));
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t j = 0; j < 3; ++j) {
      for (int64_t k = 0; k < 4; ++k) {
        EXPECT_EQ(out.at({i, j, k}), a.at({i, 0, k}) * b.at({j, 0}));
      }
    }
  }
}

TEST(Broadcasting, RejectsIncompatibleShapesNamingThem) {
  try {
    add(make({1, 2, 3, 4, 5, 6}, {2, 3}), tensor({1, 2, 3, 4}));
    FAIL() << "expected timbre::Error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("[2, 3]"), std::string::npos) << message;
    EXPECT_NE(message.find("[4]"), std::string::npos) << message;
  }
}

// ---- Non-contiguous inputs
// -----------------------------------------------------------------------

TEST(NonContiguous, TransposedInputsGiveSameValuesAsContiguousCopies) {
  const Tensor a = arange(12).reshape({3, 4}).t();  // [4, 3], strides [1, 4]
  const Tensor b = (arange(12).reshape({4, 3}) + 1.0);
  ASSERT_FALSE(a.is_contiguous());
  expect_same(a + b, a.contiguous() + b);
  expect_same(a * b, a.contiguous() * b);
  expect_same(b / (a + 1.0), b / (a.contiguous() + 1.0));
  expect_same(exp(a * 0.1), exp(a.contiguous() * 0.1));
  expect_same(relu(a - 5.0), relu(a.contiguous() - 5.0));
}

TEST(NonContiguous, BothOperandsTransposed) {
  const Tensor a = arange(6).reshape({2, 3}).t();
  const Tensor b = (arange(6).reshape({2, 3}) * 2.0).t();
  expect_same(sub(a, b), sub(a.contiguous(), b.contiguous()));
  expect_same(maximum(a, b - 3.0), maximum(a.contiguous(), b.contiguous() - 3.0));
}

TEST(NonContiguous, SliceWithStepGivesSameValuesAsContiguousCopy) {
  const Tensor x = arange(20).reshape({4, 5});
  const Tensor s = x.slice(1, 0, 5, 2);  // columns 0, 2, 4
  ASSERT_EQ(s.sizes(), (Shape{4, 3}));
  ASSERT_FALSE(s.is_contiguous());
  const Tensor other = arange(12).reshape({4, 3});
  expect_same(s + other, s.contiguous() + other);
  expect_same(sqrt(s), sqrt(s.contiguous()));
  expect_same(clamp(s, 3, 11), clamp(s.contiguous(), 3, 11));
  expect_tensor(s.slice(0, 1, 4, 2) * 1.0, {2, 3}, {5, 7, 9, 15, 17, 19});
}

TEST(NonContiguous, ExpandedInputGivesSameValuesAsContiguousCopy) {
  const Tensor row = tensor({1, 2, 3});
  const Tensor e = row.expand({4, 3});
  ASSERT_EQ(e.stride(0), 0);
  const Tensor other = arange(12).reshape({4, 3});
  expect_same(e * other, e.contiguous() * other);
  expect_same(neg(e), neg(e.contiguous()));
  expect_same(where(gt(other, scalar_tensor(5)), e, other),
              where(gt(other, scalar_tensor(5)), e.contiguous(), other));
}

TEST(NonContiguous, OffsetViewIsReadFromItsOffset) {
  const Tensor x = arange(10);
  const Tensor tail = x.narrow(0, 6, 4);
  expect_tensor(tail + 0.5, {4}, {6.5, 7.5, 8.5, 9.5});
}

TEST(NonContiguous, PermutedThreeDimInputGivesSameValues) {
  const Tensor x = arange(24).reshape({2, 3, 4}).permute({2, 0, 1});
  const Tensor y = arange(24).reshape({4, 2, 3});
  expect_same(x * y - y, x.contiguous() * y - y);
}

TEST(NonContiguous, LargeTransposedInputsUseEveryThreadCorrectly) {
  // 256 x 256 = 65536 elements: above the size at which the kernels split work over threads.
  const int64_t n = 256;
  const Tensor a = arange(static_cast<double>(n * n)).reshape({n, n});
  const Tensor sum_with_transpose = a + a.t();
  const Tensor product_with_row = a.t() * arange(static_cast<double>(n));
  const std::vector<double> s = sum_with_transpose.to_vector<double>();
  const std::vector<double> p = product_with_row.to_vector<double>();
  int failures = 0;
  for (int64_t i = 0; i < n && failures < 10; ++i) {
    for (int64_t j = 0; j < n && failures < 10; ++j) {
      const double expected_sum = static_cast<double>(i * n + j) + static_cast<double>(j * n + i);
      const double expected_product = static_cast<double>(j * n + i) * static_cast<double>(j);
      if (s[i * n + j] != expected_sum || p[i * n + j] != expected_product) {
        ++failures;
        ADD_FAILURE() << "at (" << i << ", " << j << "): sum " << s[i * n + j] << " vs "
                      << expected_sum << ", product " << p[i * n + j] << " vs " << expected_product;
      }
    }
  }
}

TEST(NonContiguous, LargeFlatTensorIsComputedCompletely) {
  // One long contiguous row, cut into pieces for threads: every piece must be written.
  const int64_t n = 100003;
  const std::vector<double> v =
      (arange(static_cast<double>(n), {.dtype = kFloat64}) * 2.0).to_vector<double>();
  ASSERT_EQ(static_cast<int64_t>(v.size()), n);
  for (int64_t i = 0; i < n; i += 997)
    EXPECT_EQ(v[i], 2.0 * static_cast<double>(i));
  EXPECT_EQ(v[n - 1], 2.0 * static_cast<double>(n - 1));
}

// ---- Dtypes
// --------------------------------------------------------------------------------------

TEST(Dtypes, Float32OpsReturnFloat32) {
  const Tensor a = tensor({1, 2});
  EXPECT_EQ((a + a).dtype(), kFloat32);
  EXPECT_EQ(exp(a).dtype(), kFloat32);
  EXPECT_EQ(sigmoid(a).dtype(), kFloat32);
}

TEST(Dtypes, Float64OpsReturnFloat64WithDoublePrecision) {
  const Tensor a = make({1, 0.1}, {2}, kFloat64);
  EXPECT_EQ(exp(a).dtype(), kFloat64);
  const std::vector<double> v = exp(a).to_vector<double>();
  EXPECT_DOUBLE_EQ(v[0], std::exp(1.0));
  EXPECT_DOUBLE_EQ(v[1], std::exp(0.1));
  EXPECT_DOUBLE_EQ((a / 3.0).to_vector<double>()[1], 0.1 / 3.0);
}

TEST(Dtypes, MixingFloat32AndFloat64Throws) {
  EXPECT_THROW(add(tensor({1}), make({1}, {1}, kFloat64)), Error);
}

TEST(Dtypes, Int64AddAndMulWork) {
  const Tensor a = make_int({1, 2, 3}, {3});
  const Tensor b = make_int({10, -20, 30}, {3});
  const Tensor s = add(a, b);
  const Tensor p = mul(a, b);
  EXPECT_EQ(s.dtype(), kInt64);
  EXPECT_EQ(p.dtype(), kInt64);
  EXPECT_EQ(s.to_vector<int64_t>(), (std::vector<int64_t>{11, -18, 33}));
  EXPECT_EQ(p.to_vector<int64_t>(), (std::vector<int64_t>{10, -40, 90}));
}

TEST(Dtypes, Int64ArithmeticIsExactBeyondFloatPrecision) {
  const int64_t big = (int64_t{1} << 53) + 1;
  const Tensor a = make_int({big}, {1});
  EXPECT_EQ(add(a, make_int({1}, {1})).to_vector<int64_t>()[0], big + 1);
}

TEST(Dtypes, Int64ComparisonsWork) {
  const Tensor a = make_int({1, 2, 3}, {3});
  const Tensor b = make_int({2, 2, 2}, {3});
  EXPECT_EQ(eq(a, b).dtype(), kInt64);
  EXPECT_EQ(eq(a, b).to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(gt(a, b).to_vector<int64_t>(), (std::vector<int64_t>{0, 0, 1}));
  EXPECT_EQ(le(a, b).to_vector<int64_t>(), (std::vector<int64_t>{1, 1, 0}));
}

TEST(Dtypes, Int64ExpThrows) {
  EXPECT_THROW(exp(make_int({1, 2}, {2})), Error);
}

TEST(Dtypes, Int64DivThrows) {
  EXPECT_THROW(div(make_int({4, 2}, {2}), make_int({2, 0}, {2})), Error);
}

TEST(Dtypes, Int64ErrorNamesTheOpAndDtype) {
  try {
    exp(make_int({1}, {1}));
    FAIL() << "expected timbre::Error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("exp"), std::string::npos) << message;
    EXPECT_NE(message.find("int64"), std::string::npos) << message;
  }
}
