// tensor/cuda/matmul.cpp - kernels::matmul on the GPU: one strided-batched cuBLAS call.
//
// a: [..., M, K], b: [..., K, N] -> out: [batch..., M, N] contiguous. The batch dimensions of a
// and b broadcast to out's. When each operand's batch is evenly spaced in memory (contiguous,
// or broadcast with stride 0) all matrices go to cuBLAS in one call; otherwise the batch is
// walked one matrix at a time. Operands cuBLAS cannot read in place (neither stride 1) are
// copied to a contiguous layout first.
#include "tensor/cuda/cuda_kernels.h"
#include "tensor/cuda/describe.h"
#include "tensor/cuda/gemm.h"

namespace timbre::cuda {

namespace {

// The operand's batch dimensions broadcast to `batch_sizes`: their strides (0 where broadcast).
Shape batch_strides(const Tensor& x, const Shape& batch_sizes) {
  const int64_t own = x.dim() - 2;
  const int64_t missing = static_cast<int64_t>(batch_sizes.size()) - own;
  Shape strides(batch_sizes.size(), 0);
  for (int64_t d = 0; d < own; ++d) {
    if (x.sizes()[d] != 1) strides[missing + d] = x.strides()[d];
  }
  return strides;
}

// The single stride s with offset(flat batch index t) == t * s, if there is one.
bool even_batch_stride(const Shape& sizes, const Shape& strides, int64_t& stride) {
  // Walk from the last dimension: the first one of size > 1 fixes s; every earlier one of size
  // > 1 must then step by s times the number of matrices after it.
  bool found = false;
  int64_t block = 1;
  stride = 0;
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    if (sizes[d] == 1) continue;
    if (!found) {
      stride = strides[d];
      found = true;
    }
    if (strides[d] != stride * block) return false;
    block *= sizes[d];
  }
  return true;
}

int64_t offset_of_batch(int64_t t, const Shape& sizes, const Shape& strides) {
  int64_t offset = 0;
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    offset += (t % sizes[d]) * strides[d];
    t /= sizes[d];
  }
  return offset;
}

}  // namespace

void matmul(const Tensor& a_in, const Tensor& b_in, const Tensor& out) {
  const int64_t M = a_in.size(-2), K = a_in.size(-1), N = b_in.size(-1);
  if (K == 0) return fill(out, 0.0);  // an empty sum; cuBLAS wants leading dimensions >= 1
  auto matrix = [](const Tensor& x) {
    MatrixOperand operand;
    operand.data = x.raw_data_ptr();
    operand.row_stride = x.strides()[x.dim() - 2];
    operand.column_stride = x.strides()[x.dim() - 1];
    return operand;
  };
  // Layouts cuBLAS cannot read (e.g. a slice with both strides > 1) become contiguous.
  const Tensor a = cublas_can_read(matrix(a_in), M, K) ? a_in : kernels::contiguous(a_in);
  const Tensor b = cublas_can_read(matrix(b_in), K, N) ? b_in : kernels::contiguous(b_in);

  const Shape batch_sizes(out.sizes().begin(), out.sizes().end() - 2);
  const int64_t batch = shape_numel(batch_sizes);
  const Shape a_strides = batch_strides(a, batch_sizes), b_strides = batch_strides(b, batch_sizes);
  MatrixOperand left = matrix(a), right = matrix(b);
  const ElementType type = element_type(out.dtype());
  const int device = out.device().index;
  if (even_batch_stride(batch_sizes, a_strides, left.batch_stride) &&
      even_batch_stride(batch_sizes, b_strides, right.batch_stride)) {
    gemm(type, device, batch, M, N, K, left, right, out.raw_data_ptr(), 1.0, 0.0);
    return;
  }
  // Uneven batches (e.g. a transposed batch of matrices): one product per batch entry.
  const std::size_t element_size = dtype_size(out.dtype());
  for (int64_t t = 0; t < batch; ++t) {
    MatrixOperand left_t = matrix(a), right_t = matrix(b);
    left_t.data = static_cast<const char*>(left_t.data) +
                  offset_of_batch(t, batch_sizes, a_strides) * element_size;
    right_t.data = static_cast<const char*>(right_t.data) +
                   offset_of_batch(t, batch_sizes, b_strides) * element_size;
    void* c = static_cast<char*>(out.raw_data_ptr()) + t * M * N * element_size;
    gemm(type, device, 1, M, N, K, left_t, right_t, c, 1.0, 0.0);
  }
}

}  // namespace timbre::cuda
