// tensor/cpu/cross_entropy.cpp - the fused softmax cross-entropy on the CPU, forward and backward.
// The arithmetic is in tensor/cross_entropy_math.h (shared with the CUDA kernels).
//
// Why fused: log_softmax, picking the target's entry, the class weights and label smoothing as
// separate ops make several [N, C] temporaries and autograd nodes; here one pass per sample
// computes the log-probabilities and the loss, and the backward writes the gradient directly.
#include "tensor/cpu/cpu_kernels.h"
#include "tensor/cross_entropy_math.h"

namespace timbre::cpu {

// logits: [N, C], targets: [N], weight: [C] or undefined -> losses: [N], log_probs: [N, C]
void cross_entropy_forward(const Tensor& logits, const Tensor& targets, const Tensor& weight,
                           double label_smoothing, const Tensor& losses, const Tensor& log_probs) {
  dispatch_floating(logits.dtype(), "cross_entropy", [&]<typename T>() {
    const int64_t N = logits.size(0), C = logits.size(1);
    const T* z = logits.data_ptr<T>();
    const int64_t* t = targets.data_ptr<int64_t>();
    const T* w = weight.defined() ? weight.data_ptr<T>() : nullptr;
    T* loss = losses.data_ptr<T>();
    T* log_p = log_probs.data_ptr<T>();
    for (int64_t n = 0; n < N; ++n) {
      loss[n] = math::cross_entropy_sample(z + n * C, C, t[n], w, label_smoothing, log_p + n * C);
    }
  });
}

// grad_losses: [N], log_probs: [N, C], targets: [N], weight: [C] or undefined
//   -> grad_logits: [N, C]
void cross_entropy_backward(const Tensor& grad_losses, const Tensor& log_probs,
                            const Tensor& targets, const Tensor& weight, double label_smoothing,
                            const Tensor& grad_logits) {
  dispatch_floating(log_probs.dtype(), "cross_entropy_backward", [&]<typename T>() {
    const int64_t N = log_probs.size(0), C = log_probs.size(1);
    const T* g = grad_losses.data_ptr<T>();
    const T* log_p = log_probs.data_ptr<T>();
    const int64_t* t = targets.data_ptr<int64_t>();
    const T* w = weight.defined() ? weight.data_ptr<T>() : nullptr;
    T* out = grad_logits.data_ptr<T>();
    const double total_weight = math::total_class_weight(w, C);
    for (int64_t n = 0; n < N; ++n) {
      for (int64_t j = 0; j < C; ++j) {
        out[n * C + j] = math::cross_entropy_gradient(g[n], log_p[n * C + j], j, t[n], w,
                                                      total_weight, C, label_smoothing);
      }
    }
  });
}

}  // namespace timbre::cpu
