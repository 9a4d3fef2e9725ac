// autograd/ops_conv.h - the differentiable image ops: convolution, pooling, batch normalisation.
//
// Implementations, one file per family:
//   ops_conv.cpp       conv2d                (im2col + GEMM; see docs/layers.md)
//   ops_pooling.cpp    max_pool2d, avg_pool2d, adaptive_avg_pool2d
//   ops_batchnorm.cpp  batch_norm            (composed from differentiable ops)
// Images are NCHW: [batch, channels, height, width]. Spatial arguments are Size2d {height,
// width}; one number means both (3 means {3, 3}), as in PyTorch.
#pragma once

#include <optional>
#include <utility>

#include "tensor/kernels_conv.h"
#include "tensor/tensor.h"

namespace timbre {

// ---- Convolution ------------------------------------------------------------------------------
// x: [N, C, H, W], weight: [O, C, KH, KW], bias: [O] or undefined (Tensor()) -> [N, O, OH, OW]
//   y[n][o][i][j] = bias[o] + sum_{c, kh, kw} weight[o][c][kh][kw] *
//                   x_padded[n][c][i * sh + kh * dh][j * sw + kw * dw]
// (cross-correlation, as in PyTorch; zero padding; one group), with
//   OH = floor((H + 2 * ph - dh * (KH - 1) - 1) / sh) + 1, and likewise OW.
// Requires: float32/float64, one dtype and device; x's C equals weight's C; the dilated kernel
//           fits in the padded input; stride, dilation >= 1; padding >= 0.
// Ensures:  gradients for x, weight and bias (only those that require one are computed). The
//           backward pass itself is not differentiable (no double backward).
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(),
              Size2d stride = 1, Size2d padding = 0, Size2d dilation = 1);

// ---- Pooling ----------------------------------------------------------------------------------
// x: [N, C, H, W] -> {values [N, C, OH, OW], indices [N, C, OH, OW] int64}
// values: the largest entry of each window; indices: its position h * W + w within its plane
// (PyTorch's return_indices=True). On exact ties the FIRST maximum in row-major window order
// wins; a NaN in the window is the maximum. Padding is -inf (never selected).
// stride defaults to the kernel. Requires 0 <= padding <= kernel / 2.
// Ensures: the gradient of x is grad_y routed to (added at) each window's arg-max.
std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x, Size2d kernel,
                                                  std::optional<Size2d> stride = std::nullopt,
                                                  Size2d padding = 0, bool ceil_mode = false);
// The values of max_pool2d_with_indices.
Tensor max_pool2d(const Tensor& x, Size2d kernel, std::optional<Size2d> stride = std::nullopt,
                  Size2d padding = 0, bool ceil_mode = false);

// x: [N, C, H, W] -> [N, C, OH, OW], the mean of each window (padding counts as zeros; with
// count_include_pad = false the padding is left out of the divisor). stride defaults to the
// kernel. Requires 0 <= padding <= kernel / 2.
Tensor avg_pool2d(const Tensor& x, Size2d kernel, std::optional<Size2d> stride = std::nullopt,
                  Size2d padding = 0, bool ceil_mode = false, bool count_include_pad = true);

// x: [N, C, H, W] -> [N, C, OH, OW] for any H >= 1, W >= 1: output row i averages input rows
// [floor(i * H / OH), ceil((i + 1) * H / OH)), columns likewise (PyTorch's windows).
Tensor adaptive_avg_pool2d(const Tensor& x, Size2d output_size);

// ---- Batch normalisation ----------------------------------------------------------------------
// x: [N, C] or [N, C, H, W]; running_mean, running_var, weight, bias: [C] (any may be undefined
// where noted) -> y of x's shape:
//   y = (x - mean) / sqrt(var + eps) * weight + bias,   per channel c.
// training = true: mean and var are the batch statistics over N (and H, W), var biased (divided
//   by the count m). If running_mean/running_var are defined they are updated IN PLACE:
//     running_mean = (1 - momentum) * running_mean + momentum * mean
//     running_var  = (1 - momentum) * running_var  + momentum * var * m / (m - 1)   (unbiased)
//   Requires m > 1. The gradient flows through the batch statistics.
// training = false: mean and var are running_mean and running_var (required).
// weight/bias undefined means 1/0 (PyTorch's affine=False).
Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, bool training, double momentum = 0.1,
                  double eps = 1e-5);

}  // namespace timbre
