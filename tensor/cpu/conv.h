// tensor/cpu/conv.h - the CPU kernels behind tensor/kernels_conv.h: convolution (conv.cpp) and
// pooling (pooling.cpp). Arguments have been checked by kernels_conv.cpp: one dtype (float32 or
// float64), shapes that fit, every tensor contiguous, outputs allocated with the right shape.
#pragma once

#include "tensor/kernels_conv.h"

namespace timbre::cpu {

// x: [N, C, H, W], weight: [O, C, KH, KW], bias: [O] or undefined -> y: [N, O, OH, OW]
void conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                    const Conv2dParams& params, const Tensor& y);
// grad_y: [N, O, OH, OW], weight: [O, C, KH, KW] -> grad_x: [N, C, H, W] (overwritten)
void conv2d_backward_input(const Tensor& grad_y, const Tensor& weight, const Conv2dParams& params,
                           const Tensor& grad_x);
// grad_y: [N, O, OH, OW], x: [N, C, H, W] -> grad_weight: [O, C, KH, KW] (overwritten)
void conv2d_backward_weight(const Tensor& grad_y, const Tensor& x, const Conv2dParams& params,
                            const Tensor& grad_weight);

// x: [N, C, H, W] -> y, indices: [N, C, OH, OW]
void max_pool2d_forward(const Tensor& x, const Pool2dParams& params, const Tensor& y,
                        const Tensor& indices);
// grad_y, indices: [N, C, OH, OW] -> grad_x: [N, C, H, W] (overwritten)
void max_pool2d_backward(const Tensor& grad_y, const Tensor& indices, const Tensor& grad_x);
// x: [N, C, H, W] -> y: [N, C, OH, OW]
void avg_pool2d_forward(const Tensor& x, const Pool2dParams& params, bool count_include_pad,
                        const Tensor& y);
// grad_y: [N, C, OH, OW] -> grad_x: [N, C, H, W] (overwritten)
void avg_pool2d_backward(const Tensor& grad_y, const Pool2dParams& params, bool count_include_pad,
                         const Tensor& grad_x);
// x: [N, C, H, W] -> y: [N, C, OH, OW]
void adaptive_avg_pool2d_forward(const Tensor& x, const Tensor& y);
// grad_y: [N, C, OH, OW] -> grad_x: [N, C, H, W] (overwritten)
void adaptive_avg_pool2d_backward(const Tensor& grad_y, const Tensor& grad_x);

}  // namespace timbre::cpu
