// tensor/cuda/dispatch_type.cuh - calls a templated function with the C++ type of an ElementType,
// the CUDA twin of tensor/dtype.h's dispatch_all (which nvcc, compiling C++17, cannot use).
//
//   dispatch_type(x.type, "op", [&](auto zero) { using T = decltype(zero); launch<T>(...); });
#pragma once

#include <cstdint>
#include <string>

#include "tensor/cuda/device_tensor.h"
#include "tensor/error.h"

namespace timbre::cuda {

template <typename F>
void dispatch_type(ElementType type, const char* op, F&& f) {
  switch (type) {
    case ElementType::Float32:
      return f(float{});
    case ElementType::Float64:
      return f(double{});
    case ElementType::Int64:
      return f(int64_t{});
  }
  throw Error(std::string(op) + ": unknown element type");
}

// Only float and double (the ops that need fractions: exp, division, gradients).
template <typename F>
void dispatch_floating_type(ElementType type, const char* op, F&& f) {
  switch (type) {
    case ElementType::Float32:
      return f(float{});
    case ElementType::Float64:
      return f(double{});
    case ElementType::Int64:
      break;
  }
  throw Error(std::string(op) + ": expected a float32 or float64 tensor");
}

// The grid-stride loop index of the calling thread and the loop's step, in 64 bits (tensors may
// have more than 2^31 elements).
#ifdef __CUDACC__
__device__ inline int64_t first_index() {
  return static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ inline int64_t grid_step() {
  return static_cast<int64_t>(gridDim.x) * blockDim.x;
}
#endif

}  // namespace timbre::cuda
