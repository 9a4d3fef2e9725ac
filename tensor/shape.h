// tensor/shape.h - sizes and strides, and the rules that combine them (numel, broadcasting).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace timbre {

// Sizes of each dimension, outermost first: a batch of images is [N, C, H, W].
using Shape = std::vector<int64_t>;

// Number of elements: the product of the sizes (1 for a 0-d scalar).
int64_t shape_numel(const Shape& sizes);

// Row-major strides in elements: sizes [2, 3, 4] -> strides [12, 4, 1].
Shape contiguous_strides(const Shape& sizes);

// "[2, 3, 4]".
std::string shape_str(const Shape& sizes);

// NumPy broadcasting: align the shapes at the right; each pair of sizes must be equal or one of
// them 1. Throws "op: shapes [..] and [..] cannot be broadcast" otherwise.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

// Strides that read `sizes`/`strides` as if broadcast to `target`: broadcast dimensions get
// stride 0, so the same element is read again. Requires broadcast_shapes(sizes, target) == target.
Shape broadcast_strides(const Shape& sizes, const Shape& strides, const Shape& target);

// A dimension index that may be negative (-1 is the last) turned into 0..ndim-1; throws when out
// of range, naming the op.
int64_t normalize_dim(int64_t dim, int64_t ndim, const char* op);

}  // namespace timbre
