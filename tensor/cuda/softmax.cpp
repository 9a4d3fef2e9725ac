// tensor/cuda/softmax.cpp - host half of softmax and the fused cross-entropy.
#include "tensor/cuda/cuda_kernels.h"
#include "tensor/cuda/describe.h"
#include "tensor/cuda/softmax_launch.h"

namespace timbre::cuda {

void softmax(const Tensor& x, int64_t dim, bool log, const Tensor& out) {
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d)
    outer *= x.sizes()[d];
  for (int64_t d = dim + 1; d < x.dim(); ++d)
    inner *= x.sizes()[d];
  launch::softmax(describe(x, "softmax"), outer, x.sizes()[dim], inner, log,
                  describe(out, "softmax"));
}

void cross_entropy_forward(const Tensor& logits, const Tensor& targets, const Tensor& weight,
                           double label_smoothing, const Tensor& losses, const Tensor& log_probs) {
  launch::cross_entropy_forward(describe(logits, "cross_entropy"), targets.data_ptr<int64_t>(),
                                weight.defined() ? weight.raw_data_ptr() : nullptr, label_smoothing,
                                describe(losses, "cross_entropy"),
                                describe(log_probs, "cross_entropy"));
}

void cross_entropy_backward(const Tensor& grad_losses, const Tensor& log_probs,
                            const Tensor& targets, const Tensor& weight, double label_smoothing,
                            const Tensor& grad_logits) {
  launch::cross_entropy_backward(describe(grad_losses, "cross_entropy_backward"),
                                 describe(log_probs, "cross_entropy_backward"),
                                 targets.data_ptr<int64_t>(),
                                 weight.defined() ? weight.raw_data_ptr() : nullptr,
                                 label_smoothing, describe(grad_logits, "cross_entropy_backward"));
}

}  // namespace timbre::cuda
