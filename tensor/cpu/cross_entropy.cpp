// tensor/cpu/cross_entropy.cpp - the fused softmax cross-entropy on the CPU, forward and backward
// (the formulas are in tensor/kernels.h; the derivation in docs/layers.md).
//
// Why fused: log_softmax, picking the target's entry, the class weights and label smoothing as
// separate ops make several [N, C] temporaries and autograd nodes; here one pass per sample
// computes the log-probabilities and the loss, and the backward writes the gradient directly.
#include <cmath>

#include "tensor/cpu/cpu_kernels.h"

namespace timbre::cpu {

namespace {

template <typename T>
T class_weight(const T* weight, int64_t c) {
  return weight != nullptr ? weight[c] : T(1);
}

}  // namespace

// logits: [N, C], targets: [N], weight: [C] or undefined -> losses: [N], log_probs: [N, C]
void cross_entropy_forward(const Tensor& logits, const Tensor& targets, const Tensor& weight,
                           double label_smoothing, const Tensor& losses, const Tensor& log_probs) {
  dispatch_floating(logits.dtype(), "cross_entropy", [&]<typename T>() {
    const int64_t N = logits.size(0), C = logits.size(1);
    const T* z_all = logits.data_ptr<T>();
    const int64_t* t_all = targets.data_ptr<int64_t>();
    const T* w = weight.defined() ? weight.data_ptr<T>() : nullptr;
    T* loss = losses.data_ptr<T>();
    T* log_p_all = log_probs.data_ptr<T>();
    for (int64_t n = 0; n < N; ++n) {
      const T* z = z_all + n * C;
      T* log_p = log_p_all + n * C;
      // log_softmax as tensor/cpu/softmax.cpp computes it: subtract the max, sum in double.
      T max_value = z[0];
      for (int64_t c = 1; c < C; ++c)
        max_value = z[c] > max_value ? z[c] : max_value;
      double sum = 0;
      for (int64_t c = 0; c < C; ++c)
        sum += std::exp(double(z[c] - max_value));
      const T log_sum = static_cast<T>(std::log(sum));
      double smooth_term = 0;
      for (int64_t c = 0; c < C; ++c) {
        log_p[c] = z[c] - max_value - log_sum;
        smooth_term += double(class_weight(w, c)) * -double(log_p[c]);
      }
      const int64_t t = t_all[n];
      const double picked = double(class_weight(w, t)) * -double(log_p[t]);
      loss[n] = static_cast<T>((1.0 - label_smoothing) * picked +
                               label_smoothing / double(C) * smooth_term);
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
    const int64_t* t_all = targets.data_ptr<int64_t>();
    const T* w = weight.defined() ? weight.data_ptr<T>() : nullptr;
    T* out = grad_logits.data_ptr<T>();
    double total_weight = double(C);
    if (w != nullptr) {
      total_weight = 0;
      for (int64_t c = 0; c < C; ++c)
        total_weight += double(w[c]);
    }
    for (int64_t n = 0; n < N; ++n) {
      const int64_t t = t_all[n];
      for (int64_t j = 0; j < C; ++j) {
        const double p = std::exp(double(log_p[n * C + j]));
        const double picked = double(class_weight(w, t)) * (p - (j == t ? 1.0 : 0.0));
        const double smooth = total_weight * p - double(class_weight(w, j));
        out[n * C + j] = static_cast<T>(double(g[n]) * ((1.0 - label_smoothing) * picked +
                                                        label_smoothing / double(C) * smooth));
      }
    }
  });
}

}  // namespace timbre::cpu
