// tensor/cuda/index.cpp - host half of gather / scatter_add / index_select / index_add.
//
// Index values come from data (labels, batch indices). A kernel cannot throw, so they are
// checked here first, on a copy on the CPU, with the CPU kernels' messages: a bad label gives an
// error naming it, never a read or write out of bounds on the GPU.
#include "tensor/cuda/cuda_kernels.h"
#include "tensor/cuda/describe.h"
#include "tensor/cuda/index_launch.h"

namespace timbre::cuda {

namespace {

void check_indices(const Tensor& index, int64_t limit, const char* op) {
  for (int64_t value : index.to_vector<int64_t>()) {
    TIMBRE_CHECK(value >= 0 && value < limit, op, ": index ", value,
                 " is out of range for a dimension of size ", limit);
  }
}

// t described over `sizes` (the index space), with the stride of `dim` set to 0: the kernel adds
// index_value * t.stride(dim) itself.
DeviceTensor without_dim(const Tensor& t, const Shape& sizes, int64_t dim, const char* op) {
  DeviceTensor result = describe(t, op);
  for (int d = 0; d < result.dims; ++d)
    result.sizes[d] = sizes[d];
  result.strides[dim] = 0;
  result.numel = shape_numel(sizes);
  result.contiguous = false;
  return result;
}

int64_t product(const Shape& sizes, int64_t from, int64_t to) {
  int64_t result = 1;
  for (int64_t d = from; d < to; ++d)
    result *= sizes[d];
  return result;
}

}  // namespace

void gather(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out) {
  check_indices(index, x.sizes()[dim], "gather");
  launch::gather(without_dim(x, index.sizes(), dim, "gather"), x.strides()[dim],
                 describe(index, "gather"), describe(out, "gather"));
}

void scatter_add(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) {
  check_indices(index, out.sizes()[dim], "scatter_add");
  launch::scatter_add(without_dim(out, index.sizes(), dim, "scatter_add"), out.strides()[dim],
                      describe(index, "scatter_add"), describe(src, "scatter_add"));
}

void index_select(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out) {
  check_indices(index, x.sizes()[dim], "index_select");
  launch::index_select(describe(x, "index_select"), product(x.sizes(), 0, dim), x.sizes()[dim],
                       product(x.sizes(), dim + 1, x.dim()), index.data_ptr<int64_t>(),
                       index.numel(), describe(out, "index_select"));
}

void index_add(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) {
  check_indices(index, out.sizes()[dim], "index_add");
  launch::index_add(describe(out, "index_add"), product(out.sizes(), 0, dim), out.sizes()[dim],
                    product(out.sizes(), dim + 1, out.dim()), index.data_ptr<int64_t>(),
                    index.numel(), describe(src, "index_add"));
}

}  // namespace timbre::cuda
