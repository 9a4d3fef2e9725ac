// tensor/cuda/random.cu - the dropout mask on the GPU: one thread per element, each drawing its
// own Philox number from (seed, i) - no generator state is shared between threads, and the mask
// equals the CPU's (tensor/cpu/random.cpp) bit for bit.
#include "tensor/cuda/cuda_check.h"
#include "tensor/cuda/dispatch_type.cuh"
#include "tensor/cuda/random_launch.h"
#include "tensor/philox.h"

namespace timbre::cuda {

namespace {

// out: [n] -> out[i] = 1 / (1 - p) or 0
template <typename T>
__global__ void dropout_mask_kernel(T* out, int64_t n, double p, uint64_t seed) {
  for (int64_t i = first_index(); i < n; i += grid_step()) {
    out[i] = static_cast<T>(dropout_mask_value(seed, static_cast<uint64_t>(i), p));
  }
}

}  // namespace

namespace launch {

void dropout_mask(const DeviceTensor& out, double p, uint64_t seed) {
  if (out.numel == 0) return;
  cudaStream_t stream = stream_for(out.device);
  dispatch_floating_type(out.type, "dropout_mask", [&](auto zero) {
    using T = decltype(zero);
    dropout_mask_kernel<T><<<blocks_for(out.numel), kThreadsPerBlock, 0, stream>>>(
        static_cast<T*>(out.data), out.numel, p, seed);
  });
  TIMBRE_CUDA_CHECK_LAUNCH("dropout_mask");
}

}  // namespace launch
}  // namespace timbre::cuda
