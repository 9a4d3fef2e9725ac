// tensor/cuda/index.cu - gather / scatter_add and index_select / index_add on the GPU.
//
// One thread per element of the index space. The "add" directions (the adjoints used by
// backward passes) may send several elements to the same place - e.g. two samples with the same
// label - so they add with atomics; the order of those additions is not fixed, so float results
// can differ from the CPU's in the last bits.
#include "tensor/cuda/atomic_add.cuh"
#include "tensor/cuda/cuda_check.h"
#include "tensor/cuda/dispatch_type.cuh"
#include "tensor/cuda/index_launch.h"

namespace timbre::cuda {

namespace {

// index, out: the index space -> out[i] = x[x_without_dim(i) + index[i] * x_step]
template <typename T>
__global__ void gather_kernel(DeviceTensor x_without_dim, int64_t x_step, DeviceTensor index,
                              DeviceTensor out) {
  const T* in = static_cast<const T*>(x_without_dim.data);
  const int64_t* indices = static_cast<const int64_t*>(index.data);
  T* result = static_cast<T*>(out.data);
  for (int64_t i = first_index(); i < out.numel; i += grid_step()) {
    result[out.offset_of(i)] =
        in[x_without_dim.offset_of(i) + indices[index.offset_of(i)] * x_step];
  }
}

// index, src: the index space -> out[out_without_dim(i) + index[i] * out_step] += src[i]
template <typename T>
__global__ void scatter_add_kernel(DeviceTensor out_without_dim, int64_t out_step,
                                   DeviceTensor index, DeviceTensor src) {
  T* result = static_cast<T*>(out_without_dim.data);
  const int64_t* indices = static_cast<const int64_t*>(index.data);
  const T* in = static_cast<const T*>(src.data);
  for (int64_t i = first_index(); i < src.numel; i += grid_step()) {
    atomic_add(result + out_without_dim.offset_of(i) + indices[index.offset_of(i)] * out_step,
               in[src.offset_of(i)]);
  }
}

// x: [outer, source_length, inner], index: [count] -> out: [outer, count, inner]
template <typename T>
__global__ void index_select_kernel(const T* x, int64_t outer, int64_t source_length, int64_t inner,
                                    const int64_t* index, int64_t count, T* out) {
  for (int64_t e = first_index(); e < outer * count * inner; e += grid_step()) {
    const int64_t i = e % inner, k = (e / inner) % count, o = e / (inner * count);
    out[e] = x[(o * source_length + index[k]) * inner + i];
  }
}

// src: [outer, count, inner] -> out: [outer, target_length, inner] rows index[k] += src rows k
template <typename T>
__global__ void index_add_kernel(T* out, int64_t outer, int64_t target_length, int64_t inner,
                                 const int64_t* index, int64_t count, const T* src) {
  for (int64_t e = first_index(); e < outer * count * inner; e += grid_step()) {
    const int64_t i = e % inner, k = (e / inner) % count, o = e / (inner * count);
    atomic_add(out + (o * target_length + index[k]) * inner + i, src[e]);
  }
}

}  // namespace

namespace launch {

void gather(const DeviceTensor& x_without_dim, int64_t x_step, const DeviceTensor& index,
            const DeviceTensor& out) {
  if (out.numel == 0) return;
  cudaStream_t stream = stream_for(out.device);
  dispatch_type(out.type, "gather", [&](auto zero) {
    using T = decltype(zero);
    gather_kernel<T>
        <<<blocks_for(out.numel), kThreadsPerBlock, 0, stream>>>(x_without_dim, x_step, index, out);
  });
  TIMBRE_CUDA_CHECK_LAUNCH("gather");
}

void scatter_add(const DeviceTensor& out_without_dim, int64_t out_step, const DeviceTensor& index,
                 const DeviceTensor& src) {
  if (src.numel == 0) return;
  cudaStream_t stream = stream_for(src.device);
  dispatch_type(src.type, "scatter_add", [&](auto zero) {
    using T = decltype(zero);
    scatter_add_kernel<T><<<blocks_for(src.numel), kThreadsPerBlock, 0, stream>>>(
        out_without_dim, out_step, index, src);
  });
  TIMBRE_CUDA_CHECK_LAUNCH("scatter_add");
}

void index_select(const DeviceTensor& x, int64_t outer, int64_t source_length, int64_t inner,
                  const int64_t* index, int64_t count, const DeviceTensor& out) {
  if (out.numel == 0) return;
  cudaStream_t stream = stream_for(out.device);
  dispatch_type(out.type, "index_select", [&](auto zero) {
    using T = decltype(zero);
    index_select_kernel<T><<<blocks_for(out.numel), kThreadsPerBlock, 0, stream>>>(
        static_cast<const T*>(x.data), outer, source_length, inner, index, count,
        static_cast<T*>(out.data));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("index_select");
}

void index_add(const DeviceTensor& out, int64_t outer, int64_t target_length, int64_t inner,
               const int64_t* index, int64_t count, const DeviceTensor& src) {
  if (src.numel == 0) return;
  cudaStream_t stream = stream_for(out.device);
  dispatch_type(out.type, "index_add", [&](auto zero) {
    using T = decltype(zero);
    index_add_kernel<T><<<blocks_for(src.numel), kThreadsPerBlock, 0, stream>>>(
        static_cast<T*>(out.data), outer, target_length, inner, index, count,
        static_cast<const T*>(src.data));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("index_add");
}

}  // namespace launch
}  // namespace timbre::cuda
