// tensor/cpu/gemm_kernel_avx512.cpp - AVX-512 micro-kernels for timbre's GEMM.
//
// Compiled with -mavx512f -mavx512vl -mavx512dq -mfma (see gemm_sources.cmake); only called after
// gemm.cpp has checked at run time that the CPU supports AVX-512F. Read gemm_kernels.h first.
//
// The register tile is MR = 14 rows by NR = 2 vectors (32 floats or 16 doubles):
//
//              Bp[k, 0:NR]  = two vectors b0 b1       (loaded once per k)
//            +---------------+
//   Ap[k,0]  | acc[0][0..1]  |   acc[r][v] += broadcast(Ap[k, r]) * bv
//   Ap[k,1]  | acc[1][0..1]  |
//     ...    |     ...       |   28 accumulators + b0 + b1 + broadcasts = 31 of the 32 zmm
//   Ap[k,13] | acc[13][0..1] |   registers, so nothing spills to the stack.
//            +---------------+
//
// Per k the kernel does 28 FMAs but only 2 vector loads and 14 scalar broadcasts. An FMA on
// Zen 4 / Skylake-X has a latency of 4 cycles and 1-2 issue per cycle, so it takes at least
// 4-8 independent accumulators to keep the FMA units busy; 28 is plenty.
//
// Edges: the kernel is a template over the number of valid rows (kRows = m), so a tile with
// fewer rows does proportionally less work; columns j >= n are masked off when storing (the
// packed B is zero there, so those lanes hold zeros and are simply never written).
#include "tensor/cpu/gemm_kernels.h"

#if TIMBRE_GEMM_X86_KERNELS

#include <immintrin.h>

