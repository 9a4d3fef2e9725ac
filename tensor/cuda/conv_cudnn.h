// tensor/cuda/conv_cudnn.h - convolution through NVIDIA's cuDNN library, when timbre is built with
// it (CMake finds cuDNN 9 in the CUDA toolkit; -DTIMBRE_CUDNN=OFF leaves it out). Implemented by
// conv_cudnn.cpp, or by conv_without_cudnn.cpp in a build without cuDNN, where cudnn_enabled() is
// always false and tensor/cuda/conv.cpp uses its im2col + cuBLAS path.
#pragma once

#include <string>

#include "tensor/kernels_conv.h"

namespace timbre::cuda {

// True when cuDNN is compiled in and not switched off with set_cudnn_enabled(false).
bool cudnn_enabled();
// Chooses between cuDNN and the im2col + cuBLAS fallback at run time (the tests compare the two).
// Has no effect in a build without cuDNN.
void set_cudnn_enabled(bool enabled);
// "cuDNN 9.13.0", or "cuDNN not compiled in".
std::string cudnn_version();

// The same contracts as cuda::conv2d_forward / _backward_input / _backward_weight
// (tensor/cuda/cuda_kernels.h). Require cudnn_enabled().
void cudnn_conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                          const Conv2dParams& params, const Tensor& y);
void cudnn_conv2d_backward_input(const Tensor& grad_y, const Tensor& weight,
                                 const Conv2dParams& params, const Tensor& grad_x);
void cudnn_conv2d_backward_weight(const Tensor& grad_y, const Tensor& x, const Conv2dParams& params,
                                  const Tensor& grad_weight);

}  // namespace timbre::cuda
