// tensor/cuda/gemm.h - matrix products on the GPU through cuBLAS, in timbre's row-major terms.
//
// cuBLAS is column-major (Fortran order). A row-major R x C matrix with row stride ld is, read
// column-major, the C x R matrix X^T with leading dimension ld - the same bytes. So the row-major
// product C = A * B is computed as the column-major product C^T = B^T * A^T: pass B first, then A,
// and swap M and N. A transposed view (strides [1, ld]) is a column-major matrix already, and is
// handed to cuBLAS with CUBLAS_OP_T instead of being copied.
#pragma once

#include <cstdint>

#include "tensor/cuda/device_tensor.h"

namespace timbre::cuda {

// One operand: a batch of row-major-indexed matrices, element (b, r, c) at
// data + b * batch_stride + r * row_stride + c * column_stride (in elements).
struct MatrixOperand {
  const void* data = nullptr;
  int64_t row_stride = 0;
  int64_t column_stride = 1;
  int64_t batch_stride = 0;  // 0: the same matrix for every batch entry (broadcast)
};

// True when cuBLAS can read the operand (rows x columns) in place: one of its two strides is 1
// and the other is a valid leading dimension. Otherwise the caller makes it contiguous first.
bool cublas_can_read(const MatrixOperand& operand, int64_t rows, int64_t columns);

// For b in [0, batch): C_b = alpha * A_b * B_b + beta * C_b, with A_b: [M, K], B_b: [K, N] and
// C_b: [M, N] row-major contiguous at c + b * M * N. type: Float32 or Float64.
// Requires: cublas_can_read(a, M, K) and cublas_can_read(b, K, N); every size below 2^31.
// Runs on the device's stream. float32 uses full fp32 arithmetic (no TF32), like the CPU.
void gemm(ElementType type, int device, int64_t batch, int64_t M, int64_t N, int64_t K,
          const MatrixOperand& a, const MatrixOperand& b, void* c, double alpha, double beta);

// "cuBLAS <major>.<minor>.<patch>" of the library linked in.
const char* cublas_version_string();

}  // namespace timbre::cuda
