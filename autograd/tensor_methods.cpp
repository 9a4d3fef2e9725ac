// autograd/tensor_methods.cpp - the math methods of Tensor (x.reshape(...), x.sum(), ...).
// Each forwards to the differentiable free function of the same name in autograd/ops.h, so
// `x.sum()` and `timbre::sum(x)` are the same thing.
#include "autograd/ops.h"

namespace timbre {

Tensor Tensor::reshape(const Shape& sizes) const {
  return timbre::reshape(*this, sizes);
}
Tensor Tensor::view(const Shape& sizes) const {
  return timbre::view(*this, sizes);
}
Tensor Tensor::flatten(int64_t start_dim, int64_t end_dim) const {
  return timbre::flatten(*this, start_dim, end_dim);
}
Tensor Tensor::permute(const std::vector<int64_t>& dims) const {
  return timbre::permute(*this, dims);
}
Tensor Tensor::transpose(int64_t dim0, int64_t dim1) const {
  return timbre::transpose(*this, dim0, dim1);
}
Tensor Tensor::t() const {
  TIMBRE_CHECK(dim() <= 2, "t: expects a tensor with at most 2 dimensions, got shape ",
               shape_str(sizes()), "; use transpose(dim0, dim1)");
  return dim() < 2 ? *this : timbre::transpose(*this, 0, 1);
}
Tensor Tensor::narrow(int64_t dim, int64_t start, int64_t length) const {
  return timbre::narrow(*this, dim, start, length);
}
Tensor Tensor::slice(int64_t dim, int64_t start, int64_t end, int64_t step) const {
  return timbre::slice(*this, dim, start, end, step);
}
Tensor Tensor::select(int64_t dim, int64_t index) const {
  return timbre::select(*this, dim, index);
}
Tensor Tensor::squeeze() const {
  return timbre::squeeze(*this);
}
Tensor Tensor::squeeze(int64_t dim) const {
  return timbre::squeeze(*this, dim);
}
Tensor Tensor::unsqueeze(int64_t dim) const {
  return timbre::unsqueeze(*this, dim);
}
Tensor Tensor::expand(const Shape& sizes) const {
  return timbre::expand(*this, sizes);
}
Tensor Tensor::contiguous() const {
  return timbre::contiguous(*this);
}
Tensor Tensor::clone() const {
  return timbre::clone(*this);
}
Tensor Tensor::to(DType dtype) const {
  return timbre::to(*this, dtype);
}
Tensor Tensor::to(Device device) const {
  return timbre::to(*this, device);
}
Tensor Tensor::sum() const {
  return timbre::sum(*this);
}
Tensor Tensor::sum(const std::vector<int64_t>& dims, bool keepdim) const {
  return timbre::sum(*this, dims, keepdim);
}
Tensor Tensor::mean() const {
  return timbre::mean(*this);
}
Tensor Tensor::mean(const std::vector<int64_t>& dims, bool keepdim) const {
  return timbre::mean(*this, dims, keepdim);
}
Tensor Tensor::max() const {
  return timbre::max(*this);
}
Tensor Tensor::max(int64_t dim, bool keepdim) const {
  return timbre::max(*this, dim, keepdim);
}

}  // namespace timbre
