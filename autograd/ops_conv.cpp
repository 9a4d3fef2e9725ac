// autograd/ops_conv.cpp - conv2d with its gradients.
//
// With the weight seen as a matrix Wm [O, K] (K = C * KH * KW) and im2col(x) as columns [K, P]
// (P = OH * OW, one per image), the forward pass is y[O, P] = Wm * columns + bias. So, for the
// incoming gradient g = dL/dy [O, P] (see docs/layers.md):
//   dL/dWm      = sum over images of g * columns^T              [O, P] x [P, K]
//   dL/dcolumns = Wm^T * g, and dL/dx = col2im(dL/dcolumns)     [K, O] x [O, P]
//   dL/dbias[o] = sum over n, i, j of g[n][o][i][j]
// The kernels in tensor/cpu/conv.cpp compute these band by band.
#include "autograd/ops_conv.h"

#include "autograd/ops.h"
#include "autograd/record.h"
#include "tensor/kernels.h"

namespace timbre {

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, Size2d stride,
              Size2d padding, Size2d dilation) {
  const Conv2dParams params{.stride = stride, .padding = padding, .dilation = dilation};
  Tensor y = kernels::conv2d(x, weight, bias, params);
  const std::vector<Tensor> inputs =
      bias.defined() ? std::vector<Tensor>{x, weight, bias} : std::vector<Tensor>{x, weight};
  if (any_requires_grad(inputs)) {
    // Which gradients are wanted: the input image of a network usually needs none, and its
    // gradient is the most expensive of the three.
    const bool need_x = x.requires_grad(), need_weight = weight.requires_grad();
    const bool need_bias = bias.defined() && bias.requires_grad();
    record("Conv2dBackward", y, inputs,
           [x = x.detach(), weight = weight.detach(), has_bias = bias.defined(), params, need_x,
            need_weight, need_bias](const Tensor& g) {
             std::vector<Tensor> result(has_bias ? 3 : 2);
             if (need_x) result[0] = kernels::conv2d_backward_input(g, weight, x.sizes(), params);
             if (need_weight) {
               result[1] = kernels::conv2d_backward_weight(g, x, weight.sizes(), params);
             }
             if (need_bias) result[2] = kernels::reduce(ReduceOp::Sum, g, {0, 2, 3}, false);
             return result;
           });
  }
  return y;
}

}  // namespace timbre
