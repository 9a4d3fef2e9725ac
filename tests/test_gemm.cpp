// tests/test_gemm.cpp - checks timbre::cpu::gemm against a naive triple loop in double.
//
// Every test builds random A, B, C, runs gemm, and compares each element of C with
//   ref = alpha * sum_k A(i,k) B(k,j) + beta * C0(i,j)        (computed in double)
// The allowed error of an element is relative to the size of what was summed,
//   |C - ref| <= tol * (|alpha| * sum_k |A(i,k)| |B(k,j)| + |beta| |C0(i,j)|),
// because a float sum of K products is only that accurate, whatever the order of the additions.
//
// To check the slower kernels on a fast machine, run this binary with TIMBRE_GEMM_KERNEL=avx2 or
// TIMBRE_GEMM_KERNEL=portable in the environment.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "tensor/cpu/gemm.h"

namespace {

// A matrix stored in a flat vector with arbitrary strides (so it can be a transposed view or
// have padding between rows).
template <typename T>
struct StridedMatrix {
  int64_t rows = 0, cols = 0;
  int64_t row_stride = 0, col_stride = 0;
  std::vector<T> data;

  T& at(int64_t i, int64_t j) { return data[i * row_stride + j * col_stride]; }
  T at(int64_t i, int64_t j) const { return data[i * row_stride + j * col_stride]; }
};

// A rows x cols matrix with random entries in [-1, 1].
//   transposed: stored column-major (row_stride = 1, col_stride = ld), like A^T of a row-major
//               matrix.
//   pad:        extra elements after each stored row/column (leading dimension > its minimum).
template <typename T>
StridedMatrix<T> random_matrix(int64_t rows, int64_t cols, bool transposed, int64_t pad,
                               std::mt19937& rng) {
  StridedMatrix<T> m;
  m.rows = rows;
  m.cols = cols;
  const int64_t ld = (transposed ? rows : cols) + pad;
  m.row_stride = transposed ? 1 : ld;
  m.col_stride = transposed ? ld : 1;
  const int64_t outer = transposed ? cols : rows;
  m.data.assign(static_cast<size_t>(std::max<int64_t>(outer * ld, 1)), T(0));
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j)
      m.at(i, j) = static_cast<T>(dist(rng));
  }
  return m;
}

struct Case {
  int64_t M, N, K;
  double alpha = 1.0, beta = 0.0;
  bool trans_a = false, trans_b = false;
  int64_t pad_a = 0, pad_b = 0, pad_c = 0;
  bool nan_in_c = false;  // fill C with NaN first (only meaningful with beta == 0)
};

std::string describe(const Case& t) {
  return "M=" + std::to_string(t.M) + " N=" + std::to_string(t.N) + " K=" + std::to_string(t.K) +
         " alpha=" + std::to_string(t.alpha) + " beta=" + std::to_string(t.beta) +
         " transA=" + std::to_string(t.trans_a) + " transB=" + std::to_string(t.trans_b) +
         " pads=" + std::to_string(t.pad_a) + "," + std::to_string(t.pad_b) + "," +
         std::to_string(t.pad_c);
}

// Runs one case through timbre::cpu::gemm and checks every element of C against the double
// reference. Also checks that the padding between rows of C is left untouched.
template <typename T>
void check_case(const Case& t, double tol, uint32_t seed = 1) {
  SCOPED_TRACE(describe(t));
  std::mt19937 rng(seed);
  const StridedMatrix<T> A = random_matrix<T>(t.M, t.K, t.trans_a, t.pad_a, rng);
  const StridedMatrix<T> B = random_matrix<T>(t.K, t.N, t.trans_b, t.pad_b, rng);
  StridedMatrix<T> C = random_matrix<T>(t.M, t.N, false, t.pad_c, rng);
  const T sentinel = T(12345);
  for (int64_t i = 0; i < t.M; ++i) {
    for (int64_t j = t.N; j < C.row_stride; ++j)
      C.data[i * C.row_stride + j] = sentinel;
  }
  if (t.nan_in_c) {
    for (int64_t i = 0; i < t.M; ++i) {
      for (int64_t j = 0; j < t.N; ++j)
        C.at(i, j) = std::numeric_limits<T>::quiet_NaN();
    }
  }
  const StridedMatrix<T> C0 = C;

  timbre::cpu::gemm(t.M, t.N, t.K, static_cast<T>(t.alpha), A.data.data(), A.row_stride,
                    A.col_stride, B.data.data(), B.row_stride, B.col_stride, static_cast<T>(t.beta),
                    C.data.data(), C.row_stride);

  int64_t failures = 0;
  for (int64_t i = 0; i < t.M && failures < 10; ++i) {
    for (int64_t j = 0; j < t.N && failures < 10; ++j) {
      double sum = 0, magnitude = 0;
      for (int64_t k = 0; k < t.K; ++k) {
        const double p = static_cast<double>(A.at(i, k)) * static_cast<double>(B.at(k, j));
        sum += p;
        magnitude += std::abs(p);
      }
      const double c0 = (t.beta == 0.0) ? 0.0 : static_cast<double>(C0.at(i, j));
      const double ref = t.alpha * sum + t.beta * c0;
      const double bound = tol * (std::abs(t.alpha) * magnitude + std::abs(t.beta * c0)) + 1e-30;
      const double got = static_cast<double>(C.at(i, j));
      if (!(std::abs(got - ref) <= bound)) {  // also catches NaN
        ADD_FAILURE() << "C(" << i << "," << j << ") = " << got << ", expected " << ref
                      << " (bound " << bound << ")";
        ++failures;
      }
    }
    for (int64_t j = t.N; j < C.row_stride; ++j) {
      if (C.data[i * C.row_stride + j] != sentinel) {
        ADD_FAILURE() << "padding of C row " << i << " was overwritten at column " << j;
        ++failures;
      }
    }
  }
}

