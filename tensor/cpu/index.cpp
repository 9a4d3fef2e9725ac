// tensor/cpu/index.cpp - gather / scatter_add and index_select / index_add.
//
// Index values come from data (labels, batch indices), so every one is checked before any
// memory is touched: a bad label gives an error naming it, never a read out of bounds.
#include "tensor/cpu/cpu_kernels.h"
#include "tensor/cpu/strided_loop.h"

namespace timbre::cpu {

namespace {

// Throws unless every entry of `index` (int64, any shape) lies in [0, limit).
void check_indices(const Tensor& index, int64_t limit, const char* op) {
  const Tensor flat = kernels::contiguous(index);
  const int64_t* values = flat.data_ptr<int64_t>();
  for (int64_t i = 0; i < flat.numel(); ++i) {
    TIMBRE_CHECK(values[i] >= 0 && values[i] < limit, op, ": index ", values[i],
                 " is out of range for a dimension of size ", limit);
  }
}

// Calls visit(index_offset, x_offset_without_dim, out_offset) for every element of the index
// space `sizes`, where x_offset_without_dim leaves out the `dim` coordinate (the caller adds
// index_value * x_stride[dim]).
template <typename Visit>
void for_each_index_element(const Shape& sizes, const Shape& index_strides, const Shape& x_strides,
                            const Shape& out_strides, int64_t dim, Visit&& visit) {
  const int64_t ndim = static_cast<int64_t>(sizes.size());
  const int64_t total = shape_numel(sizes);
  std::vector<int64_t> position(ndim, 0);
  int64_t index_offset = 0, x_offset = 0, out_offset = 0;
  for (int64_t n = 0; n < total; ++n) {
    visit(index_offset, x_offset, out_offset);
    for (int64_t d = ndim - 1; d >= 0; --d) {
      index_offset += index_strides[d];
      out_offset += out_strides[d];
      if (d != dim) x_offset += x_strides[d];
      if (++position[d] < sizes[d]) break;
      index_offset -= position[d] * index_strides[d];
      out_offset -= position[d] * out_strides[d];
      if (d != dim) x_offset -= position[d] * x_strides[d];
      position[d] = 0;
    }
  }
}

}  // namespace

// x: [..., S, ...], index: int64 of out's shape -> out[p] = x[p with p[dim] = index[p]].
void gather(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out) {
  check_indices(index, x.sizes()[dim], "gather");
  dispatch_all(x.dtype(), "gather", [&]<typename T>() {
    const T* in = x.data_ptr<T>();
    const int64_t* indices = index.data_ptr<int64_t>();
    T* result = out.data_ptr<T>();
    const int64_t step = x.strides()[dim];
    for_each_index_element(index.sizes(), index.strides(), x.strides(), out.strides(), dim,
                           [&](int64_t i, int64_t x_offset, int64_t o) {
                             result[o] = in[x_offset + indices[i] * step];
                           });
  });
}

// out: zero-filled [..., S, ...]; src and index: the same shape -> out[p with p[dim] =
// index[p]] += src[p]. Sequential, because two positions may point at the same element.
void scatter_add(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) {
  check_indices(index, out.sizes()[dim], "scatter_add");
  dispatch_all(out.dtype(), "scatter_add", [&]<typename T>() {
    T* result = out.data_ptr<T>();
    const int64_t* indices = index.data_ptr<int64_t>();
    const T* in = src.data_ptr<T>();
    const int64_t step = out.strides()[dim];
    for_each_index_element(index.sizes(), index.strides(), out.strides(), src.strides(), dim,
                           [&](int64_t i, int64_t out_offset, int64_t s) {
                             result[out_offset + indices[i] * step] += in[s];
                           });
  });
}

// x: contiguous [outer, S, inner], index: [n] -> out: contiguous [outer, n, inner].
void index_select(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out) {
  check_indices(index, x.sizes()[dim], "index_select");
  dispatch_all(x.dtype(), "index_select", [&]<typename T>() {
    const auto [outer, source_length, inner] = split_around(x.sizes(), dim);
    const int64_t count = index.numel();
    const T* in = x.data_ptr<T>();
    const int64_t* indices = index.data_ptr<int64_t>();
    T* result = out.data_ptr<T>();
#pragma omp parallel for schedule(static) if (out.numel() >= 32768)
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t k = 0; k < count; ++k) {
        const T* from = in + (o * source_length + indices[k]) * inner;
        T* to = result + (o * count + k) * inner;
        for (int64_t i = 0; i < inner; ++i)
          to[i] = from[i];
      }
    }
  });
}

// out: zero-filled contiguous [outer, S, inner], src: contiguous [outer, n, inner], index: [n].
void index_add(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) {
  check_indices(index, out.sizes()[dim], "index_add");
  dispatch_all(out.dtype(), "index_add", [&]<typename T>() {
    const auto [outer, target_length, inner] = split_around(out.sizes(), dim);
    const int64_t count = index.numel();
    T* result = out.data_ptr<T>();
    const int64_t* indices = index.data_ptr<int64_t>();
    const T* in = src.data_ptr<T>();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t k = 0; k < count; ++k) {
        T* to = result + (o * target_length + indices[k]) * inner;
        const T* from = in + (o * count + k) * inner;
        for (int64_t i = 0; i < inner; ++i)
          to[i] += from[i];
      }
    }
  });
}

}  // namespace timbre::cpu
