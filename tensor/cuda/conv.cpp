// tensor/cuda/conv.cpp - 2-d convolution on the GPU: cuDNN when it is compiled in and enabled
// (tensor/cuda/conv_cudnn.h), else im2col + cuBLAS GEMM, one image at a time (this file).
//
// The im2col path:
// The same three matrix products as tensor/cpu/conv.cpp (see there for the derivation), with
// the column matrix of one image [K, P] (K = C * KH * KW, P = OH * OW) built by im2col.cu:
//   forward:      y_n[O, P]      = weight[O, K] * columns_n[K, P]    (+ bias[o] on row o)
//   grad input:   dcolumns[K, P] = weight^T[K, O] * dy_n[O, P],  then col2im -> dx_n
//   grad weight:  dweight[O, K] += dy_n[O, P] * columns_n^T[P, K]   (summed over the images)
// The transposes are strides handed to cuBLAS, never copies. The column buffer is one image's
// worth (36 MB for SUTD's conv1 on a 288 x 432 image), reused for every image.
#include "tensor/cuda/conv_cudnn.h"
#include "tensor/cuda/cuda_kernels.h"
#include "tensor/cuda/describe.h"
#include "tensor/cuda/gemm.h"
#include "tensor/cuda/im2col_launch.h"
#include "tensor/factories.h"

namespace timbre::cuda {

namespace {

ConvGeometry geometry(const Shape& x, const Shape& weight, const Shape& y,
                      const Conv2dParams& params) {
  return {x[0],
          x[1],
          x[2],
          x[3],
          weight[0],
          weight[2],
          weight[3],
          y[2],
          y[3],
          params.stride.height,
          params.stride.width,
          params.padding.height,
          params.padding.width,
          params.dilation.height,
          params.dilation.width};
}

// A row-major [rows, columns] matrix at `data` (read as is), or its transpose (columns, rows
// swapped by the strides).
MatrixOperand row_major(const void* data, int64_t columns) {
  MatrixOperand m;
  m.data = data;
  m.row_stride = columns;
  m.column_stride = 1;
  return m;
}
MatrixOperand transposed(const void* data, int64_t stored_columns) {
  MatrixOperand m;
  m.data = data;
  m.row_stride = 1;
  m.column_stride = stored_columns;
  return m;
}

const char* at(const Tensor& t, int64_t n, int64_t per_image) {
  return static_cast<const char*>(t.raw_data_ptr()) +
         n * per_image * static_cast<int64_t>(dtype_size(t.dtype()));
}
char* at_mutable(const Tensor& t, int64_t n, int64_t per_image) {
  return const_cast<char*>(at(t, n, per_image));
}

// ---- The im2col + cuBLAS path -----------------------------------------------------------------

void im2col_conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                           const Conv2dParams& params, const Tensor& y) {
  const ConvGeometry g = geometry(x.sizes(), weight.sizes(), y.sizes(), params);
  const int64_t K = g.column_rows(), P = g.output_pixels();
  const ElementType type = element_type(x.dtype());
  const int device = x.device().index;
  const Tensor columns = empty({K, P}, {.dtype = x.dtype(), .device = x.device()});
  for (int64_t n = 0; n < g.batch; ++n) {
    launch::im2col(type, device, at(x, n, g.channels * g.height * g.width), g,
                   columns.raw_data_ptr());
    gemm(type, device, 1, g.out_channels, P, K, row_major(weight.raw_data_ptr(), K),
         row_major(columns.raw_data_ptr(), P), at_mutable(y, n, g.out_channels * P), 1.0, 0.0);
  }
  if (bias.defined()) {
    launch::add_bias(type, device, y.raw_data_ptr(), bias.raw_data_ptr(), g.batch, g.out_channels,
                     P);
  }
}

void im2col_conv2d_backward_input(const Tensor& grad_y, const Tensor& weight,
                                  const Conv2dParams& params, const Tensor& grad_x) {
  const ConvGeometry g = geometry(grad_x.sizes(), weight.sizes(), grad_y.sizes(), params);
  const int64_t K = g.column_rows(), P = g.output_pixels();
  const ElementType type = element_type(grad_y.dtype());
  const int device = grad_y.device().index;
  const Tensor columns = empty({K, P}, {.dtype = grad_y.dtype(), .device = grad_y.device()});
  for (int64_t n = 0; n < g.batch; ++n) {
    gemm(type, device, 1, K, P, g.out_channels, transposed(weight.raw_data_ptr(), K),
         row_major(at(grad_y, n, g.out_channels * P), P), columns.raw_data_ptr(), 1.0, 0.0);
    launch::col2im(type, device, columns.raw_data_ptr(), g,
                   at_mutable(grad_x, n, g.channels * g.height * g.width));
  }
}

void im2col_conv2d_backward_weight(const Tensor& grad_y, const Tensor& x,
                                   const Conv2dParams& params, const Tensor& grad_weight) {
  const ConvGeometry g = geometry(x.sizes(), grad_weight.sizes(), grad_y.sizes(), params);
  const int64_t K = g.column_rows(), P = g.output_pixels();
  const ElementType type = element_type(x.dtype());
  const int device = x.device().index;
  if (g.batch == 0) return fill(grad_weight, 0.0);
  const Tensor columns = empty({K, P}, {.dtype = x.dtype(), .device = x.device()});
  for (int64_t n = 0; n < g.batch; ++n) {
    launch::im2col(type, device, at(x, n, g.channels * g.height * g.width), g,
                   columns.raw_data_ptr());
    // beta = 0 for the first image overwrites grad_weight; later images add to it.
    gemm(type, device, 1, g.out_channels, K, P, row_major(at(grad_y, n, g.out_channels * P), P),
         transposed(columns.raw_data_ptr(), P), grad_weight.raw_data_ptr(), 1.0,
         n == 0 ? 0.0 : 1.0);
  }
}

}  // namespace

// ---- The entry points: one choice per call ------------------------------------------------------

void conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                    const Conv2dParams& params, const Tensor& y) {
  if (cudnn_enabled()) return cudnn_conv2d_forward(x, weight, bias, params, y);
  im2col_conv2d_forward(x, weight, bias, params, y);
}

void conv2d_backward_input(const Tensor& grad_y, const Tensor& weight, const Conv2dParams& params,
                           const Tensor& grad_x) {
  if (cudnn_enabled()) return cudnn_conv2d_backward_input(grad_y, weight, params, grad_x);
  im2col_conv2d_backward_input(grad_y, weight, params, grad_x);
}

void conv2d_backward_weight(const Tensor& grad_y, const Tensor& x, const Conv2dParams& params,
                            const Tensor& grad_weight) {
  if (cudnn_enabled()) return cudnn_conv2d_backward_weight(grad_y, x, params, grad_weight);
  im2col_conv2d_backward_weight(grad_y, x, params, grad_weight);
}

}  // namespace timbre::cuda
