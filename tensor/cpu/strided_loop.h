// tensor/cpu/strided_loop.h - visiting every element of one or more strided tensors.
//
// Elementwise kernels must work on views (transposed, sliced, broadcast with stride 0), so they
// cannot just walk a flat array. for_each_row() walks the index space row by row: for every
// position of all dimensions but the last it hands the kernel the element offset of each operand
// and the stride of each operand along the last dimension. The kernel then runs a tight inner
// loop - a flat, vectorisable one when all inner strides are 1.
//
// Rows are split over OpenMP threads when there is enough work to pay for them.
#pragma once

#include <omp.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "tensor/shape.h"

namespace timbre::cpu {

// Elements below which one thread does all the work (a parallel region costs a few microseconds).
inline constexpr int64_t kParallelThreshold = 32768;

// A contiguous tensor seen as [outer, length, inner] around dimension `dim`: outer is the product
// of the sizes before it, inner of the sizes after it. Element (o, k, i) is at
// (o * length + k) * inner + i. Kernels that work along one dim (softmax, index_select) use it.
struct AroundDim {
  int64_t outer = 1, length = 1, inner = 1;
};
inline AroundDim split_around(const Shape& sizes, int64_t dim) {
  AroundDim split;
  split.length = sizes[dim];
  for (int64_t d = 0; d < dim; ++d)
    split.outer *= sizes[d];
  for (int64_t d = dim + 1; d < static_cast<int64_t>(sizes.size()); ++d)
    split.inner *= sizes[d];
  return split;
}

// Merges neighbouring dimensions that every operand lays out contiguously (stride[d] ==
// stride[d+1] * size[d+1]), so that e.g. a contiguous [N, C, H, W] is walked as one flat row.
template <size_t N>
void collapse_dimensions(Shape& sizes, std::array<Shape, N>& strides) {
  Shape new_sizes;
  std::array<Shape, N> new_strides;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] == 1 && sizes.size() > 1) continue;  // size-1 dims contribute nothing
    bool mergeable = !new_sizes.empty();
    for (size_t i = 0; i < N && mergeable; ++i) {
      mergeable = new_strides[i].back() == strides[i][d] * sizes[d];
    }
    if (mergeable) {
      new_sizes.back() *= sizes[d];
      for (size_t i = 0; i < N; ++i)
        new_strides[i].back() = strides[i][d];
    } else {
      new_sizes.push_back(sizes[d]);
      for (size_t i = 0; i < N; ++i)
        new_strides[i].push_back(strides[i][d]);
    }
  }
  sizes = new_sizes;
  strides = new_strides;
}

// sizes: the index space [d0, ..., dk]; strides[i]: operand i's strides over that space (0 for a
// broadcast dimension). row(offsets, count, inner_strides) is called once per row (or piece of a
// long row) with offsets[i] = offset of its first element in operand i.
template <size_t N, typename RowFunction>
void for_each_row(Shape sizes, std::array<Shape, N> strides, RowFunction&& row) {
  const int64_t total = shape_numel(sizes);
  if (total == 0) return;
  collapse_dimensions(sizes, strides);
  const int64_t ndim = static_cast<int64_t>(sizes.size());
  const int64_t count = ndim == 0 ? 1 : sizes[ndim - 1];
  const int64_t rows = total / count;
  std::array<int64_t, N> inner_strides{};
  for (size_t i = 0; i < N; ++i)
    inner_strides[i] = ndim == 0 ? 0 : strides[i][ndim - 1];

  // Offset of each operand at the start of row r: unravel r over the outer dimensions.
  auto row_offsets = [&](int64_t r) {
    std::array<int64_t, N> offsets{};
    for (int64_t d = ndim - 2; d >= 0; --d) {
      const int64_t index = r % sizes[d];
      r /= sizes[d];
      for (size_t i = 0; i < N; ++i)
        offsets[i] += index * strides[i][d];
    }
    return offsets;
  };

  // Few long rows (a flat contiguous tensor is one row): cut each row into pieces so that every
  // thread gets work.
  constexpr int64_t kPieceLength = 16384;
  const bool parallel = total >= kParallelThreshold;
  const int64_t pieces_per_row =
      (parallel && rows < 64) ? (count + kPieceLength - 1) / kPieceLength : 1;
  const int64_t piece_length = (count + pieces_per_row - 1) / pieces_per_row;

#pragma omp parallel for schedule(static) if (parallel && rows * pieces_per_row > 1)
  for (int64_t p = 0; p < rows * pieces_per_row; ++p) {
    const int64_t r = p / pieces_per_row;
    const int64_t start = (p % pieces_per_row) * piece_length;
    std::array<int64_t, N> offsets = row_offsets(r);
    for (size_t i = 0; i < N; ++i)
      offsets[i] += start * inner_strides[i];
    row(offsets, std::min(piece_length, count - start), inner_strides);
  }
}

}  // namespace timbre::cpu
