// tensor/cpu/reduce.cpp - sum, mean, max, min over any set of dimensions, and argmax.
//
// The input's dimensions split into "kept" (outer) and "reduced" (inner) ones. Each output
// element is one position of the kept dimensions; it is computed by walking every position of
// the reduced dimensions. Output elements are independent, so they are spread over threads.
#include <algorithm>
#include <cmath>

#include "tensor/cpu/cpu_kernels.h"
#include "tensor/cpu/strided_loop.h"

namespace timbre::cpu {

namespace {

// Sums in double for floating types (more accurate than float), in int64 for int64.
template <typename T>
using Accumulator = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

template <typename T>
bool is_nan(T value) {
  return value != value;
}

// x: any shape and strides; reduced[d] marks the reduced dims;
// out: contiguous, x's shape with reduced dims of size 1.
template <typename T>
void reduce_kernel(ReduceOp op, const Tensor& x, const std::vector<bool>& reduced,
                   const Tensor& out) {
  Shape outer_sizes, outer_strides, inner_sizes, inner_strides;
  for (int64_t d = 0; d < x.dim(); ++d) {
    (reduced[d] ? inner_sizes : outer_sizes).push_back(x.sizes()[d]);
    (reduced[d] ? inner_strides : outer_strides).push_back(x.strides()[d]);
  }
  const int64_t output_count = shape_numel(outer_sizes);
  const int64_t reduced_count = shape_numel(inner_sizes);
  const int64_t inner_ndim = static_cast<int64_t>(inner_sizes.size());
  const T* in = x.data_ptr<T>();
  T* result = out.data_ptr<T>();

#pragma omp parallel for schedule( \
    static) if (output_count * reduced_count >= kParallelThreshold && output_count > 1)
  for (int64_t i = 0; i < output_count; ++i) {
    // Offset of the first reduced element belonging to output i.
    int64_t base = 0;
    for (int64_t d = static_cast<int64_t>(outer_sizes.size()) - 1, rest = i; d >= 0; --d) {
      base += (rest % outer_sizes[d]) * outer_strides[d];
      rest /= outer_sizes[d];
    }
    Accumulator<T> sum = 0;
    T extreme = reduced_count > 0 ? in[base] : T(0);
    // Walk the reduced positions like an odometer: bump the last digit, carry into earlier ones.
    std::vector<int64_t> index(inner_ndim, 0);
    int64_t offset = base;
    for (int64_t j = 0; j < reduced_count; ++j) {
      const T value = in[offset];
      if (op == ReduceOp::Sum || op == ReduceOp::Mean) {
        sum += value;
      } else if (!is_nan(extreme)) {
        const bool better = op == ReduceOp::Max ? value > extreme : value < extreme;
        if (better || is_nan(value)) extreme = value;
      }
      for (int64_t d = inner_ndim - 1; d >= 0; --d) {
        offset += inner_strides[d];
        if (++index[d] < inner_sizes[d]) break;
        offset -= index[d] * inner_strides[d];
        index[d] = 0;
      }
    }
    if (op == ReduceOp::Sum) {
      result[i] = static_cast<T>(sum);
    } else if (op == ReduceOp::Mean) {
      result[i] = static_cast<T>(static_cast<double>(sum) / static_cast<double>(reduced_count));
    } else {
      result[i] = extreme;
    }
  }
}

}  // namespace

void reduce(ReduceOp op, const Tensor& x, const std::vector<bool>& reduced, const Tensor& out) {
  dispatch_all(x.dtype(), "reduce", [&]<typename T>() { reduce_kernel<T>(op, x, reduced, out); });
}

// x: [..., S, ...] (S at `dim`) -> out: int64, x's shape with S replaced by 1, contiguous.
void argmax(const Tensor& x, int64_t dim, const Tensor& out) {
  dispatch_all(x.dtype(), "argmax", [&]<typename T>() {
    Shape outer_sizes, outer_strides;
    for (int64_t d = 0; d < x.dim(); ++d) {
      if (d == dim) continue;
      outer_sizes.push_back(x.sizes()[d]);
      outer_strides.push_back(x.strides()[d]);
    }
    const int64_t length = x.sizes()[dim];
    const int64_t step = x.strides()[dim];
    const int64_t output_count = shape_numel(outer_sizes);
    const T* in = x.data_ptr<T>();
    int64_t* result = out.data_ptr<int64_t>();
    for (int64_t i = 0; i < output_count; ++i) {
      int64_t base = 0;
      for (int64_t d = static_cast<int64_t>(outer_sizes.size()) - 1, rest = i; d >= 0; --d) {
        base += (rest % outer_sizes[d]) * outer_strides[d];
        rest /= outer_sizes[d];
      }
      int64_t best = 0;
      T best_value = in[base];
      for (int64_t k = 1; k < length && !is_nan(best_value); ++k) {
        const T value = in[base + k * step];
        if (value > best_value || is_nan(value)) {
          best = k;
          best_value = value;
        }
      }
      result[i] = best;
    }
  });
}

}  // namespace timbre::cpu
