// tensor/kernels_conv.h - the dispatch point for the image ops: 2-d convolution and pooling.
//
// Same rules as tensor/kernels.h: each function checks its arguments (one device, one dtype,
// shapes that fit together; the error names the op and the shapes), allocates the result as a
// new contiguous tensor and calls the CPU kernel (tensor/cpu/conv.cpp, tensor/cpu/pooling.cpp).
// No autograd here: the differentiable ops in autograd/ops_conv.h are built from these.
//
// Images are NCHW: [batch, channels, height, width]. Every spatial argument is a Size2d
// {height, width}; a single number means the same value for both (3 means {3, 3}).
#pragma once

#include <optional>
#include <utility>

#include "tensor/tensor.h"

namespace timbre {

// A pair of spatial sizes, {height, width}. Implicit from one number so that stride 2 reads
// like PyTorch's stride=2.
struct Size2d {
  int64_t height;
  int64_t width;
  constexpr Size2d(int64_t both) : height(both), width(both) {}  // NOLINT: implicit on purpose
  constexpr Size2d(int64_t height_, int64_t width_) : height(height_), width(width_) {}
  bool operator==(const Size2d&) const = default;
};

// How a 2-d convolution slides its kernel over the (zero-padded) input.
struct Conv2dParams {
  Size2d stride = 1;
  Size2d padding = 0;   // zeros added on each side
  Size2d dilation = 1;  // distance between the kernel's taps (1 = neighbouring pixels)
};

// How a pooling window slides over the input. Padding counts as -inf for max pooling and as
// zeros for average pooling.
struct Pool2dParams {
  Size2d kernel;
  Size2d stride;
  Size2d padding = 0;
  bool ceil_mode = false;  // round the output size up instead of down
};

// Output length of a convolution along one dimension (PyTorch's formula):
//   out = floor((in + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1
int64_t conv_output_length(int64_t in, int64_t kernel, int64_t stride, int64_t padding,
                           int64_t dilation);

// Output length of a pooling window along one dimension. Like the convolution's, except that
// with ceil_mode the division rounds up - but the last window must still start inside the input
// or its left padding (PyTorch's rule), else it is dropped.
int64_t pool_output_length(int64_t in, int64_t kernel, int64_t stride, int64_t padding,
                           bool ceil_mode);

namespace kernels {

// ---- Convolution (im2col + GEMM, tensor/cpu/conv.cpp) ----------------------------------------
// x: [N, C, H, W], weight: [O, C, KH, KW], bias: [O] or undefined -> y: [N, O, OH, OW]
// Cross-correlation (the kernel is not flipped), zero padding, one group.
// Requires: float32/float64, one dtype and device; C of x equals C of weight; the dilated kernel
//           fits in the padded input; stride and dilation >= 1, padding >= 0.
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
              const Conv2dParams& params);
// dL/dx from dL/dy. grad_y: [N, O, OH, OW], weight: [O, C, KH, KW] -> [N, C, H, W]
// (input_sizes = x's shape, needed because several H give the same OH when stride > 1).
Tensor conv2d_backward_input(const Tensor& grad_y, const Tensor& weight, const Shape& input_sizes,
                             const Conv2dParams& params);
// dL/dweight from dL/dy. grad_y: [N, O, OH, OW], x: [N, C, H, W] -> [O, C, KH, KW]
Tensor conv2d_backward_weight(const Tensor& grad_y, const Tensor& x, const Shape& weight_sizes,
                              const Conv2dParams& params);

// ---- Pooling (tensor/cpu/pooling.cpp) ----------------------------------------------------------
// x: [N, C, H, W] -> {values [N, C, OH, OW], indices [N, C, OH, OW] int64}
// indices[n][c][i][j] = h * W + w of the window's largest entry in x[n][c] (the first one on
// ties, in row-major window order; a NaN counts as largest). Padding is never selected.
// Requires: kernel, stride >= 1; 0 <= padding <= kernel / 2 (PyTorch's rule).
std::pair<Tensor, Tensor> max_pool2d(const Tensor& x, const Pool2dParams& params);
// The adjoint of max pooling: zeros of input_sizes with grad_y[n][c][i][j] added at
// indices[n][c][i][j]. grad_y, indices: [N, C, OH, OW] -> [N, C, H, W]
Tensor max_pool2d_backward(const Tensor& grad_y, const Tensor& indices, const Shape& input_sizes);

// x: [N, C, H, W] -> y: [N, C, OH, OW], the mean of each window. With count_include_pad the
// divisor counts the padding zeros inside the window, else only the real pixels.
Tensor avg_pool2d(const Tensor& x, const Pool2dParams& params, bool count_include_pad);
// grad_y: [N, C, OH, OW] -> [N, C, H, W]: each pixel gets grad_y / divisor from every window
// that covers it.
Tensor avg_pool2d_backward(const Tensor& grad_y, const Shape& input_sizes,
                           const Pool2dParams& params, bool count_include_pad);

// x: [N, C, H, W] -> y: [N, C, OH, OW]; output row i averages input rows
// [floor(i * H / OH), ceil((i + 1) * H / OH)), and likewise for columns.
Tensor adaptive_avg_pool2d(const Tensor& x, Size2d output_size);
Tensor adaptive_avg_pool2d_backward(const Tensor& grad_y, const Shape& input_sizes);

}  // namespace kernels
}  // namespace timbre