namespace timbre::cpu::detail {
namespace {

// The few AVX-512 operations the kernel needs, for float and for double, so that a single
// kernel template serves both types.
struct F32 {
  using T = float;
  using Vec = __m512;
  using Mask = __mmask16;
  static constexpr int kLanes = 16;
  static Vec zero() { return _mm512_setzero_ps(); }
  static Vec set1(T x) { return _mm512_set1_ps(x); }
  static Vec loadu(const T* p) { return _mm512_loadu_ps(p); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static Vec mul(Vec a, Vec b) { return _mm512_mul_ps(a, b); }
  // Lanes [0, count) set; count is clamped to [0, kLanes].
  static Mask first_lanes(int64_t count) {
    if (count >= kLanes) return static_cast<Mask>(0xFFFF);
    if (count <= 0) return 0;
    return static_cast<Mask>((1u << count) - 1u);
  }
  static Vec maskz_loadu(Mask m, const T* p) { return _mm512_maskz_loadu_ps(m, p); }
  static void mask_storeu(T* p, Mask m, Vec v) { _mm512_mask_storeu_ps(p, m, v); }
};

struct F64 {
  using T = double;
  using Vec = __m512d;
  using Mask = __mmask8;
  static constexpr int kLanes = 8;
  static Vec zero() { return _mm512_setzero_pd(); }
  static Vec set1(T x) { return _mm512_set1_pd(x); }
  static Vec loadu(const T* p) { return _mm512_loadu_pd(p); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm512_fmadd_pd(a, b, c); }
  static Vec mul(Vec a, Vec b) { return _mm512_mul_pd(a, b); }
  static Mask first_lanes(int64_t count) {
    if (count >= kLanes) return static_cast<Mask>(0xFF);
    if (count <= 0) return 0;
    return static_cast<Mask>((1u << count) - 1u);
  }
  static Vec maskz_loadu(Mask m, const T* p) { return _mm512_maskz_loadu_pd(m, p); }
  static void mask_storeu(T* p, Mask m, Vec v) { _mm512_mask_storeu_pd(p, m, v); }
};

constexpr int kMR = static_cast<int>(kAvx512MR);

// One tile with exactly kRows valid rows (1 <= kRows <= kMR) and n valid columns.
//   ap: [kc, kMR] packed A, bp: [kc, 2 * kLanes] B with row stride ldb, c: [kRows, n] with row
//   stride ldc.
template <typename S, int kRows>
void tile(int64_t kc, const typename S::T* ap, const typename S::T* bp, int64_t ldb,
          typename S::T* c, int64_t ldc, int64_t n, typename S::T alpha, typename S::T beta) {
  using Vec = typename S::Vec;

  Vec acc[kRows][2];
#pragma GCC unroll 16
  for (int r = 0; r < kRows; ++r) {
    acc[r][0] = S::zero();
    acc[r][1] = S::zero();
  }

  // The hot loop: one rank-1 update of the tile per k.
  for (int64_t k = 0; k < kc; ++k) {
    const Vec b0 = S::loadu(bp + k * ldb);
    const Vec b1 = S::loadu(bp + k * ldb + S::kLanes);
    const typename S::T* a_k = ap + k * kMR;  // A(0..kMR-1, k)
#pragma GCC unroll 16
    for (int r = 0; r < kRows; ++r) {
      const Vec a_rk = S::set1(a_k[r]);  // becomes an embedded {1toN} broadcast in the FMA
      acc[r][0] = S::fmadd(a_rk, b0, acc[r][0]);
      acc[r][1] = S::fmadd(a_rk, b1, acc[r][1]);
    }
  }

  // Write back C = alpha * acc + beta * C, storing only the n valid columns of each row.
  const typename S::Mask mask0 = S::first_lanes(n);
  const typename S::Mask mask1 = S::first_lanes(n - S::kLanes);
  const Vec valpha = S::set1(alpha);
  const Vec vbeta = S::set1(beta);
#pragma GCC unroll 16
  for (int r = 0; r < kRows; ++r) {
    typename S::T* c_r = c + r * ldc;
    Vec v0 = S::mul(valpha, acc[r][0]);
    Vec v1 = S::mul(valpha, acc[r][1]);
    if (beta != 0) {  // beta == 0: C is not read at all, so NaN/garbage in C cannot leak in
      v0 = S::fmadd(vbeta, S::maskz_loadu(mask0, c_r), v0);
      v1 = S::fmadd(vbeta, S::maskz_loadu(mask1, c_r + S::kLanes), v1);
    }
    S::mask_storeu(c_r, mask0, v0);
    S::mask_storeu(c_r + S::kLanes, mask1, v1);
  }
}

// Picks the tile<kRows> instance for m rows. A switch instead of a loop over rows keeps the
// row count a compile-time constant, so the accumulators stay in registers.
// Calls the tile<kRows> instance for m rows. Each instance is compiled separately with its
// row count known, which is what keeps its accumulators in registers.
template <typename S>
void tile_any_rows(int64_t kc, const typename S::T* ap, const typename S::T* bp, int64_t ldb,
                   typename S::T* c, int64_t ldc, int64_t m, int64_t n, typename S::T alpha,
                   typename S::T beta) {
  using TileFn = void (*)(int64_t, const typename S::T*, const typename S::T*, int64_t,
                          typename S::T*, int64_t, int64_t, typename S::T, typename S::T);
  static constexpr TileFn kTiles[] = {&tile<S, 1>,  &tile<S, 2>,  &tile<S, 3>,  &tile<S, 4>,
                                      &tile<S, 5>,  &tile<S, 6>,  &tile<S, 7>,  &tile<S, 8>,
                                      &tile<S, 9>,  &tile<S, 10>, &tile<S, 11>, &tile<S, 12>,
                                      &tile<S, 13>, &tile<S, 14>};
  static_assert(sizeof(kTiles) / sizeof(kTiles[0]) == kMR, "one entry per row count 1..kMR");
  kTiles[m - 1](kc, ap, bp, ldb, c, ldc, n, alpha, beta);  // m is in [1, kMR], see gemm_kernels.h
}

}  // namespace

void micro_kernel_avx512(int64_t kc, const float* ap, const float* bp, int64_t ldb, float* c,
                         int64_t ldc, int64_t m, int64_t n, float alpha, float beta) {
  static_assert(2 * F32::kLanes == kAvx512NRf32);
  tile_any_rows<F32>(kc, ap, bp, ldb, c, ldc, m, n, alpha, beta);
}

void micro_kernel_avx512(int64_t kc, const double* ap, const double* bp, int64_t ldb, double* c,
                         int64_t ldc, int64_t m, int64_t n, double alpha, double beta) {
  static_assert(2 * F64::kLanes == kAvx512NRf64);
  tile_any_rows<F64>(kc, ap, bp, ldb, c, ldc, m, n, alpha, beta);
}

}  // namespace timbre::cpu::detail

#endif  // TIMBRE_GEMM_X86_KERNELS
