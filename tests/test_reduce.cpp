// tests/test_reduce.cpp - sum, mean, max, min, argmax and sum_to: shapes and values for every
// way of choosing the reduced dims, on contiguous and non-contiguous inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "test_helpers.h"
#include "timbre.h"

using namespace timbre;
using namespace timbre::testing;

namespace {

// This file's tolerance for expect_tensor / expect_same where a test names none.
constexpr double kReduceTolerance = 1e-5;

// [[1, 2, 3],
//  [4, 5, 6]]
Tensor matrix() {
  return make({1, 2, 3, 4, 5, 6}, {2, 3});
}

// [2, 3, 4] holding 0..23.
Tensor cube() {
  return arange(24).reshape({2, 3, 4});
}

}  // namespace

// ---- sum
// ------------------------------------------------------------------------------------------

TEST(Sum, OverAllDimsGivesZeroDimTensor) {
  const Tensor s = sum(matrix());
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.item(), 21);
}

TEST(Sum, MethodMatchesFreeFunction) {
  EXPECT_EQ(matrix().sum().item(), 21);
}

TEST(Sum, OverDimZeroSumsColumns) {
  expect_tensor(sum(matrix(), {0}), {3}, {5, 7, 9}, kReduceTolerance);
}

TEST(Sum, OverDimOneSumsRows) {
  expect_tensor(sum(matrix(), {1}), {2}, {6, 15}, kReduceTolerance);
}

TEST(Sum, KeepdimKeepsReducedDimAsSizeOne) {
  expect_tensor(sum(matrix(), {0}, true), {1, 3}, {5, 7, 9}, kReduceTolerance);
  expect_tensor(sum(matrix(), {1}, true), {2, 1}, {6, 15}, kReduceTolerance);
}

TEST(Sum, NegativeDimCountsFromTheEnd) {
  expect_same(sum(cube(), {-1}), sum(cube(), {2}), kReduceTolerance);
  expect_same(sum(cube(), {-3}, true), sum(cube(), {0}, true), kReduceTolerance);
}

TEST(Sum, OverSeveralDims) {
  // Sum over dims 0 and 2 of 0..23 in [2, 3, 4]: for j, sum_i sum_k (12 i + 4 j + k).
  std::vector<double> expected;
  for (int j = 0; j < 3; ++j) {
    double total = 0;
    for (int i = 0; i < 2; ++i) {
      for (int k = 0; k < 4; ++k)
        total += 12 * i + 4 * j + k;
    }
    expected.push_back(total);
  }
  expect_tensor(sum(cube(), {0, 2}), {3}, expected, kReduceTolerance);
  expect_tensor(sum(cube(), {0, 2}, true), {1, 3, 1}, expected, kReduceTolerance);
}

TEST(Sum, SeveralDimsInAnyOrderAndSign) {
  expect_same(sum(cube(), {2, 0}), sum(cube(), {0, 2}), kReduceTolerance);
  expect_same(sum(cube(), {-1, 0}), sum(cube(), {0, 2}), kReduceTolerance);
}

TEST(Sum, EmptyDimListReducesAllDims) {
  expect_tensor(sum(cube(), {}), {}, {276}, kReduceTolerance);
  expect_tensor(sum(cube(), {}, true), {1, 1, 1}, {276}, kReduceTolerance);
}

TEST(Sum, RejectsADimListedTwice) {
  EXPECT_THROW(sum(cube(), {1, 1}), Error);
}

TEST(Sum, RejectsAnOutOfRangeDim) {
  EXPECT_THROW(sum(matrix(), {2}), Error);
  EXPECT_THROW(sum(matrix(), {-3}), Error);
}

TEST(Sum, AccumulatesManyFloat32ValuesAccurately) {
  // 2^20 values of 0.1: a naive float accumulator drifts far more than 1e-3.
  const Tensor x = full({1 << 20}, 0.1);
  EXPECT_NEAR(sum(x).item(), 0.1f * (1 << 20), 1.0);
}

