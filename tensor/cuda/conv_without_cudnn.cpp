// tensor/cuda/conv_without_cudnn.cpp - the cuDNN entry points of a build without cuDNN (a CUDA
// build configured without it, and every CPU-only build): cudnn_enabled() is false, so
// tensor/cuda/conv.cpp always takes its im2col + cuBLAS path.
#include "tensor/cuda/conv_cudnn.h"

namespace timbre::cuda {

namespace {
[[noreturn]] void not_compiled_in(const char* op) {
  throw Error(std::string(op) + ": timbre was built without cuDNN");
}
}  // namespace

bool cudnn_enabled() {
  return false;
}
void set_cudnn_enabled(bool) {}
std::string cudnn_version() {
  return "cuDNN not compiled in";
}
void cudnn_conv2d_forward(const Tensor&, const Tensor&, const Tensor&, const Conv2dParams&,
                          const Tensor&) {
  not_compiled_in("conv2d");
}
void cudnn_conv2d_backward_input(const Tensor&, const Tensor&, const Conv2dParams&, const Tensor&) {
  not_compiled_in("conv2d_backward_input");
}
void cudnn_conv2d_backward_weight(const Tensor&, const Tensor&, const Conv2dParams&,
                                  const Tensor&) {
  not_compiled_in("conv2d_backward_weight");
}

}  // namespace timbre::cuda
