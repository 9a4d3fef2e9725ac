// tensor/cpu/matmul.cpp - batched matrix multiply on top of timbre's own GEMM (gemm.h).
#include "tensor/cpu/cpu_kernels.h"
#include "tensor/cpu/gemm.h"

namespace timbre::cpu {

// a: [..., M, K], b: [..., K, N] (any strides; batch dims broadcast)
// -> out: [batch..., M, N], contiguous.
// Each batch entry is one GEMM call that reads a and b through their strides, so a transposed
// view (strides swapped) costs no copy.
void matmul(const Tensor& a, const Tensor& b, const Tensor& out) {
  dispatch_floating(a.dtype(), "matmul", [&]<typename T>() {
    const int64_t ndim = out.dim();
    const int64_t M = out.sizes()[ndim - 2], N = out.sizes()[ndim - 1];
    const int64_t K = a.sizes()[a.dim() - 1];
    const Shape batch_sizes(out.sizes().begin(), out.sizes().end() - 2);
    // Batch strides of a and b over the output's batch shape (0 where broadcast).
    const Shape a_batch_strides =
        broadcast_strides(Shape(a.sizes().begin(), a.sizes().end() - 2),
                          Shape(a.strides().begin(), a.strides().end() - 2), batch_sizes);
    const Shape b_batch_strides =
        broadcast_strides(Shape(b.sizes().begin(), b.sizes().end() - 2),
                          Shape(b.strides().begin(), b.strides().end() - 2), batch_sizes);
    const int64_t batch_count = shape_numel(batch_sizes);
    const T* a_data = a.data_ptr<T>();
    const T* b_data = b.data_ptr<T>();
    T* out_data = out.data_ptr<T>();
    for (int64_t batch = 0; batch < batch_count; ++batch) {
      int64_t a_offset = 0, b_offset = 0;
      for (int64_t d = static_cast<int64_t>(batch_sizes.size()) - 1, rest = batch; d >= 0; --d) {
        const int64_t index = rest % batch_sizes[d];
        rest /= batch_sizes[d];
        a_offset += index * a_batch_strides[d];
        b_offset += index * b_batch_strides[d];
      }
      gemm(M, N, K, T(1), a_data + a_offset, a.strides()[a.dim() - 2], a.strides()[a.dim() - 1],
           b_data + b_offset, b.strides()[b.dim() - 2], b.strides()[b.dim() - 1], T(0),
           out_data + batch * M * N, N);
    }
  });
}

}  // namespace timbre::cpu