constexpr double kTolF32 = 1e-5;
constexpr double kTolF64 = 1e-13;

TEST(Gemm, ReportsAKernelName) {
  const std::string name = timbre::cpu::gemm_kernel_name();
  EXPECT_TRUE(name == "avx512" || name == "avx2" || name == "portable") << name;
}

TEST(Gemm, OneByOneByOneIsAProduct) {
  float a = 3, b = -2, c = 100;
  timbre::cpu::gemm(1, 1, 1, 1.0f, &a, 1, 1, &b, 1, 1, 0.0f, &c, 1);
  EXPECT_EQ(c, -6.0f);
}

TEST(Gemm, SquareSizesAroundBlockBoundariesMatchReference) {
  for (int64_t n : {1, 2, 3, 7, 8, 13, 14, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129}) {
    check_case<float>({n, n, n}, kTolF32);
  }
}

TEST(Gemm, RandomOddSizesUpTo70MatchReference) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int64_t> size(1, 70);
  for (int trial = 0; trial < 60; ++trial) {
    check_case<float>({size(rng), size(rng), size(rng)}, kTolF32, static_cast<uint32_t>(trial));
  }
}

TEST(Gemm, LargeOddShapeSpanningSeveralBlocksMatchesReference) {
  // K = 513 > KC and N = 33 is one full micro-panel plus one column: crosses every edge case.
  check_case<float>({257, 33, 513}, kTolF32);
  // M > MC, N > NR panels, K > KC.
  check_case<float>({400, 300, 900}, kTolF32);
}

TEST(Gemm, WideNSpanningSeveralBBlocksMatchesReference) {
  // N larger than NC (4096 for the AVX-512 kernel), small M and K as in a layer's backward pass.
  check_case<float>({5, 4200, 20}, kTolF32);
}

TEST(Gemm, SkinnyShapesMatchReference) {
  check_case<float>({1, 300, 200}, kTolF32);    // row vector times matrix
  check_case<float>({300, 1, 200}, kTolF32);    // matrix times column vector
  check_case<float>({200, 300, 1}, kTolF32);    // outer product
  check_case<float>({32, 120, 3000}, kTolF32);  // fc layer forward, long K
  check_case<float>({10, 512, 128}, kTolF32);   // LSTM step: B read in place, no packing
}

TEST(Gemm, KZeroScalesCByBeta) {
  for (double beta : {0.0, 1.0, -0.5}) {
    check_case<float>({7, 9, 0, 1.0, beta}, kTolF32);
    check_case<float>({70, 90, 0, 2.0, beta}, kTolF32);
  }
}

TEST(Gemm, KZeroWithBetaZeroOverwritesNaN) {
  check_case<float>({5, 6, 0, 1.0, 0.0, false, false, 0, 0, 0, /*nan_in_c=*/true}, kTolF32);
}

TEST(Gemm, EmptyCIsANoOp) {
  std::vector<float> a(10, 1.0f), b(10, 1.0f), c(10, 7.0f);
  timbre::cpu::gemm(0, 5, 2, 1.0f, a.data(), 2, 1, b.data(), 5, 1, 0.0f, c.data(), 5);
  timbre::cpu::gemm(5, 0, 2, 1.0f, a.data(), 2, 1, b.data(), 1, 1, 0.0f, c.data(), 1);
  for (float x : c)
    EXPECT_EQ(x, 7.0f);
  // Null pointers are fine when there is nothing to read or write.
  timbre::cpu::gemm(0, 0, 0, 1.0f, nullptr, 0, 1, nullptr, 0, 1, 0.0f, nullptr, 0);
}

