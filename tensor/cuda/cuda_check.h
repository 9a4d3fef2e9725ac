// tensor/cuda/cuda_check.h - what every .cu file of the CUDA backend uses: checking the status of
// each CUDA call, the stream kernels run on, and the launch shape of a grid-stride loop.
// C++17 (nvcc compiles the .cu files as C++17), so only plain types and the CUDA runtime here.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace timbre::cuda {

// Throws timbre::Error "<op>: <call> failed: <CUDA's description of status>" unless status is
// cudaSuccess. An out-of-memory status clears CUDA's error state first, so the program can recover.
void check_cuda(cudaError_t status, const char* op, const char* call);

// TIMBRE_CUDA_CHECK("matmul", cudaMemsetAsync(...)): checks one call, naming the op and the call.
#define TIMBRE_CUDA_CHECK(op, call) ::timbre::cuda::check_cuda((call), (op), #call)
// After a <<<...>>> launch: launch errors (bad configuration, no kernel image for this GPU) are
// only reported by cudaGetLastError.
#define TIMBRE_CUDA_CHECK_LAUNCH(op) \
  ::timbre::cuda::check_cuda(cudaGetLastError(), (op), "kernel launch")

// The stream every kernel, copy and library call on `device` is issued to: one per GPU, created on
// first use. Work on one stream runs in issue order, so a kernel never needs to wait for the
// previous one explicitly, and memory freed to the caching allocator can be handed to the next
// kernel at once. Also makes `device` the current CUDA device of the calling thread.
cudaStream_t stream_for(int device);

// Waits until all work issued to `device`'s stream has finished (before the host reads results).
void synchronize(int device);

// Grid-stride loops: each kernel loops `for (i = blockIdx.x * blockDim.x + threadIdx.x; i < n;
// i += gridDim.x * blockDim.x)`, so any grid size covers any n. 256 threads per block suits every
// GPU since 2012; the number of blocks is capped so that huge tensors do not launch millions of
// blocks (a few per multiprocessor are enough to keep it busy).
constexpr int kThreadsPerBlock = 256;
inline unsigned int blocks_for(int64_t n) {
  const int64_t blocks = (n + kThreadsPerBlock - 1) / kThreadsPerBlock;
  const int64_t cap = 65536;
  return static_cast<unsigned int>(blocks < 1 ? 1 : (blocks > cap ? cap : blocks));
}

}  // namespace timbre::cuda
