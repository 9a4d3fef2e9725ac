// tests/test_index.cpp - gather, index_select, concat and stack: values, shapes, non-contiguous
// inputs, and the errors for indices out of range.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "test_helpers.h"
#include "timbre.h"

using namespace timbre;
using namespace timbre::testing;

namespace {

// Checks the shape of `actual` and that every value equals `expected` exactly.
void expect_exact(const Tensor& actual, const Shape& sizes, const std::vector<double>& expected) {
  ASSERT_EQ(actual.sizes(), sizes) << actual.to_string();
  EXPECT_EQ(actual.to_vector<double>(), expected) << actual.to_string();
}

// Runs `body`, expecting a timbre::Error whose message contains every one of `parts`.
void expect_error_containing(const std::function<void()>& body,
                             const std::vector<std::string>& parts) {
  try {
    body();
    ADD_FAILURE() << "expected timbre::Error";
  } catch (const Error& e) {
    const std::string message = e.what();
    for (const std::string& part : parts) {
      EXPECT_NE(message.find(part), std::string::npos)
          << "message \"" << message << "\" lacks \"" << part << "\"";
    }
  }
}

// [[0, 1, 2, 3],
//  [4, 5, 6, 7],
//  [8, 9, 10, 11]]
Tensor grid() {
  return arange(12).reshape({3, 4});
}

}  // namespace

// ---- gather -------------------------------------------------------------------------------------

TEST(Gather, AlongDimOnePicksColumnsPerRow) {
  const Tensor out = gather(grid(), 1, make_int({0, 3, 1, 1, 2, 0}, {3, 2}));
  expect_exact(out, {3, 2}, {0, 3, 5, 5, 10, 8});
}

TEST(Gather, AlongDimZeroPicksRowsPerColumn) {
  const Tensor out = gather(grid(), 0, make_int({2, 0, 1, 2}, {1, 4}));
  expect_exact(out, {1, 4}, {8, 1, 6, 11});
}

TEST(Gather, PicksEachSamplesLabel) {
  // The cross-entropy pattern: log-probabilities [N, C], labels [N, 1].
  const Tensor logp = make({-0.1, -2.0, -3.0, -1.5, -0.2, -4.0}, {2, 3});
  expect_exact(gather(logp, 1, make_int({0, 1}, {2, 1})), {2, 1},
               {static_cast<float>(-0.1), static_cast<float>(-0.2)});
}

TEST(Gather, OutputHasTheIndexShape) {
  const Tensor out = gather(grid(), 1, make_int({1, 2}, {2, 1}));
  expect_exact(out, {2, 1}, {1, 6});
}

TEST(Gather, KeepsTheInputDtype) {
  const Tensor x = make({1, 2, 3, 4}, {2, 2}, kFloat64);
  EXPECT_EQ(gather(x, 1, make_int({1, 0}, {2, 1})).dtype(), kFloat64);
  const Tensor labels = make_int({5, 6, 7, 8}, {2, 2});
  expect_exact(gather(labels, 1, make_int({1, 0}, {2, 1})), {2, 1}, {6, 7});
}

TEST(Gather, ReadsATransposedInput) {
  const Tensor x = grid().t();  // [4, 3]: x[i][j] = 4 j + i
  const Tensor out = gather(x, 1, make_int({2, 0, 1, 1}, {4, 1}));
  expect_exact(out, {4, 1}, {8, 1, 6, 7});
}

TEST(Gather, ReadsATransposedIndex) {
  const Tensor index = make_int({3, 1, 0, 2, 2, 0}, {2, 3}).t();  // [[3, 2], [1, 2], [0, 0]]
  expect_exact(gather(grid(), 1, index), {3, 2}, {3, 2, 5, 6, 8, 8});
}

TEST(Gather, RejectsIndexAtTheSizeNamingIt) {
  expect_error_containing([] { gather(grid(), 1, make_int({0, 4, 1}, {3, 1})); }, {"gather", "4"});
}

TEST(Gather, RejectsLargeIndexNamingIt) {
  expect_error_containing(
      [] {
        gather(grid(), 0, make_int({0, 1, 1234, 2}, {1, 4}));
      },
      {"gather", "1234"});
}

