// tensor/cpu/softmax.cpp - softmax and log_softmax along one dimension, numerically stable.
//
//   softmax(x)_i     = exp(x_i - m) / sum_j exp(x_j - m)         with m = max_j x_j
//   log_softmax(x)_i = (x_i - m) - log(sum_j exp(x_j - m))
//
// Subtracting the maximum changes nothing mathematically but keeps exp() from overflowing: the
// largest exponent is exactly 0. log_softmax is computed directly (not as log of softmax) so that
// tiny probabilities keep their precision instead of becoming log(0) = -inf.
#include <cmath>

#include "tensor/cpu/cpu_kernels.h"
#include "tensor/cpu/strided_loop.h"

namespace timbre::cpu {

// x: contiguous, viewed as [outer, D, inner] around `dim`; out: the same shape, contiguous.
void softmax(const Tensor& x, int64_t dim, bool log, const Tensor& out) {
  dispatch_floating(x.dtype(), "softmax", [&]<typename T>() {
    const auto [outer, length, inner] = split_around(x.sizes(), dim);
    const T* in = x.data_ptr<T>();
    T* result = out.data_ptr<T>();

#pragma omp parallel for schedule(static) if (x.numel() >= kParallelThreshold)
    for (int64_t row = 0; row < outer * inner; ++row) {
      // Row `row` is the line of `length` elements at (o, :, i), `inner` apart in memory.
      const int64_t o = row / inner, i = row % inner;
      const T* a = in + o * length * inner + i;
      T* y = result + o * length * inner + i;
      T max_value = a[0];
      for (int64_t k = 1; k < length; ++k)
        max_value = std::max(max_value, a[k * inner]);
      double sum = 0;
      for (int64_t k = 0; k < length; ++k)
        sum += std::exp(double(a[k * inner] - max_value));
      if (log) {
        const T log_sum = static_cast<T>(std::log(sum));
        for (int64_t k = 0; k < length; ++k)
          y[k * inner] = a[k * inner] - max_value - log_sum;
      } else {
        const double scale = 1.0 / sum;
        for (int64_t k = 0; k < length; ++k) {
          y[k * inner] = static_cast<T>(std::exp(double(a[k * inner] - max_value)) * scale);
        }
      }
    }
  });
}

}  // namespace timbre::cpu
