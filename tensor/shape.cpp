#include "tensor/shape.h"

#include <algorithm>

#include "tensor/error.h"

namespace timbre {

int64_t shape_numel(const Shape& sizes) {
  int64_t count = 1;
  for (int64_t size : sizes)
    count *= size;
  return count;
}

Shape contiguous_strides(const Shape& sizes) {
  Shape strides(sizes.size());
  int64_t stride = 1;
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    strides[d] = stride;
    stride *= std::max<int64_t>(sizes[d], 1);
  }
  return strides;
}

std::string shape_str(const Shape& sizes) {
  std::string text = "[";
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(sizes[i]);
  }
  return text + "]";
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const size_t ndim = std::max(a.size(), b.size());
  Shape result(ndim);
  for (size_t i = 0; i < ndim; ++i) {
    // Walk from the right: dimension i of the result pairs with a[..-1-i] and b[..-1-i].
    const int64_t size_a = i < a.size() ? a[a.size() - 1 - i] : 1;
    const int64_t size_b = i < b.size() ? b[b.size() - 1 - i] : 1;
    TIMBRE_CHECK(size_a == size_b || size_a == 1 || size_b == 1, op, ": shapes ", shape_str(a),
                 " and ", shape_str(b), " cannot be broadcast");
    result[ndim - 1 - i] = size_a == 1 ? size_b : size_a;
  }
  return result;
}

Shape broadcast_strides(const Shape& sizes, const Shape& strides, const Shape& target) {
  Shape result(target.size(), 0);
  const size_t lead = target.size() - sizes.size();
  for (size_t d = 0; d < sizes.size(); ++d) {
    result[lead + d] = (sizes[d] == 1 && target[lead + d] != 1) ? 0 : strides[d];
  }
  return result;
}

int64_t normalize_dim(int64_t dim, int64_t ndim, const char* op) {
  const int64_t rank = std::max<int64_t>(ndim, 1);  // a 0-d tensor accepts dim 0 and -1
  TIMBRE_CHECK(dim >= -rank && dim < rank, op, ": dimension ", dim,
               " is out of range for a tensor with ", ndim, " dimensions");
  return dim < 0 ? dim + rank : dim;
}

}  // namespace timbre
