// tensor/cross_entropy_math.h - the arithmetic of the fused softmax cross-entropy, written once for
// both backends (TIMBRE_HOST_DEVICE): the CPU loop (tensor/cpu/cross_entropy.cpp) and the CUDA
// kernels (tensor/cuda/softmax.cu) call these functions, one sample or one gradient entry at a
// time. Formulas: tensor/kernels.h (cross_entropy_forward) and docs/layers.md.
#pragma once

#include <cmath>
#include <cstdint>

#include "tensor/elementwise_math.h"  // TIMBRE_HOST_DEVICE

namespace timbre::math {

// The weight of class c (1 without class weights, weight == nullptr).
template <typename T>
TIMBRE_HOST_DEVICE inline T class_weight(const T* weight, int64_t c) {
  return weight != nullptr ? weight[c] : T(1);
}

// W = sum_c w[c] (C without class weights), in double.
template <typename T>
TIMBRE_HOST_DEVICE inline double total_class_weight(const T* weight, int64_t C) {
  if (weight == nullptr) return static_cast<double>(C);
  double total = 0;
  for (int64_t c = 0; c < C; ++c)
    total += static_cast<double>(weight[c]);
  return total;
}

// One sample: logits z [C] and target t -> log_probs [C] = log_softmax(z) (as
// tensor/cpu/softmax.cpp computes it: subtract the maximum, sum the exponentials in double) and
// the returned loss (1 - s) w[t] (-log p[t]) + (s / C) sum_c w[c] (-log p[c]).
template <typename T>
TIMBRE_HOST_DEVICE inline T cross_entropy_sample(const T* z, int64_t C, int64_t t, const T* weight,
                                                 double smoothing, T* log_probs) {
  T max_value = z[0];
  for (int64_t c = 1; c < C; ++c)
    max_value = z[c] > max_value ? z[c] : max_value;
  double sum = 0;
  for (int64_t c = 0; c < C; ++c)
    sum += std::exp(static_cast<double>(z[c] - max_value));
  const T log_sum = static_cast<T>(std::log(sum));
  double smooth_term = 0;
  for (int64_t c = 0; c < C; ++c) {
    log_probs[c] = z[c] - max_value - log_sum;
    smooth_term +=
        static_cast<double>(class_weight(weight, c)) * -static_cast<double>(log_probs[c]);
  }
  const double picked =
      static_cast<double>(class_weight(weight, t)) * -static_cast<double>(log_probs[t]);
  return static_cast<T>((1.0 - smoothing) * picked +
                        smoothing / static_cast<double>(C) * smooth_term);
}

// One entry (j) of one sample's logits gradient, given that sample's incoming gradient, its
// log-probability of class j, its target t and W = total_class_weight:
//   grad * ((1 - s) w[t] (p_j - [j == t]) + (s / C) (W p_j - w[j]))
template <typename T>
TIMBRE_HOST_DEVICE inline T cross_entropy_gradient(T grad_loss, T log_prob, int64_t j, int64_t t,
                                                   const T* weight, double total_weight, int64_t C,
                                                   double smoothing) {
  const double p = std::exp(static_cast<double>(log_prob));
  const double picked = static_cast<double>(class_weight(weight, t)) * (p - (j == t ? 1.0 : 0.0));
  const double smooth = total_weight * p - static_cast<double>(class_weight(weight, j));
  return static_cast<T>(static_cast<double>(grad_loss) *
                        ((1.0 - smoothing) * picked + smoothing / static_cast<double>(C) * smooth));
}

}  // namespace timbre::math
