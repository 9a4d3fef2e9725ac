// autograd/ops_softmax.cpp - softmax and log_softmax with their gradients.
//
// With y = softmax(x) along a dim, dy_i/dx_j = y_i (delta_ij - y_j), so for an incoming
// gradient g:   dL/dx = y * (g - sum_j g_j y_j).
// With z = log_softmax(x) = x - log sum exp x,   dL/dx = g - softmax(x) * sum_j g_j
//                                                      = g - exp(z) * sum_j g_j.
// Cross-entropy of softmax, loss = -log p_t:       dL/dx = g * (softmax(x) - onehot(t)).
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

// The fused cross-entropy: its backward is one kernel, (p - onehot(t)) scaled by the weights
// and smoothing (tensor/kernels.h), instead of the chain log_softmax -> gather -> mul.
Tensor softmax_cross_entropy(const Tensor& logits, const Tensor& targets, const Tensor& weight,
                             double label_smoothing) {
  auto [losses, log_probs] =
      kernels::cross_entropy_forward(logits, targets, weight, label_smoothing);
  if (any_requires_grad({logits})) {
    record(
        "SoftmaxCrossEntropyBackward", losses, {logits},
        [log_probs = log_probs, targets = targets.detach(),
         weight = weight.defined() ? weight.detach() : Tensor(), label_smoothing](const Tensor& g) {
          return grads(
              kernels::cross_entropy_backward(g, log_probs, targets, weight, label_smoothing));
        });
  }
  return losses;
}

}  // namespace timbre