TEST(Sum, OfInt64StaysInt64) {
  const Tensor x = from_vector(std::vector<int64_t>{1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor all = sum(x);
  EXPECT_EQ(all.dtype(), kInt64);
  EXPECT_EQ(all.to_vector<int64_t>(), (std::vector<int64_t>{21}));
  const Tensor rows = sum(x, {1});
  EXPECT_EQ(rows.dtype(), kInt64);
  EXPECT_EQ(rows.to_vector<int64_t>(), (std::vector<int64_t>{6, 15}));
}

TEST(Sum, OfInt64IsExactBeyondFloatPrecision) {
  const int64_t big = int64_t{1} << 53;
  const Tensor x = from_vector(std::vector<int64_t>{big, 1, 1}, {3});
  EXPECT_EQ(sum(x).to_vector<int64_t>()[0], big + 2);
}

// ---- mean
// -----------------------------------------------------------------------------------------

TEST(Mean, OverAllDims) {
  const Tensor m = mean(matrix());
  EXPECT_EQ(m.dim(), 0);
  EXPECT_NEAR(m.item(), 3.5, 1e-6);
}

TEST(Mean, OverOneDim) {
  expect_tensor(mean(matrix(), {0}), {3}, {2.5, 3.5, 4.5}, kReduceTolerance);
  expect_tensor(mean(matrix(), {1}, true), {2, 1}, {2, 5}, kReduceTolerance);
}

TEST(Mean, OverSeveralDimsDividesByTheirProduct) {
  expect_same(mean(cube(), {0, 2}), sum(cube(), {0, 2}) / 8.0, kReduceTolerance);
  expect_same(mean(cube(), {-1, -2}, true), sum(cube(), {1, 2}, true) / 12.0, kReduceTolerance);
}

TEST(Mean, OfInt64Throws) {
  EXPECT_THROW(mean(from_vector(std::vector<int64_t>{1, 2}, {2})), Error);
}

// ---- max / min
// ------------------------------------------------------------------------------------

TEST(Max, OverAllDims) {
  const Tensor x = make({3, -1, 7, 2, 7, 0}, {2, 3});
  const Tensor m = max(x);
  EXPECT_EQ(m.dim(), 0);
  EXPECT_EQ(m.item(), 7);
  EXPECT_EQ(x.max().item(), 7);
}

TEST(Max, OverOneDim) {
  const Tensor x = make({3, -1, 7, 2, 8, 0}, {2, 3});
  expect_tensor(max(x, 0), {3}, {3, 8, 7}, kReduceTolerance);
  expect_tensor(max(x, 1), {2}, {7, 8}, kReduceTolerance);
  expect_tensor(max(x, -1, true), {2, 1}, {7, 8}, kReduceTolerance);
  expect_tensor(x.max(0, true), {1, 3}, {3, 8, 7}, kReduceTolerance);
}

TEST(Max, OfAllNegativeValues) {
  expect_tensor(max(make({-5, -3, -4}, {3}), 0), {}, {-3}, kReduceTolerance);
}

TEST(Max, PropagatesNaN) {
  const Tensor x = make({1, NAN, 3, 4, 5, 6}, {2, 3});
  EXPECT_TRUE(std::isnan(max(x).item()));
  const std::vector<double> by_row = max(x, 1).to_vector<double>();
  EXPECT_TRUE(std::isnan(by_row[0]));
  EXPECT_EQ(by_row[1], 6);
  const std::vector<double> by_column = max(x, 0).to_vector<double>();
  EXPECT_EQ(by_column[0], 4);
  EXPECT_TRUE(std::isnan(by_column[1]));
  EXPECT_EQ(by_column[2], 6);
}

TEST(Max, PropagatesNaNInAnyPosition) {
  EXPECT_TRUE(std::isnan(max(make({NAN, 1, 2}, {3})).item()));
  EXPECT_TRUE(std::isnan(max(make({1, 2, NAN}, {3})).item()));
}

TEST(Min, OverAllDims) {
  EXPECT_EQ(min(make({3, -1, 7, 2, -1, 0}, {2, 3})).item(), -1);
}

TEST(Min, OverOneDim) {
  const Tensor x = make({3, -1, 7, 2, 8, 0}, {2, 3});
  expect_tensor(min(x, 0), {3}, {2, -1, 0}, kReduceTolerance);
  expect_tensor(min(x, 1, true), {2, 1}, {-1, 0}, kReduceTolerance);
}

TEST(Min, PropagatesNaN) {
  EXPECT_TRUE(std::isnan(min(make({1, NAN, -3}, {3})).item()));
}

TEST(Max, OfEmptyTensorThrows) {
  EXPECT_THROW(max(zeros({0})), Error);
}

// ---- Non-contiguous inputs
// ------------------------------------------------------------------------

TEST(ReduceNonContiguous, TransposedInputGivesSameValuesAsContiguousCopy) {
  const Tensor x = arange(12).reshape({3, 4}).t();
  ASSERT_FALSE(x.is_contiguous());
  expect_same(sum(x), sum(x.contiguous()), kReduceTolerance);
  expect_same(sum(x, {0}), sum(x.contiguous(), {0}), kReduceTolerance);
  expect_same(sum(x, {1}, true), sum(x.contiguous(), {1}, true), kReduceTolerance);
  expect_same(mean(x, {1}), mean(x.contiguous(), {1}), kReduceTolerance);
  expect_same(max(x, 0), max(x.contiguous(), 0), kReduceTolerance);
  expect_same(min(x, 1), min(x.contiguous(), 1), kReduceTolerance);
}

TEST(ReduceNonContiguous, SliceWithStepGivesSameValuesAsContiguousCopy) {
  const Tensor x = arange(30).reshape({5, 6}).slice(1, 1, 6, 2).slice(0, 0, 5, 2);
  ASSERT_EQ(x.sizes(), (Shape{3, 3}));
  // rows 0, 2, 4; columns 1, 3, 5
  expect_tensor(sum(x, {1}), {3}, {1 + 3 + 5, 13 + 15 + 17, 25 + 27 + 29}, kReduceTolerance);
  expect_same(sum(x, {0}), sum(x.contiguous(), {0}), kReduceTolerance);
  expect_same(max(x, 0), max(x.contiguous(), 0), kReduceTolerance);
}

TEST(ReduceNonContiguous, ExpandedInputCountsEachRepeat) {
  const Tensor row = tensor({1, 2, 3});
  const Tensor e = row.expand({4, 3});
  expect_tensor(sum(e, {0}), {3}, {4, 8, 12}, kReduceTolerance);
  expect_tensor(sum(e), {}, {24}, kReduceTolerance);
  expect_tensor(mean(e, {0}), {3}, {1, 2, 3}, kReduceTolerance);
}

TEST(ReduceNonContiguous, PermutedInputOverSeveralDims) {
  const Tensor x = cube().permute({2, 0, 1});  // [4, 2, 3]
  expect_same(sum(x, {0, 2}), sum(x.contiguous(), {0, 2}), kReduceTolerance);
  expect_same(max(x, 1, true), max(x.contiguous(), 1, true), kReduceTolerance);
}

TEST(ReduceNonContiguous, LargeTransposedInputMatchesNaiveSums) {
  // 300 x 200 = 60000 elements: above the size at which the reduction splits work over threads.
  const int64_t rows = 300, cols = 200;
  Generator generator(5);
  const Tensor base = uniform({rows, cols}, -1, 1, {.dtype = kFloat64}, &generator);
  const std::vector<double> values = base.to_vector<double>();
  const Tensor x = base.t();  // [cols, rows]
  const std::vector<double> row_sums = sum(x, {1}).to_vector<double>();
  const std::vector<double> column_max = max(x, 0).to_vector<double>();
  ASSERT_EQ(static_cast<int64_t>(row_sums.size()), cols);
  ASSERT_EQ(static_cast<int64_t>(column_max.size()), rows);
  for (int64_t c = 0; c < cols; ++c) {
    double expected = 0;
    for (int64_t r = 0; r < rows; ++r)
      expected += values[r * cols + c];
    EXPECT_NEAR(row_sums[c], expected, 1e-9) << "row " << c;
  }
  for (int64_t r = 0; r < rows; ++r) {
    double expected = values[r * cols];
    for (int64_t c = 1; c < cols; ++c)
      expected = std::max(expected, values[r * cols + c]);
    EXPECT_EQ(column_max[r], expected) << "column " << r;
  }
}

TEST(Sum, OverAnEmptyDimGivesZeros) {
  expect_tensor(sum(zeros({0, 3}), {0}), {3}, {0, 0, 0}, kReduceTolerance);
}

TEST(Sum, OfZeroDimTensorIsItsValue) {
  EXPECT_EQ(sum(scalar_tensor(4)).item(), 4);
}

TEST(Max, OfInt64) {
  const Tensor x = from_vector(std::vector<int64_t>{3, -9, 12, 4}, {2, 2});
  EXPECT_EQ(max(x).to_vector<int64_t>()[0], 12);
  EXPECT_EQ(min(x, 1).to_vector<int64_t>(), (std::vector<int64_t>{-9, 4}));
}

// ---- argmax
// -----------------------------------------------------------------------------------------

TEST(Argmax, GivesIndexOfLargestAlongDim) {
  const Tensor x = make({3, -1, 7, 2, 8, 0}, {2, 3});
  const Tensor rows = argmax(x, 1);
  EXPECT_EQ(rows.dtype(), kInt64);
  EXPECT_EQ(rows.sizes(), (Shape{2}));
  EXPECT_EQ(rows.to_vector<int64_t>(), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(argmax(x, 0).to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 0}));
}

TEST(Argmax, PicksFirstIndexOnTies) {
  const Tensor x = make({5, 1, 5, 2, 2, 2}, {2, 3});
  EXPECT_EQ(argmax(x, 1).to_vector<int64_t>(), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(argmax(make({1, 4, 4, 4}, {4}), 0).to_vector<int64_t>()[0], 1);
}

TEST(Argmax, KeepdimKeepsReducedDim) {
  const Tensor x = make({3, -1, 7, 2, 8, 0}, {2, 3});
  const Tensor out = argmax(x, 1, true);
  EXPECT_EQ(out.sizes(), (Shape{2, 1}));
  EXPECT_EQ(out.to_vector<int64_t>(), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(argmax(x, 0, true).sizes(), (Shape{1, 3}));
}

TEST(Argmax, NegativeDimCountsFromTheEnd) {
  EXPECT_EQ(argmax(cube(), -1).to_vector<int64_t>(), argmax(cube(), 2).to_vector<int64_t>());
}

TEST(Argmax, OnTransposedInput) {
  const Tensor x = make({3, -1, 7, 2, 8, 0}, {2, 3}).t();  // [[3, 2], [-1, 8], [7, 0]]
  EXPECT_EQ(argmax(x, 1).to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 0}));
}

TEST(Argmax, CountsNaNAsLargest) {
  EXPECT_EQ(argmax(make({1, NAN, 3}, {3}), 0).to_vector<int64_t>()[0], 1);
}

// ---- sum_to -------------------------------------------------------------------------------------

TEST(SumTo, SumsAwayLeadingDims) {
  expect_tensor(sum_to(matrix(), {3}), {3}, {5, 7, 9}, kReduceTolerance);
}

TEST(SumTo, SumsSizeOneDims) {
  expect_tensor(sum_to(matrix(), {2, 1}), {2, 1}, {6, 15}, kReduceTolerance);
  expect_tensor(sum_to(matrix(), {1, 3}), {1, 3}, {5, 7, 9}, kReduceTolerance);
}

TEST(SumTo, SumsLeadingAndSizeOneDimsTogether) {
  // [2, 3, 4] -> [3, 1]: sum over dim 0 (leading) and dim 2 (size 1 in the target).
  expect_same(sum_to(cube(), {3, 1}), sum(cube(), {0, 2}).reshape({3, 1}), kReduceTolerance);
}

TEST(SumTo, ToZeroDimSumsEverything) {
  expect_tensor(sum_to(matrix(), {}), {}, {21}, kReduceTolerance);
}

TEST(SumTo, SameShapeIsIdentity) {
  expect_same(sum_to(matrix(), {2, 3}), matrix(), kReduceTolerance);
}

TEST(SumTo, InvertsBroadcasting) {
  const Tensor b = make({1, 2, 3}, {3, 1});
  const Tensor broadcast = b.expand({2, 3, 4});
  expect_tensor(sum_to(broadcast, {3, 1}), {3, 1}, {8, 16, 24}, kReduceTolerance);
}

TEST(SumTo, RejectsAShapeThatDoesNotBroadcast) {
  EXPECT_THROW(sum_to(matrix(), {2}), Error);
  EXPECT_THROW(sum_to(matrix(), {4, 2, 3}), Error);
}
