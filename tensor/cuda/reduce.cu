// tensor/cuda/reduce.cu - sum, mean, max, min, argmax and the sum of squares on the GPU.
//
// A reduction gives each output element its own block of threads: thread t adds up elements
// t, t + 256, t + 512, ... of that output's reduced set, then the block combines its 256 partial
// results in shared memory by a tree (128 pairs, then 64, ... then 1: log2(256) = 8 steps
// instead of 255 additions in a row). Sums run in double, as on the CPU, so float32 results
// agree with the CPU's to rounding (the order of the additions differs).
#include <cstdint>
#include <type_traits>

#include "tensor/cuda/cuda_check.h"
#include "tensor/cuda/dispatch_type.cuh"
#include "tensor/cuda/reduce_launch.h"
#include "tensor/elementwise_math.h"

namespace timbre::cuda {

namespace {

// How two partial results combine: + for sums, NaN-propagating max/min otherwise.
template <typename A>
__device__ A combine(ReduceOp op, A a, A b) {
  if (op == ReduceOp::Sum || op == ReduceOp::Mean) return a + b;
  return op == ReduceOp::Max ? math::Binary<A>::maximum(a, b) : math::Binary<A>::minimum(a, b);
}

// Combines the blockDim.x values of `partial` into partial[0]. blockDim.x: a power of 2.
template <typename A>
__device__ void tree_combine(ReduceOp op, A* partial) {
  __syncthreads();
  for (unsigned int half = blockDim.x / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) {
      partial[threadIdx.x] = combine(op, partial[threadIdx.x], partial[threadIdx.x + half]);
    }
    __syncthreads();
  }
}

// x seen as [kept positions] x [reduced positions] -> out: [kept positions]
// One block per output element (grid-stride over outputs).
template <typename T>
__global__ void reduce_kernel(ReduceOp op, DeviceTensor kept, DeviceTensor reduced, T* out) {
  // Floats accumulate in double and int64 in int64. For max/min the conversion to double and
  // back is exact, so they return an element of x unchanged.
  using A = typename std::conditional<std::is_floating_point<T>::value, double, int64_t>::type;
  extern __shared__ double shared_memory[];  // blockDim.x accumulators (double-aligned)
  A* partial = reinterpret_cast<A*>(shared_memory);
  const T* in = static_cast<const T*>(kept.data);
  const bool is_sum = op == ReduceOp::Sum || op == ReduceOp::Mean;
  for (int64_t o = blockIdx.x; o < kept.numel; o += gridDim.x) {
    const T* base = in + kept.offset_of(o);
    // Start from the identity of + (0), or from the first element for max/min (the dispatcher
    // refuses max/min over an empty set). Converting T to double is exact, so max/min are too.
    A accumulator = is_sum ? A(0) : A(base[0]);
    for (int64_t r = threadIdx.x; r < reduced.numel; r += blockDim.x) {
      accumulator = combine(op, accumulator, A(base[reduced.offset_of(r)]));
    }
    partial[threadIdx.x] = accumulator;
    tree_combine(op, partial);
    if (threadIdx.x == 0) {
      const A total = partial[0];
      out[o] = op == ReduceOp::Mean ? T(double(total) / double(reduced.numel)) : T(total);
    }
    __syncthreads();  // partial[] is reused by the next output of this block
  }
}

// x seen as [kept positions] x [length entries `step` apart] -> out: int64 [kept positions]
// One thread per output: the dimensions argmax runs over (classes) are short.
template <typename T>
__global__ void argmax_kernel(DeviceTensor kept, int64_t length, int64_t step, int64_t* out) {
  const T* in = static_cast<const T*>(kept.data);
  for (int64_t o = first_index(); o < kept.numel; o += grid_step()) {
    const T* row = in + kept.offset_of(o);
    int64_t best = 0;
    T best_value = row[0];
    for (int64_t k = 1; k < length && best_value == best_value; ++k) {  // stop at a NaN
      const T value = row[k * step];
      if (value > best_value || value != value) {
        best = k;
        best_value = value;
      }
    }
    out[o] = best;
  }
}

// x: [n] contiguous -> partials: [gridDim.x], each block's sum of squares.
template <typename T>
__global__ void sum_of_squares_kernel(const T* x, int64_t n, double* partials) {
  extern __shared__ double shared_memory[];
  double accumulator = 0;
  for (int64_t i = first_index(); i < n; i += grid_step()) {
    const double value = x[i];
    accumulator += value * value;
  }
  shared_memory[threadIdx.x] = accumulator;
  tree_combine(ReduceOp::Sum, shared_memory);
  if (threadIdx.x == 0) partials[blockIdx.x] = shared_memory[0];
}

// partials: [count] -> partials[0] = their sum (one block).
__global__ void sum_partials_kernel(double* partials, int count) {
  extern __shared__ double shared_memory[];
  double accumulator = 0;
  for (int i = threadIdx.x; i < count; i += blockDim.x)
    accumulator += partials[i];
  shared_memory[threadIdx.x] = accumulator;
  tree_combine(ReduceOp::Sum, shared_memory);
  if (threadIdx.x == 0) partials[0] = shared_memory[0];
}

unsigned int output_blocks(int64_t outputs) {
  return static_cast<unsigned int>(outputs < 1 ? 1 : (outputs > 65536 ? 65536 : outputs));
}

}  // namespace

