// tests/test_matmul.cpp - matmul against a naive triple loop in double: matrices, vectors,
// batches with broadcasting, transposed (strided) operands, and a larger odd-sized product.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "test_helpers.h"
#include "timbre.h"

using namespace timbre;
using namespace timbre::testing;

namespace {

// This file's tolerance for expect_tensor where a test names none.
constexpr double kMatmulTolerance = 1e-4;

// The reference: out[i][j] = sum_k a[i][k] b[k][j] for 2-d a and b, accumulated in double.
std::vector<double> naive_matmul(const Tensor& a, const Tensor& b) {
  const int64_t M = a.size(0), K = a.size(1), N = b.size(1);
  std::vector<double> out(M * N, 0.0);
  for (int64_t i = 0; i < M; ++i) {
    for (int64_t j = 0; j < N; ++j) {
      double total = 0;
      for (int64_t k = 0; k < K; ++k)
        total += a.at({i, k}) * b.at({k, j});
      out[i * N + j] = total;
    }
  }
  return out;
}

// sum_k |a[i][k] b[k][j]|: the scale against which rounding errors of out[i][j] are measured.
std::vector<double> naive_abs_matmul(const Tensor& a, const Tensor& b) {
  return naive_matmul(abs(a), abs(b));
}

// Uniform values in [-1, 1).
Tensor random_matrix(const Shape& sizes, uint64_t seed, DType dtype = kFloat32) {
  return random_uniform(sizes, seed, {.dtype = dtype});
}

}  // namespace

