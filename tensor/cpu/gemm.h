// tensor/cpu/gemm.h - timbre's own matrix multiply (GEMM) for the CPU.
//
// Computes C = alpha * A * B + beta * C for one matrix product, where
//   A: [M, K] with element (i, k) at a[i * a_row_stride + k * a_col_stride]
//   B: [K, N] with element (k, j) at b[k * b_row_stride + j * b_col_stride]
//   C: [M, N] with element (i, j) at c[i * c_row_stride + j]   (rows contiguous)
//
// Strides are in elements. A transposed operand is just a view with its strides swapped, so
// A^T * B is computed without copying A: pass a_row_stride = 1, a_col_stride = lda.
//
// Requires: M, N, K >= 0; the three arrays do not overlap C; when beta == 0, C may hold
//           anything (NaN included) and is overwritten, as in BLAS.
// Ensures:  C holds the product; the result does not depend on the number of threads.
#pragma once

#include <cstdint>

namespace timbre::cpu {

void gemm(int64_t M, int64_t N, int64_t K, float alpha, const float* a, int64_t a_row_stride,
          int64_t a_col_stride, const float* b, int64_t b_row_stride, int64_t b_col_stride,
          float beta, float* c, int64_t c_row_stride);

void gemm(int64_t M, int64_t N, int64_t K, double alpha, const double* a, int64_t a_row_stride,
          int64_t a_col_stride, const double* b, int64_t b_row_stride, int64_t b_col_stride,
          double beta, double* c, int64_t c_row_stride);

// Which micro-kernel the float32 GEMM uses on this CPU: "avx512", "avx2" or "portable".
// Chosen once at run time from the CPU's feature flags.
const char* gemm_kernel_name();

}  // namespace timbre::cpu
