// tensor/cpu/pooling.cpp - max, average and adaptive average pooling, forward and backward.
//
// Every kernel works plane by plane: a plane is one channel of one image, [H, W] in the input
// and [OH, OW] in the output, and planes never interact. So the planes are split between
// threads, and within a plane the loops are the textbook ones (window by window).
//
// Window of output pixel (oh, ow), with stride s, padding p and kernel k:
//   rows [oh * sh - ph, oh * sh - ph + kh), columns likewise,
// clipped to the image; the clipped-away part is padding.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "tensor/cpu/conv.h"

namespace timbre::cpu {
namespace {

// Below this many window reads, one thread does everything (a parallel region costs a few
// microseconds).
constexpr int64_t kParallelWork = 32768;

// Calls plane_function(plane) for every plane in [0, planes), split over threads when the total
// work (planes * work_per_plane) pays for it.
template <typename PlaneFunction>
void for_each_plane(int64_t planes, int64_t work_per_plane, PlaneFunction&& plane_function) {
#pragma omp parallel for schedule(static) if (planes * work_per_plane >= kParallelWork)
  for (int64_t plane = 0; plane < planes; ++plane)
    plane_function(plane);
}

// A window's rows or columns [begin, end), already clipped to the image.
struct Window {
  int64_t begin, end;
};

Window clipped_window(int64_t out_index, int64_t kernel, int64_t stride, int64_t padding,
                      int64_t in_length) {
  const int64_t begin = out_index * stride - padding;
  return {std::max<int64_t>(begin, 0), std::min(begin + kernel, in_length)};
}

// ---- Max pooling ------------------------------------------------------------------------------

// x: [planes, H, W] -> y, indices: [planes, OH, OW]
// The scan goes through the window in row-major order and replaces the running maximum only
// when a value is strictly larger, so the FIRST of tied maxima wins (as PyTorch on the CPU).
// A NaN always replaces it: NaN propagates (max of anything with NaN is NaN).
template <typename T>
void max_pool2d_forward_typed(const T* x, int64_t planes, int64_t H, int64_t W, int64_t OH,
                              int64_t OW, const Pool2dParams& p, T* y, int64_t* indices) {
  const int64_t window = p.kernel.height * p.kernel.width;
  for_each_plane(planes, OH * OW * window, [&](int64_t plane) {
    const T* x_plane = x + plane * H * W;
    T* y_plane = y + plane * OH * OW;
    int64_t* index_plane = indices + plane * OH * OW;
    for (int64_t oh = 0; oh < OH; ++oh) {
      const Window rows = clipped_window(oh, p.kernel.height, p.stride.height, p.padding.height, H);
      for (int64_t ow = 0; ow < OW; ++ow) {
        const Window cols = clipped_window(ow, p.kernel.width, p.stride.width, p.padding.width, W);
        T max_value = -std::numeric_limits<T>::infinity();
        int64_t max_index = rows.begin * W + cols.begin;  // kept if every value is -inf
        for (int64_t ih = rows.begin; ih < rows.end; ++ih) {
          for (int64_t iw = cols.begin; iw < cols.end; ++iw) {
            const T value = x_plane[ih * W + iw];
            if (value > max_value || std::isnan(value)) {
              max_value = value;
              max_index = ih * W + iw;
            }
          }
        }
        y_plane[oh * OW + ow] = max_value;
        index_plane[oh * OW + ow] = max_index;
      }
    }
  });
}

// grad_y, indices: [planes, OH, OW] -> grad_x: [planes, H, W]
// Only the arg-max of each window influenced the output, so it alone receives the gradient
// (added: overlapping windows may pick the same pixel).
template <typename T>
void max_pool2d_backward_typed(const T* grad_y, const int64_t* indices, int64_t planes,
                               int64_t input_pixels, int64_t output_pixels, T* grad_x) {
  for_each_plane(planes, output_pixels + input_pixels, [&](int64_t plane) {
    T* grad_x_plane = grad_x + plane * input_pixels;
    std::fill(grad_x_plane, grad_x_plane + input_pixels, T(0));
    const T* grad_y_plane = grad_y + plane * output_pixels;
    const int64_t* index_plane = indices + plane * output_pixels;
    for (int64_t i = 0; i < output_pixels; ++i)
      grad_x_plane[index_plane[i]] += grad_y_plane[i];
  });
}

// ---- Average pooling ----------------------------------------------------------------------------

// How many pixels window (oh, ow) divides by: with count_include_pad the window as it lies on
// the padded image (still cut at the far padding edge, as in PyTorch), else only real pixels.
int64_t avg_divisor(int64_t oh, int64_t ow, int64_t H, int64_t W, const Pool2dParams& p,
                    bool count_include_pad) {
  const Window rows = clipped_window(oh, p.kernel.height, p.stride.height, p.padding.height, H);
  const Window cols = clipped_window(ow, p.kernel.width, p.stride.width, p.padding.width, W);
  if (!count_include_pad) return (rows.end - rows.begin) * (cols.end - cols.begin);
  const int64_t h_begin = oh * p.stride.height - p.padding.height;
  const int64_t w_begin = ow * p.stride.width - p.padding.width;
  const int64_t h_end = std::min(h_begin + p.kernel.height, H + p.padding.height);
  const int64_t w_end = std::min(w_begin + p.kernel.width, W + p.padding.width);
  return (h_end - h_begin) * (w_end - w_begin);
}

// x: [planes, H, W] -> y: [planes, OH, OW],  y = (sum of the window) / divisor
template <typename T>
void avg_pool2d_forward_typed(const T* x, int64_t planes, int64_t H, int64_t W, int64_t OH,
                              int64_t OW, const Pool2dParams& p, bool count_include_pad, T* y) {
  const int64_t window = p.kernel.height * p.kernel.width;
  for_each_plane(planes, OH * OW * window, [&](int64_t plane) {
    const T* x_plane = x + plane * H * W;
    T* y_plane = y + plane * OH * OW;
    for (int64_t oh = 0; oh < OH; ++oh) {
      const Window rows = clipped_window(oh, p.kernel.height, p.stride.height, p.padding.height, H);
      for (int64_t ow = 0; ow < OW; ++ow) {
        const Window cols = clipped_window(ow, p.kernel.width, p.stride.width, p.padding.width, W);
        T sum = 0;
        for (int64_t ih = rows.begin; ih < rows.end; ++ih) {
          for (int64_t iw = cols.begin; iw < cols.end; ++iw)
            sum += x_plane[ih * W + iw];
        }
        const int64_t divisor = avg_divisor(oh, ow, H, W, p, count_include_pad);
        y_plane[oh * OW + ow] = divisor > 0 ? sum / T(divisor) : T(0);
      }
    }
  });
}

// grad_y: [planes, OH, OW] -> grad_x: [planes, H, W]
// y = sum(window) / divisor, so every pixel of the window gets grad_y / divisor.
template <typename T>
void avg_pool2d_backward_typed(const T* grad_y, int64_t planes, int64_t H, int64_t W, int64_t OH,
                               int64_t OW, const Pool2dParams& p, bool count_include_pad,
                               T* grad_x) {
  const int64_t window = p.kernel.height * p.kernel.width;
  for_each_plane(planes, OH * OW * window, [&](int64_t plane) {
    T* grad_x_plane = grad_x + plane * H * W;
    std::fill(grad_x_plane, grad_x_plane + H * W, T(0));
    const T* grad_y_plane = grad_y + plane * OH * OW;
    for (int64_t oh = 0; oh < OH; ++oh) {
      const Window rows = clipped_window(oh, p.kernel.height, p.stride.height, p.padding.height, H);
      for (int64_t ow = 0; ow < OW; ++ow) {
        const Window cols = clipped_window(ow, p.kernel.width, p.stride.width, p.padding.width, W);
        const int64_t divisor = avg_divisor(oh, ow, H, W, p, count_include_pad);
        if (divisor == 0) continue;
        const T share = grad_y_plane[oh * OW + ow] / T(divisor);
        for (int64_t ih = rows.begin; ih < rows.end; ++ih) {
          for (int64_t iw = cols.begin; iw < cols.end; ++iw)
            grad_x_plane[ih * W + iw] += share;
        }
      }
    }
  });
}

// ---- Adaptive average pooling -------------------------------------------------------------------

// Output index i of `out_length` covers input [floor(i * in / out), ceil((i + 1) * in / out)):
// the windows tile the input exactly, overlapping by at most one pixel.
Window adaptive_window(int64_t i, int64_t in_length, int64_t out_length) {
  return {(i * in_length) / out_length, ((i + 1) * in_length + out_length - 1) / out_length};
}

// x: [planes, H, W] -> y: [planes, OH, OW]
template <typename T>
void adaptive_avg_pool2d_forward_typed(const T* x, int64_t planes, int64_t H, int64_t W, int64_t OH,
                                       int64_t OW, T* y) {
  for_each_plane(planes, H * W + OH * OW, [&](int64_t plane) {
    const T* x_plane = x + plane * H * W;
    T* y_plane = y + plane * OH * OW;
    for (int64_t oh = 0; oh < OH; ++oh) {
      const Window rows = adaptive_window(oh, H, OH);
      for (int64_t ow = 0; ow < OW; ++ow) {
        const Window cols = adaptive_window(ow, W, OW);
        T sum = 0;
        for (int64_t ih = rows.begin; ih < rows.end; ++ih) {
          for (int64_t iw = cols.begin; iw < cols.end; ++iw)
            sum += x_plane[ih * W + iw];
        }
        y_plane[oh * OW + ow] = sum / T((rows.end - rows.begin) * (cols.end - cols.begin));
      }
    }
  });
}

// grad_y: [planes, OH, OW] -> grad_x: [planes, H, W]
template <typename T>
void adaptive_avg_pool2d_backward_typed(const T* grad_y, int64_t planes, int64_t H, int64_t W,
                                        int64_t OH, int64_t OW, T* grad_x) {
  for_each_plane(planes, H * W + OH * OW, [&](int64_t plane) {
    T* grad_x_plane = grad_x + plane * H * W;
    std::fill(grad_x_plane, grad_x_plane + H * W, T(0));
    const T* grad_y_plane = grad_y + plane * OH * OW;
    for (int64_t oh = 0; oh < OH; ++oh) {
      const Window rows = adaptive_window(oh, H, OH);
      for (int64_t ow = 0; ow < OW; ++ow) {
        const Window cols = adaptive_window(ow, W, OW);
        const T share =
            grad_y_plane[oh * OW + ow] / T((rows.end - rows.begin) * (cols.end - cols.begin));
        for (int64_t ih = rows.begin; ih < rows.end; ++ih) {
          for (int64_t iw = cols.begin; iw < cols.end; ++iw)
            grad_x_plane[ih * W + iw] += share;
        }
      }
    }
  });
}

}  // namespace

void max_pool2d_forward(const Tensor& x, const Pool2dParams& params, const Tensor& y,
                        const Tensor& indices) {
  dispatch_floating(x.dtype(), "max_pool2d", [&]<typename T>() {
    max_pool2d_forward_typed<T>(x.data_ptr<T>(), x.size(0) * x.size(1), x.size(2), x.size(3),
                                y.size(2), y.size(3), params, y.data_ptr<T>(),
                                indices.data_ptr<int64_t>());
  });
}

void max_pool2d_backward(const Tensor& grad_y, const Tensor& indices, const Tensor& grad_x) {
  dispatch_floating(grad_y.dtype(), "max_pool2d_backward", [&]<typename T>() {
    max_pool2d_backward_typed<T>(grad_y.data_ptr<T>(), indices.data_ptr<int64_t>(),
                                 grad_x.size(0) * grad_x.size(1), grad_x.size(2) * grad_x.size(3),
                                 grad_y.size(2) * grad_y.size(3), grad_x.data_ptr<T>());
  });
}

void avg_pool2d_forward(const Tensor& x, const Pool2dParams& params, bool count_include_pad,
                        const Tensor& y) {
  dispatch_floating(x.dtype(), "avg_pool2d", [&]<typename T>() {
    avg_pool2d_forward_typed<T>(x.data_ptr<T>(), x.size(0) * x.size(1), x.size(2), x.size(3),
                                y.size(2), y.size(3), params, count_include_pad, y.data_ptr<T>());
  });
}

void avg_pool2d_backward(const Tensor& grad_y, const Pool2dParams& params, bool count_include_pad,
                         const Tensor& grad_x) {
  dispatch_floating(grad_y.dtype(), "avg_pool2d_backward", [&]<typename T>() {
    avg_pool2d_backward_typed<T>(grad_y.data_ptr<T>(), grad_x.size(0) * grad_x.size(1),
                                 grad_x.size(2), grad_x.size(3), grad_y.size(2), grad_y.size(3),
                                 params, count_include_pad, grad_x.data_ptr<T>());
  });
}

void adaptive_avg_pool2d_forward(const Tensor& x, const Tensor& y) {
  dispatch_floating(x.dtype(), "adaptive_avg_pool2d", [&]<typename T>() {
    adaptive_avg_pool2d_forward_typed<T>(x.data_ptr<T>(), x.size(0) * x.size(1), x.size(2),
                                         x.size(3), y.size(2), y.size(3), y.data_ptr<T>());
  });
}

void adaptive_avg_pool2d_backward(const Tensor& grad_y, const Tensor& grad_x) {
  dispatch_floating(grad_y.dtype(), "adaptive_avg_pool2d_backward", [&]<typename T>() {
    adaptive_avg_pool2d_backward_typed<T>(grad_y.data_ptr<T>(), grad_x.size(0) * grad_x.size(1),
                                          grad_x.size(2), grad_x.size(3), grad_y.size(2),
                                          grad_y.size(3), grad_x.data_ptr<T>());
  });
}

}  // namespace timbre::cpu