TEST(Gather, RejectsNegativeIndexNamingIt) {
  expect_error_containing(
      [] {
        gather(grid(), 1, make_int({0, -7, 1}, {3, 1}));
      },
      {"gather", "-7"});
}

TEST(Gather, RejectsFloatIndex) {
  EXPECT_THROW(gather(grid(), 1, zeros({3, 1})), Error);
}

TEST(Gather, RejectsIndexWithOtherNumberOfDims) {
  EXPECT_THROW(gather(grid(), 1, make_int({0, 1, 2}, {3})), Error);
}

// ---- index_select
// --------------------------------------------------------------------------------

TEST(IndexSelect, PicksRows) {
  expect_exact(index_select(grid(), 0, make_int({2, 0}, {2})), {2, 4}, {8, 9, 10, 11, 0, 1, 2, 3});
}

TEST(IndexSelect, PicksColumns) {
  expect_exact(index_select(grid(), 1, make_int({3, 1}, {2})), {3, 2}, {3, 1, 7, 5, 11, 9});
}

TEST(IndexSelect, MayRepeatIndices) {
  expect_exact(index_select(tensor({5, 6, 7}), 0, make_int({1, 1, 2, 1}, {4})), {4}, {6, 6, 7, 6});
}

TEST(IndexSelect, NegativeDimCountsFromTheEnd) {
  expect_exact(index_select(grid(), -1, make_int({0}, {1})), {3, 1}, {0, 4, 8});
}

TEST(IndexSelect, EmptyIndexGivesEmptyDim) {
  EXPECT_EQ(index_select(grid(), 0, make_int({}, {0})).sizes(), (Shape{0, 4}));
}

TEST(IndexSelect, ReadsANonContiguousInput) {
  const Tensor x = grid().t();  // [4, 3]
  expect_exact(index_select(x, 0, make_int({3, 0}, {2})), {2, 3}, {3, 7, 11, 0, 4, 8});
  const Tensor s = grid().slice(1, 0, 4, 2);  // columns 0 and 2
  expect_exact(index_select(s, 1, make_int({1}, {1})), {3, 1}, {2, 6, 10});
}

TEST(IndexSelect, ReadsASlicedIndex) {
  const Tensor index = make_int({2, 9, 0, 9, 1}, {5}).slice(0, 0, 5, 2);  // 2, 0, 1
  expect_exact(index_select(grid(), 0, index), {3, 4}, {8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6, 7});
}

TEST(IndexSelect, LargeSelectionMatchesTheRowsPicked) {
  // 40000 output elements: above the size at which the kernel splits work over threads.
  const Tensor x = arange(200.0 * 100.0).reshape({200, 100});
  std::vector<int64_t> picks;
  for (int64_t i = 0; i < 400; ++i)
    picks.push_back((i * 37) % 200);
  const std::vector<double> out = index_select(x, 0, make_int(picks, {400})).to_vector<double>();
  ASSERT_EQ(out.size(), 40000u);
  for (int64_t i = 0; i < 400; ++i) {
    for (int64_t j = 0; j < 100; j += 33) {
      EXPECT_EQ(out[i * 100 + j], static_cast<double>(picks[i] * 100 + j));
    }
  }
}

TEST(IndexSelect, RejectsIndexAtTheSizeNamingIt) {
  expect_error_containing(
      [] {
        index_select(grid(), 0, make_int({0, 3}, {2}));
      },
      {"index_select", "3"});
}

TEST(IndexSelect, RejectsLargeIndexNamingIt) {
  expect_error_containing([] { index_select(grid(), 1, make_int({987}, {1})); },
                          {"index_select", "987"});
}

TEST(IndexSelect, RejectsNegativeIndexNamingIt) {
  expect_error_containing([] { index_select(grid(), 1, make_int({-2}, {1})); },
                          {"index_select", "-2"});
}

TEST(IndexSelect, RejectsTwoDimIndex) {
  EXPECT_THROW(index_select(grid(), 0, make_int({0, 1}, {1, 2})), Error);
}

// ---- concat
// ---------------------------------------------------------------------------------------

