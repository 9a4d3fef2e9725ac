// tensor/cpu/optimizer_update.cpp - the optimizer updates on the CPU: one flat loop over the
// contiguous parameter, reading and writing each element's state exactly once (a fused pass), split
// over OpenMP threads when the parameter is large enough to pay for starting them.
#include "tensor/cpu/optimizer_update.h"

#include <omp.h>

#include "tensor/cpu/strided_loop.h"  // kParallelThreshold

namespace timbre::cpu {

void sgd_update(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                const SgdHyperparameters& hyperparameters) {
  dispatch_floating(param.dtype(), "sgd_update", [&]<typename T>() {
    const math::SgdConstants<T> constants = math::make_sgd_constants<T>(hyperparameters);
    const int64_t n = param.numel();
    T* p = param.data_ptr<T>();
    const T* g = grad.data_ptr<T>();
    // Without momentum there is no buffer: each element gets a throw-away one.
    T* buffer = constants.momentum != T(0) ? momentum_buffer.data_ptr<T>() : nullptr;
#pragma omp parallel for schedule(static) if (n >= kParallelThreshold)
    for (int64_t i = 0; i < n; ++i) {
      T unused_buffer = T(0);
      T& buffer_i = buffer != nullptr ? buffer[i] : unused_buffer;
      math::sgd_update_element(p[i], g[i], buffer_i, constants);
    }
  });
}

void adam_update(const Tensor& param, const Tensor& grad, const Tensor& exp_avg,
                 const Tensor& exp_avg_sq, const AdamHyperparameters& hyperparameters) {
  dispatch_floating(param.dtype(), "adam_update", [&]<typename T>() {
    const math::AdamConstants<T> constants = math::make_adam_constants<T>(hyperparameters);
    const int64_t n = param.numel();
    T* p = param.data_ptr<T>();
    const T* g = grad.data_ptr<T>();
    T* m = exp_avg.data_ptr<T>();
    T* v = exp_avg_sq.data_ptr<T>();
    // Per element: read p, g, m, v; write p, m, v. Nothing else touches memory, so the loop runs
    // at memory bandwidth (the division and square root hide behind the loads).
#pragma omp parallel for schedule(static) if (n >= kParallelThreshold)
    for (int64_t i = 0; i < n; ++i) {
      math::adam_update_element(p[i], g[i], m[i], v[i], constants);
    }
  });
}

double sum_of_squares(const Tensor& x) {
  return dispatch_floating(x.dtype(), "sum_of_squares", [&]<typename T>() {
    const int64_t n = x.numel();
    const T* values = x.data_ptr<T>();
    double total = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : total) if (n >= kParallelThreshold)
    for (int64_t i = 0; i < n; ++i) {
      const double value = static_cast<double>(values[i]);
      total += value * value;
    }
    return total;
  });
}

}  // namespace timbre::cpu
