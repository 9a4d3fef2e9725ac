// tensor/cuda/atomic_add.cuh - `*address += value` that is safe when many threads add into the
// same element at once (scatter-style backward passes: index_add, max-pool backward, ...).
// Hardware atomics exist for float and, since compute capability 6.0, for double; int64 uses the
// unsigned 64-bit atomic (two's-complement addition is the same bit operation).
#pragma once

#include <cstdint>

namespace timbre::cuda {

__device__ inline void atomic_add(float* address, float value) {
  atomicAdd(address, value);
}
__device__ inline void atomic_add(double* address, double value) {
  atomicAdd(address, value);
}
__device__ inline void atomic_add(int64_t* address, int64_t value) {
  atomicAdd(reinterpret_cast<unsigned long long*>(address), static_cast<unsigned long long>(value));
}

}  // namespace timbre::cuda
