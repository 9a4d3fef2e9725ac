// autograd/ops_reduce.cpp - sum, mean, max, min and their gradients.
//
// A reduction's gradient flows back to the reduced entries: for sum every entry contributed with
// weight 1, so the output gradient is broadcast back to the input's shape; for mean the weight is
// 1/n; for max only the entries equal to the maximum contributed.
#include "autograd/ops.h"
#include "autograd/record.h"
#include "tensor/kernels.h"

namespace timbre {

namespace {

// The dims a reduction removed, as sorted non-negative indices (all dims when `dims` is empty).
std::vector<int64_t> reduced_dims(const Tensor& x, const std::vector<int64_t>& dims,
                                  const char* op) {
  std::vector<int64_t> result;
  if (dims.empty()) {
    for (int64_t d = 0; d < x.dim(); ++d)
      result.push_back(d);
  } else {
    for (int64_t d : dims)
      result.push_back(normalize_dim(d, x.dim(), op));
    std::sort(result.begin(), result.end());
  }
  return result;
}

// Brings a reduced gradient back to keepdim form (size 1 in each reduced dim) so it broadcasts
// against the input.
Tensor restore_reduced_dims(const Tensor& g, const std::vector<int64_t>& dims, bool keepdim) {
  if (keepdim) return g;
  Tensor result = g;
  for (int64_t d : dims)
    result = unsqueeze(result, d);  // ascending order keeps indices right
  return result;
}

Tensor reduce_op(ReduceOp op, const char* name, const Tensor& x, const std::vector<int64_t>& dims,
                 bool keepdim) {
  Tensor out = kernels::reduce(op, x, dims, keepdim);
  if (!any_requires_grad({x})) return out;
  const std::vector<int64_t> reduced = reduced_dims(x, dims, name);
  if (op == ReduceOp::Sum || op == ReduceOp::Mean) {
    int64_t count = 1;
    for (int64_t d : reduced)
      count *= x.sizes()[d];
    const double weight = op == ReduceOp::Mean ? 1.0 / static_cast<double>(count) : 1.0;
    record(name, out, {x}, [sizes = x.sizes(), reduced, keepdim, weight](const Tensor& g) {
      Tensor spread = expand(restore_reduced_dims(g, reduced, keepdim), sizes);
      if (weight != 1.0) spread = kernels::unary(UnaryOp::MulScalar, spread, {.scalar = weight});
      return grads(contiguous(spread));
    });
  } else {
    // Max/min: the entries equal to the result share the gradient equally.
    record(name, out, {x}, [x = x.detach(), out = out.detach(), reduced, keepdim](const Tensor& g) {
      const Tensor winners = eq(x, restore_reduced_dims(out, reduced, keepdim));
      const Tensor count = kernels::reduce(ReduceOp::Sum, winners, reduced, true);
      return grads(mul(winners, div(restore_reduced_dims(g, reduced, keepdim), count)));
    });
  }
  return out;
}

}  // namespace

Tensor sum(const Tensor& x) {
  return reduce_op(ReduceOp::Sum, "SumBackward", x, {}, false);
}
Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  return reduce_op(ReduceOp::Sum, "SumBackward", x, dims, keepdim);
}
Tensor mean(const Tensor& x) {
  return reduce_op(ReduceOp::Mean, "MeanBackward", x, {}, false);
}
Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  return reduce_op(ReduceOp::Mean, "MeanBackward", x, dims, keepdim);
}
Tensor max(const Tensor& x) {
  return reduce_op(ReduceOp::Max, "MaxBackward", x, {}, false);
}
Tensor max(const Tensor& x, int64_t dim, bool keepdim) {
  return reduce_op(ReduceOp::Max, "MaxBackward", x, {dim}, keepdim);
}
Tensor min(const Tensor& x) {
  return reduce_op(ReduceOp::Min, "MinBackward", x, {}, false);
}
Tensor min(const Tensor& x, int64_t dim, bool keepdim) {
  return reduce_op(ReduceOp::Min, "MinBackward", x, {dim}, keepdim);
}

Tensor argmax(const Tensor& x, int64_t dim, bool keepdim) {
  return kernels::argmax(x, dim, keepdim);
}

Tensor sum_to(const Tensor& x, const Shape& sizes) {
  if (x.sizes() == sizes) return x;
  TIMBRE_CHECK(broadcast_shapes(sizes, x.sizes(), "sum_to") == x.sizes(), "sum_to: shape ",
               shape_str(sizes), " does not broadcast to ", shape_str(x.sizes()));
  // Leading dims that broadcasting added, plus dims where `sizes` has 1 but x does not.
  const int64_t lead = x.dim() - static_cast<int64_t>(sizes.size());
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (d < lead || (sizes[d - lead] == 1 && x.sizes()[d] != 1)) dims.push_back(d);
  }
  if (dims.empty()) return reshape(x, sizes);
  return reshape(sum(x, dims, true), sizes);
}

}  // namespace timbre
