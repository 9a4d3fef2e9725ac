// autograd/ops_softmax.cpp - softmax and log_softmax with their gradients.
//
// With y = softmax(x) along a dim, dy_i/dx_j = y_i (delta_ij - y_j), so for an incoming
// gradient g:   dL/dx = y * (g - sum_j g_j y_j).
// With z = log_softmax(x) = x - log sum exp x,   dL/dx = g - softmax(x) * sum_j g_j
//                                                      = g - exp(z) * sum_j g_j.
#include "autograd/ops.h"
#include "autograd/record.h"
#include "tensor/kernels.h"

namespace timbre {

Tensor softmax(const Tensor& x, int64_t dim) {
  Tensor out = kernels::softmax(x, dim);
  if (any_requires_grad({x})) {
    record("SoftmaxBackward", out, {x}, [y = out.detach(), dim](const Tensor& g) {
      const Tensor weighted = sum(mul(g, y), {dim}, true);
      return grads(mul(y, sub(g, weighted)));
    });
  }
  return out;
}

Tensor log_softmax(const Tensor& x, int64_t dim) {
  Tensor out = kernels::log_softmax(x, dim);
  if (any_requires_grad({x})) {
    record("LogSoftmaxBackward", out, {x}, [z = out.detach(), dim](const Tensor& g) {
      return grads(sub(g, mul(exp(z), sum(g, {dim}, true))));
    });
  }
  return out;
}

}  // namespace timbre
