// tensor/cpu/gemm_kernels.h - the micro-kernels behind timbre::cpu::gemm (internal header).
//
// A micro-kernel computes one small tile of C from two packed micro-panels:
//
//   C[0:m, 0:n] = alpha * Ap * Bp + beta * C[0:m, 0:n]      (beta == 0: C is only written)
//
//   Ap: [kc, MR]  packed A micro-panel, Ap[k * MR + r] = A(r, k)   (rows r >= m are zero)
//   Bp: [kc, NR]  B micro-panel, Bp[k * ldb + j] = B(k, j): either packed (ldb = NR, columns
//                 j >= n are zero) or, for a full-width panel (n = NR), B itself when its rows
//                 are contiguous (ldb = B's row stride; see gemm.cpp for when that pays off)
//   C:  [m, n]    row-major with row stride ldc, 1 <= m <= MR, 1 <= n <= NR
//
// Each kernel keeps the whole MR x NR tile of C in SIMD registers while it walks over k, so
// every value loaded from memory is used for many FMAs (that is the whole trick of GEMM).
//
// Why the kernels live in separate files: each one is compiled with its own -m flags (see
// gemm_sources.cmake) while the rest of timbre is compiled for the plain x86-64 baseline. The
// driver in gemm.cpp asks the CPU at run time which kernels it may call. The kernel files must
// therefore not include standard-library headers or define inline/template functions with
// external linkage: such functions could be emitted there with AVX-512 instructions and the
// linker could pick that copy for code that runs on a CPU without AVX-512. Everything in the
// kernel files except the functions declared here has internal linkage (anonymous namespace).
#pragma once

#include <cstdint>

namespace timbre::cpu::detail {

// Register-tile sizes (MR rows x NR columns of C) of each kernel. The packing code in gemm.cpp
// must use the same numbers, which is why they are shared here.
inline constexpr int64_t kAvx512MR = 14;     // 14 rows x 2 zmm = 28 accumulators (of 32 zmm)
inline constexpr int64_t kAvx512NRf32 = 32;  // 2 x 16 floats
inline constexpr int64_t kAvx512NRf64 = 16;  // 2 x 8 doubles
inline constexpr int64_t kAvx2MR = 6;        // 6 rows x 2 ymm = 12 accumulators (of 16 ymm)
inline constexpr int64_t kAvx2NRf32 = 16;    // 2 x 8 floats
inline constexpr int64_t kAvx2NRf64 = 8;     // 2 x 4 doubles

// The x86 kernels are built with GCC or Clang on x86-64 only (they need their -m flags and
// __builtin_cpu_supports); gemm_sources.cmake adds their files under the same condition.
#if defined(__x86_64__) && defined(__GNUC__)
#define TIMBRE_GEMM_X86_KERNELS 1
#else
#define TIMBRE_GEMM_X86_KERNELS 0
#endif

#if TIMBRE_GEMM_X86_KERNELS
// Requires: the CPU supports AVX-512F (checked by the caller); 1 <= m <= kAvx512MR,
//           1 <= n <= kAvx512NR*, kc >= 1, Ap and Bp laid out as described above.
void micro_kernel_avx512(int64_t kc, const float* ap, const float* bp, int64_t ldb, float* c,
                         int64_t ldc, int64_t m, int64_t n, float alpha, float beta);
void micro_kernel_avx512(int64_t kc, const double* ap, const double* bp, int64_t ldb, double* c,
                         int64_t ldc, int64_t m, int64_t n, double alpha, double beta);

// Requires: the CPU supports AVX2 and FMA; 1 <= m <= kAvx2MR, 1 <= n <= kAvx2NR*, kc >= 1.
void micro_kernel_avx2(int64_t kc, const float* ap, const float* bp, int64_t ldb, float* c,
                       int64_t ldc, int64_t m, int64_t n, float alpha, float beta);
void micro_kernel_avx2(int64_t kc, const double* ap, const double* bp, int64_t ldb, double* c,
                       int64_t ldc, int64_t m, int64_t n, double alpha, double beta);
#endif

}  // namespace timbre::cpu::detail
