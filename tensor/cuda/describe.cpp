// tensor/cuda/describe.cpp - Tensor -> DeviceTensor (see describe.h).
#include "tensor/cuda/describe.h"

namespace timbre::cuda {

ElementType element_type(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return ElementType::Float32;
    case DType::Float64:
      return ElementType::Float64;
    case DType::Int64:
      return ElementType::Int64;
  }
  throw Error("unknown dtype");
}

DeviceTensor describe(const Tensor& x, const char* op) {
  return describe_broadcast(x, x.sizes(), op);
}

DeviceTensor describe_broadcast(const Tensor& x, const Shape& sizes, const char* op) {
  TIMBRE_CHECK(x.device().is_cuda(), op, ": expected a CUDA tensor, got one on ", x.device().str());
  const int dims = static_cast<int>(sizes.size());
  TIMBRE_CHECK(dims <= kMaxDims, op, ": CUDA kernels take at most ", kMaxDims,
               " dimensions, got shape ", shape_str(sizes));
  TIMBRE_CHECK(static_cast<int>(x.dim()) <= dims, op, ": cannot broadcast shape ",
               shape_str(x.sizes()), " to ", shape_str(sizes));
  DeviceTensor result;
  result.data = x.raw_data_ptr();
  result.type = element_type(x.dtype());
  result.device = x.device().index;
  result.dims = dims;
  result.numel = shape_numel(sizes);
  // Align x's dimensions with the last ones of `sizes`; missing leading dims have stride 0.
  const int missing = dims - static_cast<int>(x.dim());
  bool broadcast = false;
  for (int d = 0; d < dims; ++d) {
    result.sizes[d] = sizes[d];
    if (d < missing) {
      result.strides[d] = 0;
      broadcast = broadcast || sizes[d] != 1;
      continue;
    }
    const int64_t own_size = x.sizes()[d - missing];
    TIMBRE_CHECK(own_size == sizes[d] || own_size == 1, op, ": cannot broadcast shape ",
                 shape_str(x.sizes()), " to ", shape_str(sizes));
    const bool grows = own_size != sizes[d];
    result.strides[d] = grows ? 0 : x.strides()[d - missing];
    broadcast = broadcast || grows;
  }
  result.contiguous = !broadcast && x.is_contiguous();
  return result;
}

}  // namespace timbre::cuda
