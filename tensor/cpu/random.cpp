// tensor/cpu/random.cpp - the dropout mask on the CPU, from the counter-based Philox generator
// (tensor/philox.h): element i depends only on (seed, i), so the loop can be split over threads
// and the GPU kernel gives the same mask bit for bit.
#include "tensor/cpu/cpu_kernels.h"
#include "tensor/cpu/strided_loop.h"  // kParallelThreshold
#include "tensor/philox.h"

namespace timbre::cpu {

// out: contiguous -> out[i] = 1 / (1 - p) where draw i of Philox(seed) >= p, else 0.
void dropout_mask(const Tensor& out, double p, uint64_t seed) {
  dispatch_floating(out.dtype(), "dropout_mask", [&]<typename T>() {
    T* mask = out.data_ptr<T>();
    const int64_t n = out.numel();
#pragma omp parallel for schedule(static) if (n >= kParallelThreshold)
    for (int64_t i = 0; i < n; ++i) {
      mask[i] = static_cast<T>(dropout_mask_value(seed, static_cast<uint64_t>(i), p));
    }
  });
}

}  // namespace timbre::cpu