TEST(Matmul, MultipliesTwoMatrices) {
  const Tensor a = make({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = make({7, 8, 9, 10, 11, 12}, {3, 2});
  expect_tensor(matmul(a, b), {2, 2}, {58, 64, 139, 154}, kMatmulTolerance);
}

TEST(Matmul, MatchesNaiveLoopForRandomMatrices) {
  const Tensor a = random_matrix({5, 7}, 1, kFloat64);
  const Tensor b = random_matrix({7, 3}, 2, kFloat64);
  expect_tensor(matmul(a, b), {5, 3}, naive_matmul(a, b), 1e-12);
}

TEST(Matmul, KeepsTheDtype) {
  EXPECT_EQ(matmul(random_matrix({2, 2}, 1), random_matrix({2, 2}, 2)).dtype(), kFloat32);
  EXPECT_EQ(matmul(random_matrix({2, 2}, 1, kFloat64), random_matrix({2, 2}, 2, kFloat64)).dtype(),
            kFloat64);
}

TEST(Matmul, VectorDotVectorGivesZeroDimTensor) {
  const Tensor out = matmul(tensor({1, 2, 3}), tensor({4, 5, 6}));
  EXPECT_EQ(out.dim(), 0);
  EXPECT_EQ(out.item(), 32);
}

TEST(Matmul, VectorTimesMatrixGivesVector) {
  const Tensor v = tensor({1, 2});
  const Tensor m = make({1, 2, 3, 4, 5, 6}, {2, 3});
  // [1, 2] x [[1, 2, 3], [4, 5, 6]] = [9, 12, 15]
  expect_tensor(matmul(v, m), {3}, {9, 12, 15}, kMatmulTolerance);
}

TEST(Matmul, MatrixTimesVectorGivesVector) {
  const Tensor m = make({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor v = tensor({1, 0, -1});
  expect_tensor(matmul(m, v), {2}, {-2, -2}, kMatmulTolerance);
}

TEST(Matmul, VectorTimesBatchedMatrixBroadcasts) {
  const Tensor v = tensor({1, 2});
  const Tensor m = random_matrix({4, 2, 3}, 3, kFloat32);
  const Tensor out = matmul(v, m);
  ASSERT_EQ(out.sizes(), (Shape{4, 3}));
  for (int64_t n = 0; n < 4; ++n) {
    for (int64_t j = 0; j < 3; ++j) {
      EXPECT_NEAR(out.at({n, j}), m.at({n, 0, j}) + 2 * m.at({n, 1, j}), 1e-5);
    }
  }
}

TEST(Matmul, MultipliesBatchesOfMatrices) {
  const Tensor a = random_matrix({3, 4, 5}, 4, kFloat64);
  const Tensor b = random_matrix({3, 5, 2}, 5, kFloat64);
  const Tensor out = matmul(a, b);
  ASSERT_EQ(out.sizes(), (Shape{3, 4, 2}));
  for (int64_t n = 0; n < 3; ++n) {
    expect_tensor(out.select(0, n), {4, 2}, naive_matmul(a.select(0, n), b.select(0, n)), 1e-12);
  }
}

TEST(Matmul, BroadcastsBatchDims) {
  // [2, 1, 3, 4] x [5, 4, 2] -> [2, 5, 3, 2]: out[i][j] = a[i][0] x b[j].
  const Tensor a = random_matrix({2, 1, 3, 4}, 6, kFloat64);
  const Tensor b = random_matrix({5, 4, 2}, 7, kFloat64);
  const Tensor out = matmul(a, b);
  ASSERT_EQ(out.sizes(), (Shape{2, 5, 3, 2}));
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t j = 0; j < 5; ++j) {
      expect_tensor(out.select(0, i).select(0, j), {3, 2},
                    naive_matmul(a.select(0, i).select(0, 0), b.select(0, j)), 1e-12);
    }
  }
}

TEST(Matmul, BroadcastsAMatrixAgainstABatch) {
  const Tensor a = random_matrix({3, 4}, 8, kFloat64);
  const Tensor b = random_matrix({2, 4, 5}, 9, kFloat64);
  const Tensor out = matmul(a, b);
  ASSERT_EQ(out.sizes(), (Shape{2, 3, 5}));
  for (int64_t n = 0; n < 2; ++n) {
    expect_tensor(out.select(0, n), {3, 5}, naive_matmul(a, b.select(0, n)), 1e-12);
  }
}

TEST(Matmul, ReadsTransposedLeftOperand) {
  const Tensor a_storage = random_matrix({6, 4}, 10, kFloat64);
  const Tensor a = a_storage.t();  // [4, 6], not contiguous
  const Tensor b = random_matrix({6, 3}, 11, kFloat64);
  ASSERT_FALSE(a.is_contiguous());
  expect_tensor(matmul(a, b), {4, 3}, naive_matmul(a, b), 1e-12);
}

TEST(Matmul, ReadsTransposedRightOperand) {
  const Tensor a = random_matrix({4, 6}, 12, kFloat64);
  const Tensor b = random_matrix({3, 6}, 13, kFloat64).t();  // [6, 3]
  expect_tensor(matmul(a, b), {4, 3}, naive_matmul(a, b), 1e-12);
}

TEST(Matmul, ReadsBothOperandsTransposed) {
  const Tensor a = random_matrix({6, 4}, 14, kFloat32).t();
  const Tensor b = random_matrix({3, 6}, 15, kFloat32).t();
  expect_tensor(matmul(a, b), {4, 3}, naive_matmul(a, b), 1e-5);
}

TEST(Matmul, ReadsTransposedBatchedOperand) {
  const Tensor a = random_matrix({2, 5, 3}, 16, kFloat64).transpose(1, 2);  // [2, 3, 5]
  const Tensor b = random_matrix({2, 5, 4}, 17, kFloat64);
  const Tensor out = matmul(a, b);
  ASSERT_EQ(out.sizes(), (Shape{2, 3, 4}));
  for (int64_t n = 0; n < 2; ++n) {
    expect_tensor(out.select(0, n), {3, 4}, naive_matmul(a.select(0, n), b.select(0, n)), 1e-12);
  }
}

TEST(Matmul, ReadsSlicedOperand) {
  const Tensor a = random_matrix({4, 10}, 18, kFloat64).slice(1, 1, 10, 2);  // [4, 5], stride 2
  const Tensor b = random_matrix({5, 3}, 19, kFloat64);
  expect_tensor(matmul(a, b), {4, 3}, naive_matmul(a, b), 1e-12);
}

TEST(Matmul, LargeOddSizedFloat32ProductMatchesNaiveLoop) {
  const Tensor a = random_matrix({67, 129}, 20, kFloat32);
  const Tensor b = random_matrix({129, 33}, 21, kFloat32);
  const Tensor out = matmul(a, b);
  ASSERT_EQ(out.sizes(), (Shape{67, 33}));
  const std::vector<double> actual = out.to_vector<double>();
  const std::vector<double> expected = naive_matmul(a, b);
  const std::vector<double> scale = naive_abs_matmul(a, b);
  int failures = 0;
  for (size_t i = 0; i < actual.size() && failures < 10; ++i) {
    const double error = std::fabs(actual[i] - expected[i]);
    if (error > 1e-4 * scale[i]) {
      ++failures;
      ADD_FAILURE() << "element " << i << ": got " << actual[i] << ", expected " << expected[i];
    }
  }
}

TEST(Matmul, LargeTransposedFloat32OperandsMatchNaiveLoop) {
  const Tensor a = random_matrix({129, 67}, 22, kFloat32).t();  // [67, 129], column-major
  const Tensor b = random_matrix({33, 129}, 23, kFloat32).t();  // [129, 33], column-major
  const std::vector<double> actual = matmul(a, b).to_vector<double>();
  const std::vector<double> expected = naive_matmul(a, b);
  const std::vector<double> scale = naive_abs_matmul(a, b);
  int failures = 0;
  for (size_t i = 0; i < actual.size() && failures < 10; ++i) {
    if (std::fabs(actual[i] - expected[i]) > 1e-4 * scale[i]) {
      ++failures;
      ADD_FAILURE() << "element " << i << ": got " << actual[i] << ", expected " << expected[i];
    }
  }
}

TEST(Matmul, ReadsExpandedOperandWithZeroStride) {
  const Tensor row = random_matrix({1, 4}, 24, kFloat64);
  const Tensor a = row.expand({3, 4});  // every row the same, row stride 0
  ASSERT_EQ(a.stride(0), 0);
  const Tensor b = random_matrix({4, 2}, 25, kFloat64);
  expect_tensor(matmul(a, b), {3, 2}, naive_matmul(a, b), 1e-12);
  const Tensor column = random_matrix({4, 1}, 26, kFloat64).expand({4, 5});  // column stride 0
  expect_tensor(matmul(b.t(), column), {2, 5}, naive_matmul(b.t(), column), 1e-12);
}

TEST(Matmul, ReadsOperandWithNoUnitStride) {
  const Tensor a = random_matrix({8, 10}, 27, kFloat64).slice(0, 0, 8, 2).slice(1, 1, 10, 3);
  ASSERT_EQ(a.sizes(), (Shape{4, 3}));
  const Tensor b = random_matrix({3, 9}, 28, kFloat64).slice(1, 0, 9, 4);  // [3, 3]
  expect_tensor(matmul(a, b), {4, 3}, naive_matmul(a, b), 1e-12);
}

TEST(Matmul, ZeroInnerDimensionGivesZeros) {
  expect_tensor(matmul(zeros({2, 0}), zeros({0, 3})), {2, 3}, {0, 0, 0, 0, 0, 0}, kMatmulTolerance);
}

TEST(Matmul, RejectsMismatchedInnerDimensionsNamingTheShapes) {
  try {
    matmul(zeros({2, 3}), zeros({4, 5}));
    FAIL() << "expected timbre::Error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("[2, 3]"), std::string::npos) << message;
    EXPECT_NE(message.find("[4, 5]"), std::string::npos) << message;
  }
}

TEST(Matmul, RejectsZeroDimOperand) {
  EXPECT_THROW(matmul(scalar_tensor(2), zeros({2})), Error);
}

TEST(Matmul, RejectsInt64) {
  const Tensor a = from_vector(std::vector<int64_t>{1, 2, 3, 4}, {2, 2});
  EXPECT_THROW(matmul(a, a), Error);
}
