// tensor/cpu/gemm_kernel_avx2.cpp - AVX2 + FMA micro-kernels for timbre's GEMM.
//
// Compiled with -mavx2 -mfma (see gemm_sources.cmake); only called after gemm.cpp has checked
// at run time that the CPU supports AVX2 and FMA. This is the kernel most laptops from the last
// ten years (Intel Haswell+, AMD Zen 1-3) run. Read gemm_kernels.h first.
//
// The register tile is MR = 6 rows by NR = 2 vectors (16 floats or 8 doubles): 12 accumulators
// + 2 B vectors + 1 broadcast = 15 of the 16 ymm registers. Per k: 12 FMAs, 2 loads, 6
// broadcasts. This is the classic BLIS Haswell shape.
//
// Edges: the kernel is a template over the number of valid rows (kRows = m). A tile with fewer
// than NR valid columns is written through a small buffer on the stack, because AVX2 has no
// cheap masked store for that case.
#include "tensor/cpu/gemm_kernels.h"

#if TIMBRE_GEMM_X86_KERNELS

#include <immintrin.h>

namespace timbre::cpu::detail {
namespace {

struct F32 {
  using T = float;
  using Vec = __m256;
  static constexpr int kLanes = 8;
  static Vec zero() { return _mm256_setzero_ps(); }
  static Vec set1(T x) { return _mm256_set1_ps(x); }
  static Vec loadu(const T* p) { return _mm256_loadu_ps(p); }
  static void storeu(T* p, Vec v) { _mm256_storeu_ps(p, v); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  static Vec mul(Vec a, Vec b) { return _mm256_mul_ps(a, b); }
};

struct F64 {
  using T = double;
  using Vec = __m256d;
  static constexpr int kLanes = 4;
  static Vec zero() { return _mm256_setzero_pd(); }
  static Vec set1(T x) { return _mm256_set1_pd(x); }
  static Vec loadu(const T* p) { return _mm256_loadu_pd(p); }
  static void storeu(T* p, Vec v) { _mm256_storeu_pd(p, v); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm256_fmadd_pd(a, b, c); }
  static Vec mul(Vec a, Vec b) { return _mm256_mul_pd(a, b); }
};

constexpr int kMR = static_cast<int>(kAvx2MR);

// One tile with exactly kRows valid rows (1 <= kRows <= kMR) and n valid columns.
//   ap: [kc, kMR] packed A, bp: [kc, 2 * kLanes] B with row stride ldb, c: [kRows, n] with row
//   stride ldc.
template <typename S, int kRows>
void tile(int64_t kc, const typename S::T* ap, const typename S::T* bp, int64_t ldb,
          typename S::T* c, int64_t ldc, int64_t n, typename S::T alpha, typename S::T beta) {
  using T = typename S::T;
  using Vec = typename S::Vec;
  constexpr int kNR = 2 * S::kLanes;

  Vec acc[kRows][2];
#pragma GCC unroll 8
  for (int r = 0; r < kRows; ++r) {
    acc[r][0] = S::zero();
    acc[r][1] = S::zero();
  }

  for (int64_t k = 0; k < kc; ++k) {
    const Vec b0 = S::loadu(bp + k * ldb);
    const Vec b1 = S::loadu(bp + k * ldb + S::kLanes);
    const T* a_k = ap + k * kMR;  // A(0..kMR-1, k)
#pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r) {
      const Vec a_rk = S::set1(a_k[r]);
      acc[r][0] = S::fmadd(a_rk, b0, acc[r][0]);
      acc[r][1] = S::fmadd(a_rk, b1, acc[r][1]);
    }
  }

  const Vec valpha = S::set1(alpha);
  const Vec vbeta = S::set1(beta);
  if (n == kNR) {  // full-width tile: straight vector loads/stores of C
#pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r) {
      T* c_r = c + r * ldc;
      Vec v0 = S::mul(valpha, acc[r][0]);
      Vec v1 = S::mul(valpha, acc[r][1]);
      if (beta != 0) {  // beta == 0: C is never read, so NaN in C cannot leak in
        v0 = S::fmadd(vbeta, S::loadu(c_r), v0);
        v1 = S::fmadd(vbeta, S::loadu(c_r + S::kLanes), v1);
      }
      S::storeu(c_r, v0);
      S::storeu(c_r + S::kLanes, v1);
    }
    return;
  }
  // Right edge: spill the row to a buffer and copy its n valid columns.
  T row[kNR];
  for (int r = 0; r < kRows; ++r) {
    T* c_r = c + r * ldc;
    S::storeu(row, S::mul(valpha, acc[r][0]));
    S::storeu(row + S::kLanes, S::mul(valpha, acc[r][1]));
    for (int64_t j = 0; j < n; ++j)
      c_r[j] = (beta != 0) ? row[j] + beta * c_r[j] : row[j];
  }
}

// Calls the tile<kRows> instance for m rows. Each instance is compiled separately with its
// row count known, which is what keeps its accumulators in registers.
template <typename S>
void tile_any_rows(int64_t kc, const typename S::T* ap, const typename S::T* bp, int64_t ldb,
                   typename S::T* c, int64_t ldc, int64_t m, int64_t n, typename S::T alpha,
                   typename S::T beta) {
  using TileFn = void (*)(int64_t, const typename S::T*, const typename S::T*, int64_t,
                          typename S::T*, int64_t, int64_t, typename S::T, typename S::T);
  static constexpr TileFn kTiles[] = {&tile<S, 1>, &tile<S, 2>, &tile<S, 3>,
                                      &tile<S, 4>, &tile<S, 5>, &tile<S, 6>};
  static_assert(sizeof(kTiles) / sizeof(kTiles[0]) == kMR, "one entry per row count 1..kMR");
  kTiles[m - 1](kc, ap, bp, ldb, c, ldc, n, alpha, beta);  // m is in [1, kMR], see gemm_kernels.h
}

}  // namespace

void micro_kernel_avx2(int64_t kc, const float* ap, const float* bp, int64_t ldb, float* c,
                       int64_t ldc, int64_t m, int64_t n, float alpha, float beta) {
  static_assert(2 * F32::kLanes == kAvx2NRf32);
  tile_any_rows<F32>(kc, ap, bp, ldb, c, ldc, m, n, alpha, beta);
}

void micro_kernel_avx2(int64_t kc, const double* ap, const double* bp, int64_t ldb, double* c,
                       int64_t ldc, int64_t m, int64_t n, double alpha, double beta) {
  static_assert(2 * F64::kLanes == kAvx2NRf64);
  tile_any_rows<F64>(kc, ap, bp, ldb, c, ldc, m, n, alpha, beta);
}

}  // namespace timbre::cpu::detail

#endif  // TIMBRE_GEMM_X86_KERNELS
