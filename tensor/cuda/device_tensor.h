// tensor/cuda/device_tensor.h - what a CUDA kernel is told about a tensor: a pointer, an element
// type, sizes and strides. Plain C++17 (no Tensor, no shared_ptr), because the .cu files are
// compiled by nvcc as C++17 and a kernel can only take plain values as arguments.
//
// The host side (tensor/cuda/describe.h) turns a Tensor into a DeviceTensor; the .cu files never
// see a Tensor. A DeviceTensor is passed to kernels BY VALUE (it is 150 bytes, far below the
// 4 KiB kernel-argument limit), so each thread can compute the offset of element i itself.
#pragma once

#include <cstdint>

namespace timbre::cuda {

// The most dimensions a tensor on the GPU may have (checked by describe()).
constexpr int kMaxDims = 8;

// Mirrors timbre::DType (tensor/dtype.h), which nvcc cannot include.
enum class ElementType : int32_t { Float32 = 0, Float64 = 1, Int64 = 2 };

struct DeviceTensor {
  void* data = nullptr;  // the tensor's first element (storage + offset)
  ElementType type = ElementType::Float32;
  int32_t device = 0;  // which GPU
  int32_t dims = 0;
  bool contiguous = true;  // row-major without gaps: element i is data[i]
  int64_t numel = 1;
  int64_t sizes[kMaxDims] = {};
  int64_t strides[kMaxDims] = {};  // in elements; 0 along a broadcast dimension

  // The storage offset (in elements) of the i-th element in row-major order: peel off the
  // last dimension's index with % and /, then the next, and so on.
#ifdef __CUDACC__
  __host__ __device__
#endif
      int64_t
      offset_of(int64_t i) const {
    if (contiguous) return i;
    int64_t offset = 0;
    for (int d = dims - 1; d >= 0; --d) {
      const int64_t index = i % sizes[d];
      i /= sizes[d];
      offset += index * strides[d];
    }
    return offset;
  }
};

}  // namespace timbre::cuda
