// tensor/cuda/pooling.cu - max, average and adaptive average pooling on the GPU.
//
// Forward: one thread per output pixel, scanning its window exactly as tensor/cpu/pooling.cpp
// does (so max-pool picks the same index: the first of tied maxima, NaN always wins).
// Backward: grad_x is zeroed, then one thread per output pixel adds its share to the pixels of its
// window with atomics, because neighbouring windows may overlap (stride < kernel).
#include <cmath>

#include "tensor/cuda/atomic_add.cuh"
#include "tensor/cuda/cuda_check.h"
#include "tensor/cuda/dispatch_type.cuh"
#include "tensor/cuda/pooling_launch.h"

namespace timbre::cuda {

namespace {

// A window's rows or columns [begin, end), clipped to the image.
struct Window {
  int64_t begin, end;
};

__device__ Window clipped_window(int64_t out_index, int64_t kernel, int64_t stride, int64_t padding,
                                 int64_t in_length) {
  const int64_t begin = out_index * stride - padding;
  const int64_t end = begin + kernel;
  return {begin < 0 ? 0 : begin, end < in_length ? end : in_length};
}

// The divisor of average pooling (see avg_divisor in tensor/cpu/pooling.cpp).
__device__ int64_t avg_divisor(int64_t oh, int64_t ow, const PoolGeometry& g,
                               bool count_include_pad) {
  const Window rows = clipped_window(oh, g.kernel_h, g.stride_h, g.padding_h, g.height);
  const Window cols = clipped_window(ow, g.kernel_w, g.stride_w, g.padding_w, g.width);
  if (!count_include_pad) return (rows.end - rows.begin) * (cols.end - cols.begin);
  const int64_t h_begin = oh * g.stride_h - g.padding_h, w_begin = ow * g.stride_w - g.padding_w;
  const int64_t h_limit = g.height + g.padding_h, w_limit = g.width + g.padding_w;
  const int64_t h_end = h_begin + g.kernel_h < h_limit ? h_begin + g.kernel_h : h_limit;
  const int64_t w_end = w_begin + g.kernel_w < w_limit ? w_begin + g.kernel_w : w_limit;
  return (h_end - h_begin) * (w_end - w_begin);
}

// Adaptive pooling: output i covers [floor(i * in / out), ceil((i + 1) * in / out)).
__device__ Window adaptive_window(int64_t i, int64_t in_length, int64_t out_length) {
  return {(i * in_length) / out_length, ((i + 1) * in_length + out_length - 1) / out_length};
}

// The output pixel e of [planes, OH, OW] as (plane, oh, ow).
struct OutputPixel {
  int64_t plane, oh, ow;
};
__device__ OutputPixel output_pixel(int64_t e, const PoolGeometry& g) {
  return {e / (g.out_height * g.out_width), (e / g.out_width) % g.out_height, e % g.out_width};
}

// x: [planes, H, W] -> y, indices: [planes, OH, OW]
template <typename T>
__global__ void max_pool_forward_kernel(const T* x, PoolGeometry g, T* y, int64_t* indices) {
  const int64_t total = g.planes * g.out_height * g.out_width;
  for (int64_t e = first_index(); e < total; e += grid_step()) {
    const OutputPixel o = output_pixel(e, g);
    const Window rows = clipped_window(o.oh, g.kernel_h, g.stride_h, g.padding_h, g.height);
    const Window cols = clipped_window(o.ow, g.kernel_w, g.stride_w, g.padding_w, g.width);
    const T* plane = x + o.plane * g.height * g.width;
    T max_value = -INFINITY;
    int64_t max_index = rows.begin * g.width + cols.begin;  // kept if every value is -inf
    for (int64_t ih = rows.begin; ih < rows.end; ++ih) {
      for (int64_t iw = cols.begin; iw < cols.end; ++iw) {
        const T value = plane[ih * g.width + iw];
        if (value > max_value || value != value) {
          max_value = value;
          max_index = ih * g.width + iw;
        }
      }
    }
    y[e] = max_value;
    indices[e] = max_index;
  }
}

// grad_y, indices: [planes, OH, OW] -> grad_x: [planes, H, W] (zeroed before)
template <typename T>
__global__ void max_pool_backward_kernel(const T* grad_y, const int64_t* indices, PoolGeometry g,
                                         T* grad_x) {
  const int64_t total = g.planes * g.out_height * g.out_width;
  for (int64_t e = first_index(); e < total; e += grid_step()) {
    const int64_t plane = e / (g.out_height * g.out_width);
    atomic_add(grad_x + plane * g.height * g.width + indices[e], grad_y[e]);
  }
}

// x: [planes, H, W] -> y: [planes, OH, OW]
template <typename T>
__global__ void avg_pool_forward_kernel(const T* x, PoolGeometry g, bool count_include_pad, T* y) {
  const int64_t total = g.planes * g.out_height * g.out_width;
  for (int64_t e = first_index(); e < total; e += grid_step()) {
    const OutputPixel o = output_pixel(e, g);
    const Window rows = clipped_window(o.oh, g.kernel_h, g.stride_h, g.padding_h, g.height);
    const Window cols = clipped_window(o.ow, g.kernel_w, g.stride_w, g.padding_w, g.width);
    const T* plane = x + o.plane * g.height * g.width;
    T sum = 0;
    for (int64_t ih = rows.begin; ih < rows.end; ++ih) {
      for (int64_t iw = cols.begin; iw < cols.end; ++iw)
        sum += plane[ih * g.width + iw];
    }
    const int64_t divisor = avg_divisor(o.oh, o.ow, g, count_include_pad);
    y[e] = divisor > 0 ? sum / T(divisor) : T(0);
  }
}

// grad_y: [planes, OH, OW] -> grad_x: [planes, H, W] (zeroed before)
template <typename T>
__global__ void avg_pool_backward_kernel(const T* grad_y, PoolGeometry g, bool count_include_pad,
                                         T* grad_x) {
  const int64_t total = g.planes * g.out_height * g.out_width;
  for (int64_t e = first_index(); e < total; e += grid_step()) {
    const OutputPixel o = output_pixel(e, g);
    const int64_t divisor = avg_divisor(o.oh, o.ow, g, count_include_pad);
    if (divisor == 0) continue;
    const Window rows = clipped_window(o.oh, g.kernel_h, g.stride_h, g.padding_h, g.height);
    const Window cols = clipped_window(o.ow, g.kernel_w, g.stride_w, g.padding_w, g.width);
    const T share = grad_y[e] / T(divisor);
    T* plane = grad_x + o.plane * g.height * g.width;
    for (int64_t ih = rows.begin; ih < rows.end; ++ih) {
      for (int64_t iw = cols.begin; iw < cols.end; ++iw)
        atomic_add(plane + ih * g.width + iw, share);
    }
  }
}

// x: [planes, H, W] -> y: [planes, OH, OW]
template <typename T>
__global__ void adaptive_avg_pool_forward_kernel(const T* x, PoolGeometry g, T* y) {
  const int64_t total = g.planes * g.out_height * g.out_width;
  for (int64_t e = first_index(); e < total; e += grid_step()) {
    const OutputPixel o = output_pixel(e, g);
    const Window rows = adaptive_window(o.oh, g.height, g.out_height);
    const Window cols = adaptive_window(o.ow, g.width, g.out_width);
    const T* plane = x + o.plane * g.height * g.width;
    T sum = 0;
    for (int64_t ih = rows.begin; ih < rows.end; ++ih) {
      for (int64_t iw = cols.begin; iw < cols.end; ++iw)
        sum += plane[ih * g.width + iw];
    }
    y[e] = sum / T((rows.end - rows.begin) * (cols.end - cols.begin));
  }
}

// grad_y: [planes, OH, OW] -> grad_x: [planes, H, W] (zeroed before)
template <typename T>
__global__ void adaptive_avg_pool_backward_kernel(const T* grad_y, PoolGeometry g, T* grad_x) {
  const int64_t total = g.planes * g.out_height * g.out_width;
  for (int64_t e = first_index(); e < total; e += grid_step()) {
    const OutputPixel o = output_pixel(e, g);
    const Window rows = adaptive_window(o.oh, g.height, g.out_height);
    const Window cols = adaptive_window(o.ow, g.width, g.out_width);
    const T share = grad_y[e] / T((rows.end - rows.begin) * (cols.end - cols.begin));
    T* plane = grad_x + o.plane * g.height * g.width;
    for (int64_t ih = rows.begin; ih < rows.end; ++ih) {
      for (int64_t iw = cols.begin; iw < cols.end; ++iw)
        atomic_add(plane + ih * g.width + iw, share);
    }
  }
}

int64_t output_count(const PoolGeometry& g) {
  return g.planes * g.out_height * g.out_width;
}

// Zeroes grad_x ([planes, H, W] of `element_size` bytes each) before the atomic adds.
void zero_input_gradient(void* grad_x, const PoolGeometry& g, size_t element_size,
                         cudaStream_t stream, const char* op) {
  TIMBRE_CUDA_CHECK(
      op, cudaMemsetAsync(grad_x, 0, g.planes * g.height * g.width * element_size, stream));
}

}  // namespace

namespace launch {

void max_pool2d_forward(ElementType type, int device, const void* x, const PoolGeometry& g, void* y,
                        int64_t* indices) {
  if (output_count(g) == 0) return;
  cudaStream_t stream = stream_for(device);
  dispatch_floating_type(type, "max_pool2d", [&](auto zero) {
    using T = decltype(zero);
    max_pool_forward_kernel<T><<<blocks_for(output_count(g)), kThreadsPerBlock, 0, stream>>>(
        static_cast<const T*>(x), g, static_cast<T*>(y), indices);
  });
  TIMBRE_CUDA_CHECK_LAUNCH("max_pool2d");
}

void max_pool2d_backward(ElementType type, int device, const void* grad_y, const int64_t* indices,
                         const PoolGeometry& g, void* grad_x) {
  cudaStream_t stream = stream_for(device);
  dispatch_floating_type(type, "max_pool2d_backward", [&](auto zero) {
    using T = decltype(zero);
    zero_input_gradient(grad_x, g, sizeof(T), stream, "max_pool2d_backward");
    if (output_count(g) == 0) return;
    max_pool_backward_kernel<T><<<blocks_for(output_count(g)), kThreadsPerBlock, 0, stream>>>(
        static_cast<const T*>(grad_y), indices, g, static_cast<T*>(grad_x));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("max_pool2d_backward");
}

void avg_pool2d_forward(ElementType type, int device, const void* x, const PoolGeometry& g,
                        bool count_include_pad, void* y) {
  if (output_count(g) == 0) return;
  cudaStream_t stream = stream_for(device);
  dispatch_floating_type(type, "avg_pool2d", [&](auto zero) {
    using T = decltype(zero);
    avg_pool_forward_kernel<T><<<blocks_for(output_count(g)), kThreadsPerBlock, 0, stream>>>(
        static_cast<const T*>(x), g, count_include_pad, static_cast<T*>(y));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("avg_pool2d");
}

void avg_pool2d_backward(ElementType type, int device, const void* grad_y, const PoolGeometry& g,
                         bool count_include_pad, void* grad_x) {
  cudaStream_t stream = stream_for(device);
  dispatch_floating_type(type, "avg_pool2d_backward", [&](auto zero) {
    using T = decltype(zero);
    zero_input_gradient(grad_x, g, sizeof(T), stream, "avg_pool2d_backward");
    if (output_count(g) == 0) return;
    avg_pool_backward_kernel<T><<<blocks_for(output_count(g)), kThreadsPerBlock, 0, stream>>>(
        static_cast<const T*>(grad_y), g, count_include_pad, static_cast<T*>(grad_x));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("avg_pool2d_backward");
}

void adaptive_avg_pool2d_forward(ElementType type, int device, const void* x, const PoolGeometry& g,
                                 void* y) {
  if (output_count(g) == 0) return;
  cudaStream_t stream = stream_for(device);
  dispatch_floating_type(type, "adaptive_avg_pool2d", [&](auto zero) {
    using T = decltype(zero);
    adaptive_avg_pool_forward_kernel<T>
        <<<blocks_for(output_count(g)), kThreadsPerBlock, 0, stream>>>(static_cast<const T*>(x), g,
                                                                       static_cast<T*>(y));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("adaptive_avg_pool2d");
}

void adaptive_avg_pool2d_backward(ElementType type, int device, const void* grad_y,
                                  const PoolGeometry& g, void* grad_x) {
  cudaStream_t stream = stream_for(device);
  dispatch_floating_type(type, "adaptive_avg_pool2d_backward", [&](auto zero) {
    using T = decltype(zero);
    zero_input_gradient(grad_x, g, sizeof(T), stream, "adaptive_avg_pool2d_backward");
    if (output_count(g) == 0) return;
    adaptive_avg_pool_backward_kernel<T>
        <<<blocks_for(output_count(g)), kThreadsPerBlock, 0, stream>>>(
            static_cast<const T*>(grad_y), g, static_cast<T*>(grad_x));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("adaptive_avg_pool2d_backward");
}

}  // namespace launch
}  // namespace timbre::cuda
