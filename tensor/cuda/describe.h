// tensor/cuda/describe.h - host side: a Tensor turned into the DeviceTensor a kernel takes.
// Used by the host halves of the CUDA backend (tensor/cuda/*.cpp, compiled by the C++ compiler).
#pragma once

#include "tensor/cuda/device_tensor.h"
#include "tensor/tensor.h"

namespace timbre::cuda {

// The element type of a DType.
ElementType element_type(DType dtype);

// x as a kernel sees it. Requires: x on a CUDA device with at most kMaxDims dimensions (else a
// timbre::Error naming `op`).
DeviceTensor describe(const Tensor& x, const char* op);

// x read as if it had been broadcast to `sizes` (NumPy rules, tensor/shape.h): leading dimensions
// are added and every size-1 dimension that grows gets stride 0, so the kernel reads the same
// element again. Requires: x's shape broadcasts to sizes.
DeviceTensor describe_broadcast(const Tensor& x, const Shape& sizes, const char* op);

}  // namespace timbre::cuda