TEST(Concat, AlongDimZeroStacksRows) {
  const Tensor a = make({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = make({7, 8, 9}, {1, 3});
  expect_exact(concat({a, b}, 0), {3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEST(Concat, AlongDimOneJoinsColumns) {
  const Tensor a = make({1, 2}, {2, 1});
  const Tensor b = make({3, 4, 5, 6, 7, 8}, {2, 3});
  expect_exact(concat({a, b}, 1), {2, 4}, {1, 3, 4, 5, 2, 6, 7, 8});
}

TEST(Concat, JoinsThreeInputsOfDifferentLengths) {
  const Tensor out = concat({tensor({1}), tensor({2, 3, 4}), tensor({5, 6})});
  expect_exact(out, {6}, {1, 2, 3, 4, 5, 6});
}

TEST(Concat, NegativeDimCountsFromTheEnd) {
  const Tensor a = make({1, 2}, {2, 1});
  const Tensor b = make({3, 4}, {2, 1});
  expect_exact(concat({a, b}, -1), {2, 2}, {1, 3, 2, 4});
}

TEST(Concat, CopiesANonContiguousInput) {
  const Tensor a = make({1, 2, 3, 4}, {2, 2}).t();  // [[1, 3], [2, 4]]
  const Tensor b = make({5, 6}, {1, 2});
  expect_exact(concat({a, b}, 0), {3, 2}, {1, 3, 2, 4, 5, 6});
  expect_exact(concat({b.t(), a}, 1), {2, 3}, {5, 1, 3, 6, 2, 4});
}

TEST(Concat, CopiesASlicedInput) {
  const Tensor s = arange(10).slice(0, 1, 10, 3);  // 1, 4, 7
  expect_exact(concat({s, tensor({0})}), {4}, {1, 4, 7, 0});
}

TEST(Concat, ResultDoesNotShareStorageWithInputs) {
  const Tensor a = tensor({1, 2});
  const Tensor out = concat({a});
  a.set_at({0}, 100);
  EXPECT_EQ(out.at({0}), 1);
}

TEST(Concat, RejectsShapesDifferingOutsideTheDim) {
  EXPECT_THROW(concat({zeros({2, 3}), zeros({2, 4})}, 0), Error);
}

TEST(Concat, RejectsMixedDtypes) {
  EXPECT_THROW(concat({zeros({2}), zeros({2}, {.dtype = kFloat64})}), Error);
}

TEST(Concat, RejectsEmptyList) {
  EXPECT_THROW(concat({}), Error);
}

// ---- stack
// ------------------------------------------------------------------------------------------

TEST(Stack, AlongNewDimZero) {
  const Tensor out = stack({tensor({1, 2, 3}), tensor({4, 5, 6})}, 0);
  expect_exact(out, {2, 3}, {1, 2, 3, 4, 5, 6});
}

TEST(Stack, AlongNewLastDim) {
  const Tensor out = stack({tensor({1, 2, 3}), tensor({4, 5, 6})}, 1);
  expect_exact(out, {3, 2}, {1, 4, 2, 5, 3, 6});
  expect_exact(stack({tensor({1, 2, 3}), tensor({4, 5, 6})}, -1), {3, 2}, {1, 4, 2, 5, 3, 6});
}

TEST(Stack, MatricesAlongNewMiddleDim) {
  const Tensor a = make({1, 2, 3, 4}, {2, 2});
  const Tensor b = make({5, 6, 7, 8}, {2, 2});
  expect_exact(stack({a, b}, 1), {2, 2, 2}, {1, 2, 5, 6, 3, 4, 7, 8});
}

TEST(Stack, ZeroDimTensorsGiveAVector) {
  expect_exact(stack({scalar_tensor(1), scalar_tensor(2)}), {2}, {1, 2});
}

TEST(Stack, NonContiguousInputs) {
  const Tensor a = make({1, 2, 3, 4}, {2, 2}).t();
  expect_exact(stack({a, a}, 0), {2, 2, 2}, {1, 3, 2, 4, 1, 3, 2, 4});
}

TEST(Stack, RejectsDifferentShapes) {
  EXPECT_THROW(stack({tensor({1, 2}), tensor({1, 2, 3})}), Error);
}
