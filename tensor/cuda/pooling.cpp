// tensor/cuda/pooling.cpp - host half of the pooling kernels: tensors -> plane geometry.
#include "tensor/cuda/cuda_kernels.h"
#include "tensor/cuda/describe.h"
#include "tensor/cuda/pooling_launch.h"

namespace timbre::cuda {

namespace {

// x: [N, C, H, W], y: [N, C, OH, OW] as N * C planes.
PoolGeometry geometry(const Shape& x, const Shape& y, const Pool2dParams& p) {
  return {x[0] * x[1],    x[2],
          x[3],           y[2],
          y[3],           p.kernel.height,
          p.kernel.width, p.stride.height,
          p.stride.width, p.padding.height,
          p.padding.width};
}

}  // namespace

void max_pool2d_forward(const Tensor& x, const Pool2dParams& params, const Tensor& y,
                        const Tensor& indices) {
  launch::max_pool2d_forward(element_type(x.dtype()), x.device().index, x.raw_data_ptr(),
                             geometry(x.sizes(), y.sizes(), params), y.raw_data_ptr(),
                             indices.data_ptr<int64_t>());
}

void max_pool2d_backward(const Tensor& grad_y, const Tensor& indices, const Tensor& grad_x) {
  launch::max_pool2d_backward(element_type(grad_y.dtype()), grad_y.device().index,
                              grad_y.raw_data_ptr(), indices.data_ptr<int64_t>(),
                              geometry(grad_x.sizes(), grad_y.sizes(), Pool2dParams{1, 1}),
                              grad_x.raw_data_ptr());
}

void avg_pool2d_forward(const Tensor& x, const Pool2dParams& params, bool count_include_pad,
                        const Tensor& y) {
  launch::avg_pool2d_forward(element_type(x.dtype()), x.device().index, x.raw_data_ptr(),
                             geometry(x.sizes(), y.sizes(), params), count_include_pad,
                             y.raw_data_ptr());
}

void avg_pool2d_backward(const Tensor& grad_y, const Pool2dParams& params, bool count_include_pad,
                         const Tensor& grad_x) {
  launch::avg_pool2d_backward(
      element_type(grad_y.dtype()), grad_y.device().index, grad_y.raw_data_ptr(),
      geometry(grad_x.sizes(), grad_y.sizes(), params), count_include_pad, grad_x.raw_data_ptr());
}

void adaptive_avg_pool2d_forward(const Tensor& x, const Tensor& y) {
  launch::adaptive_avg_pool2d_forward(element_type(x.dtype()), x.device().index, x.raw_data_ptr(),
                                      geometry(x.sizes(), y.sizes(), Pool2dParams{1, 1}),
                                      y.raw_data_ptr());
}

void adaptive_avg_pool2d_backward(const Tensor& grad_y, const Tensor& grad_x) {
  launch::adaptive_avg_pool2d_backward(
      element_type(grad_y.dtype()), grad_y.device().index, grad_y.raw_data_ptr(),
      geometry(grad_x.sizes(), grad_y.sizes(), Pool2dParams{1, 1}), grad_x.raw_data_ptr());
}

}  // namespace timbre::cuda
