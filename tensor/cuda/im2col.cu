// tensor/cuda/im2col.cu - im2col / col2im and the bias add of a convolution, on the GPU.
//
// im2col: one thread per entry of the column matrix (a pure gather). col2im: one thread per
// input pixel, which gathers every column entry that was copied from it - instead of each
// column entry adding itself to its pixel, which would need atomics and give a result that
// depends on the order of the additions.
#include "tensor/cuda/cuda_check.h"
#include "tensor/cuda/dispatch_type.cuh"
#include "tensor/cuda/im2col_launch.h"

namespace timbre::cuda {

namespace {

// image: [C, H, W] -> columns: [C * KH * KW, OH * OW]
template <typename T>
__global__ void im2col_kernel(const T* image, ConvGeometry g, T* columns) {
  const int64_t P = g.out_height * g.out_width;
  const int64_t total = g.column_rows() * P;
  for (int64_t e = first_index(); e < total; e += grid_step()) {
    const int64_t p = e % P, row = e / P;
    const int64_t kw = row % g.kernel_width, kh = (row / g.kernel_width) % g.kernel_height;
    const int64_t c = row / (g.kernel_width * g.kernel_height);
    const int64_t oh = p / g.out_width, ow = p % g.out_width;
    const int64_t h = oh * g.stride_h - g.padding_h + kh * g.dilation_h;
    const int64_t w = ow * g.stride_w - g.padding_w + kw * g.dilation_w;
    const bool inside = h >= 0 && h < g.height && w >= 0 && w < g.width;
    columns[e] = inside ? image[(c * g.height + h) * g.width + w] : T(0);
  }
}

// columns: [C * KH * KW, OH * OW] -> image: [C, H, W]
// Pixel (c, h, w) was copied by tap (kh, kw) to output position (oh, ow) when
// oh * sh - ph + kh * dh == h, i.e. oh = (h + ph - kh * dh) / sh, if that divides exactly.
template <typename T>
__global__ void col2im_kernel(const T* columns, ConvGeometry g, T* image) {
  const int64_t P = g.out_height * g.out_width;
  const int64_t total = g.channels * g.height * g.width;
  for (int64_t e = first_index(); e < total; e += grid_step()) {
    const int64_t w = e % g.width, h = (e / g.width) % g.height, c = e / (g.width * g.height);
    T sum = 0;
    for (int64_t kh = 0; kh < g.kernel_height; ++kh) {
      const int64_t h_shifted = h + g.padding_h - kh * g.dilation_h;
      if (h_shifted < 0 || h_shifted % g.stride_h != 0) continue;
      const int64_t oh = h_shifted / g.stride_h;
      if (oh >= g.out_height) continue;
      for (int64_t kw = 0; kw < g.kernel_width; ++kw) {
        const int64_t w_shifted = w + g.padding_w - kw * g.dilation_w;
        if (w_shifted < 0 || w_shifted % g.stride_w != 0) continue;
        const int64_t ow = w_shifted / g.stride_w;
        if (ow >= g.out_width) continue;
        const int64_t row = (c * g.kernel_height + kh) * g.kernel_width + kw;
        sum += columns[row * P + oh * g.out_width + ow];
      }
    }
    image[e] = sum;
  }
}

// y: [N, O, P] += bias[o]
template <typename T>
__global__ void add_bias_kernel(T* y, const T* bias, int64_t N, int64_t O, int64_t P) {
  for (int64_t e = first_index(); e < N * O * P; e += grid_step())
    y[e] += bias[(e / P) % O];
}

}  // namespace

namespace launch {

void im2col(ElementType type, int device, const void* image, const ConvGeometry& g, void* columns) {
  const int64_t total = g.column_rows() * g.output_pixels();
  if (total == 0) return;
  cudaStream_t stream = stream_for(device);
  dispatch_floating_type(type, "conv2d (im2col)", [&](auto zero) {
    using T = decltype(zero);
    im2col_kernel<T><<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(
        static_cast<const T*>(image), g, static_cast<T*>(columns));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("conv2d (im2col)");
}

void col2im(ElementType type, int device, const void* columns, const ConvGeometry& g, void* image) {
  const int64_t total = g.channels * g.height * g.width;
  if (total == 0) return;
  cudaStream_t stream = stream_for(device);
  dispatch_floating_type(type, "conv2d_backward_input (col2im)", [&](auto zero) {
    using T = decltype(zero);
    col2im_kernel<T><<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(
        static_cast<const T*>(columns), g, static_cast<T*>(image));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("conv2d_backward_input (col2im)");
}

void add_bias(ElementType type, int device, void* y, const void* bias, int64_t N, int64_t O,
              int64_t P) {
  if (N * O * P == 0) return;
  cudaStream_t stream = stream_for(device);
  dispatch_floating_type(type, "conv2d (bias)", [&](auto zero) {
    using T = decltype(zero);
    add_bias_kernel<T><<<blocks_for(N * O * P), kThreadsPerBlock, 0, stream>>>(
        static_cast<T*>(y), static_cast<const T*>(bias), N, O, P);
  });
  TIMBRE_CUDA_CHECK_LAUNCH("conv2d (bias)");
}

}  // namespace launch
}  // namespace timbre::cuda
