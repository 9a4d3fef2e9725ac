// autograd/ops_pooling.cpp - max, average and adaptive average pooling with their gradients.
//
// Every pooling output is a function of one window of its plane:
//   max:      y = x[argmax]          -> dL/dx[argmax] += g, every other pixel gets 0
//   average:  y = sum(window) / d    -> dL/dx[p] += g / d for every pixel p of the window
// (see docs/layers.md). The kernels in tensor/cpu/pooling.cpp compute both directions.
#include "autograd/ops_conv.h"
#include "autograd/record.h"

namespace timbre {

std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x, Size2d kernel,
                                                  std::optional<Size2d> stride, Size2d padding,
                                                  bool ceil_mode) {
  const Pool2dParams params{.kernel = kernel,
                            .stride = stride.value_or(kernel),
                            .padding = padding,
                            .ceil_mode = ceil_mode};
  auto [y, indices] = kernels::max_pool2d(x, params);
  if (any_requires_grad({x})) {
    record("MaxPool2dBackward", y, {x},
           [indices = indices, input_sizes = x.sizes()](const Tensor& g) {
             return grads(kernels::max_pool2d_backward(g, indices, input_sizes));
           });
  }
  return {y, indices};
}

Tensor max_pool2d(const Tensor& x, Size2d kernel, std::optional<Size2d> stride, Size2d padding,
                  bool ceil_mode) {
  return max_pool2d_with_indices(x, kernel, stride, padding, ceil_mode).first;
}

Tensor avg_pool2d(const Tensor& x, Size2d kernel, std::optional<Size2d> stride, Size2d padding,
                  bool ceil_mode, bool count_include_pad) {
  const Pool2dParams params{.kernel = kernel,
                            .stride = stride.value_or(kernel),
                            .padding = padding,
                            .ceil_mode = ceil_mode};
  Tensor y = kernels::avg_pool2d(x, params, count_include_pad);
  if (any_requires_grad({x})) {
    record("AvgPool2dBackward", y, {x},
           [input_sizes = x.sizes(), params, count_include_pad](const Tensor& g) {
             return grads(kernels::avg_pool2d_backward(g, input_sizes, params, count_include_pad));
           });
  }
  return y;
}

Tensor adaptive_avg_pool2d(const Tensor& x, Size2d output_size) {
  Tensor y = kernels::adaptive_avg_pool2d(x, output_size);
  if (any_requires_grad({x})) {
    record("AdaptiveAvgPool2dBackward", y, {x}, [input_sizes = x.sizes()](const Tensor& g) {
      return grads(kernels::adaptive_avg_pool2d_backward(g, input_sizes));
    });
  }
  return y;
}

}  // namespace timbre