namespace launch {

void reduce(ReduceOp op, const DeviceTensor& kept, const DeviceTensor& reduced, void* out) {
  if (kept.numel == 0) return;
  cudaStream_t stream = stream_for(kept.device);
  const size_t shared_bytes = kThreadsPerBlock * sizeof(double);
  dispatch_type(kept.type, "reduce", [&](auto zero) {
    using T = decltype(zero);
    reduce_kernel<T><<<output_blocks(kept.numel), kThreadsPerBlock, shared_bytes, stream>>>(
        op, kept, reduced, static_cast<T*>(out));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("reduce");
}

void argmax(const DeviceTensor& kept, int64_t length, int64_t step, int64_t* out) {
  if (kept.numel == 0) return;
  cudaStream_t stream = stream_for(kept.device);
  dispatch_type(kept.type, "argmax", [&](auto zero) {
    using T = decltype(zero);
    argmax_kernel<T>
        <<<blocks_for(kept.numel), kThreadsPerBlock, 0, stream>>>(kept, length, step, out);
  });
  TIMBRE_CUDA_CHECK_LAUNCH("argmax");
}

double sum_of_squares(const DeviceTensor& x, double* partials) {
  if (x.numel == 0) return 0.0;
  cudaStream_t stream = stream_for(x.device);
  const size_t shared_bytes = kThreadsPerBlock * sizeof(double);
  unsigned int blocks = blocks_for(x.numel);
  if (blocks > static_cast<unsigned int>(kSumOfSquaresBlocks)) blocks = kSumOfSquaresBlocks;
  dispatch_floating_type(x.type, "sum_of_squares", [&](auto zero) {
    using T = decltype(zero);
    sum_of_squares_kernel<T><<<blocks, kThreadsPerBlock, shared_bytes, stream>>>(
        static_cast<const T*>(x.data), x.numel, partials);
  });
  TIMBRE_CUDA_CHECK_LAUNCH("sum_of_squares");
  sum_partials_kernel<<<1, kThreadsPerBlock, shared_bytes, stream>>>(partials,
                                                                     static_cast<int>(blocks));
  TIMBRE_CUDA_CHECK_LAUNCH("sum_of_squares");
  double total = 0;
  TIMBRE_CUDA_CHECK("sum_of_squares", cudaMemcpyAsync(&total, partials, sizeof(double),
                                                      cudaMemcpyDeviceToHost, stream));
  TIMBRE_CUDA_CHECK("sum_of_squares", cudaStreamSynchronize(stream));
  return total;
}

}  // namespace launch
}  // namespace timbre::cuda