TEST(Gemm, AlphaAndBetaCombinationsMatchReference) {
  for (double alpha : {1.0, -1.0, 0.5, 0.0}) {
    for (double beta : {0.0, 1.0, -2.0, 0.25}) {
      check_case<float>({3, 5, 4, alpha, beta}, kTolF32);       // small path
      check_case<float>({37, 45, 50, alpha, beta}, kTolF32);    // blocked path, one thread
      check_case<float>({130, 70, 400, alpha, beta}, kTolF32);  // blocked path, threads
    }
  }
}

TEST(Gemm, BetaZeroOverwritesNaNInC) {
  for (int64_t n : {3, 20, 100}) {
    check_case<float>({n, n + 1, n + 2, 1.0, 0.0, false, false, 0, 0, 0, true}, kTolF32);
    check_case<float>({n, n + 1, n + 2, 0.0, 0.0, false, false, 0, 0, 0, true}, kTolF32);
    check_case<double>({n, n + 1, n + 2, 1.0, 0.0, false, false, 0, 0, 0, true}, kTolF64);
  }
}

TEST(Gemm, AllFourTransposeCombinationsMatchReference) {
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      check_case<float>({2, 3, 4, 1.0, 0.0, ta, tb}, kTolF32);
      check_case<float>({45, 67, 89, 1.0, 0.5, ta, tb}, kTolF32);
      check_case<float>({129, 127, 400, -1.0, 1.0, ta, tb}, kTolF32);
    }
  }
}

TEST(Gemm, LeadingDimensionsLargerThanTheMatrixMatchReference) {
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      check_case<float>({9, 10, 11, 1.0, 1.0, ta, tb, 3, 5, 7}, kTolF32);
      check_case<float>({100, 90, 80, 1.0, 1.0, ta, tb, 3, 5, 7}, kTolF32);
    }
  }
}

TEST(Gemm, GeneralStridesMatchReference) {
  // Neither stride of A or B is 1: every other element of a row-major buffer.
  const int64_t M = 33, N = 47, K = 29;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> a(static_cast<size_t>(M * K * 4)), b(static_cast<size_t>(K * N * 4));
  for (float& x : a)
    x = dist(rng);
  for (float& x : b)
    x = dist(rng);
  std::vector<float> c(static_cast<size_t>(M * N), 0.0f);
  timbre::cpu::gemm(M, N, K, 1.0f, a.data(), 4 * K, 2, b.data(), 4 * N, 2, 0.0f, c.data(), N);
  for (int64_t i = 0; i < M; ++i) {
    for (int64_t j = 0; j < N; ++j) {
      double ref = 0, mag = 0;
      for (int64_t k = 0; k < K; ++k) {
        const double p = double(a[i * 4 * K + k * 2]) * double(b[k * 4 * N + j * 2]);
        ref += p;
        mag += std::abs(p);
      }
      EXPECT_NEAR(c[i * N + j], ref, kTolF32 * mag) << i << "," << j;
    }
  }
}

TEST(Gemm, Float64MatchesReference) {
  for (int64_t n : {1, 5, 16, 17, 64, 129})
    check_case<double>({n, n, n}, kTolF64);
  check_case<double>({257, 33, 513, 0.5, -1.0}, kTolF64);
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      check_case<double>({45, 67, 300, 1.0, 0.5, ta, tb, 1, 2, 3}, kTolF64);
    }
  }
  check_case<double>({6, 7, 0, 1.0, 0.5}, kTolF64);
}

TEST(Gemm, ResultDoesNotDependOnThreadCount) {
  // Bitwise equal results for 1, 2 and 3 threads, for shapes that split by rows, by columns,
  // and with edge tiles in both directions.
  const int64_t shapes[][3] = {{150, 170, 900}, {30, 700, 300}, {700, 30, 300}, {10, 120, 5000}};
  const int saved = omp_get_max_threads();
  for (const auto& shape : shapes) {
    const int64_t M = shape[0], N = shape[1], K = shape[2];
    std::mt19937 rng(3);
    const auto A = random_matrix<float>(M, K, false, 0, rng);
    const auto B = random_matrix<float>(K, N, true, 0, rng);
    std::vector<float> reference;
    for (int threads : {1, 2, 3}) {
      omp_set_num_threads(threads);
      std::vector<float> c(static_cast<size_t>(M * N));
      timbre::cpu::gemm(M, N, K, 1.0f, A.data.data(), A.row_stride, A.col_stride, B.data.data(),
                        B.row_stride, B.col_stride, 0.0f, c.data(), N);
      if (reference.empty()) {
        reference = c;
        continue;
      }
      for (size_t i = 0; i < c.size(); ++i) {
        ASSERT_EQ(c[i], reference[i])
            << "M=" << M << " N=" << N << " K=" << K << " threads=" << threads << " element " << i;
      }
    }
  }
  omp_set_num_threads(saved);
}

}  // namespace
