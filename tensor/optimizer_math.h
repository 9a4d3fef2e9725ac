// tensor/optimizer_math.h - the per-element update rules of the optimizers, written once for both
// backends (TIMBRE_HOST_DEVICE: plain inline functions on the CPU, __host__ __device__ under
// nvcc), so the CPU loop in tensor/cpu/optimizer_update.cpp and the future fused CUDA kernel run
// exactly the same arithmetic.
//
// Each function updates ONE parameter element together with its optimizer state. The constants
// that are the same for every element (learning rate, bias corrections, ...) are computed once
// per step on the host, in double as PyTorch does in Python, and converted to the parameter's
// type T: the arithmetic below then runs in T, in the same order as PyTorch 1.13's CPU kernels,
// so float32 results agree to rounding.
#pragma once

#include <cmath>
#include <cstdint>

#include "tensor/elementwise_math.h"  // TIMBRE_HOST_DEVICE

namespace timbre::math {

// ---- Hyperparameters, as the user gives them (double) -----------------------------------------

struct SgdHyperparameters {
  double learning_rate = 0.0;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
  bool first_step = true;  // the parameter's first update (its momentum buffer starts as d)
};

struct AdamHyperparameters {
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool decoupled_weight_decay = false;  // false: Adam (L2 in the gradient); true: AdamW
  int64_t step = 1;                     // t, counted from 1 for each parameter
};

// ---- SGD ----------------------------------------------------------------------------------------
//   d   = g + weight_decay * p                         (L2 regularisation, folded into the
//   gradient) buf = d                                            at the first step (PyTorch clones
//   d) buf = momentum * buf + (1 - dampening) * d         afterwards d   = d + momentum * buf
//   (Nesterov)   or   d = buf   (classic momentum) p   = p - learning_rate * d
// Without momentum the buffer is not used and d is the (decayed) gradient itself.
template <typename T>
struct SgdConstants {
  T learning_rate;
  T momentum;
  T one_minus_dampening;  // 1 - dampening, computed in double like PyTorch's `alpha=1 - dampening`
  T weight_decay;
  bool nesterov;
  bool first_step;  // true on the first update of this parameter: buf starts as d
};

// The per-step constants in the element type T (computed on the host).
template <typename T>
SgdConstants<T> make_sgd_constants(const SgdHyperparameters& h) {
  return {.learning_rate = T(h.learning_rate),
          .momentum = T(h.momentum),
          .one_minus_dampening = T(1.0 - h.dampening),
          .weight_decay = T(h.weight_decay),
          .nesterov = h.nesterov,
          .first_step = h.first_step};
}

// Updates `param` and `momentum_buffer` (ignored when momentum is 0) for one element.
template <typename T>
TIMBRE_HOST_DEVICE inline void sgd_update_element(T& param, T grad, T& momentum_buffer,
                                                  const SgdConstants<T>& c) {
  T direction = grad;
  if (c.weight_decay != T(0)) direction = direction + c.weight_decay * param;
  if (c.momentum != T(0)) {
    momentum_buffer =
        c.first_step ? direction : momentum_buffer * c.momentum + c.one_minus_dampening * direction;
    direction = c.nesterov ? direction + c.momentum * momentum_buffer : momentum_buffer;
  }
  param = param - c.learning_rate * direction;
}

// ---- Adam and AdamW
// ------------------------------------------------------------------------------- At step t (1, 2,
// ...), with g the gradient:
//   p  = p * (1 - learning_rate * weight_decay)       (AdamW only: decoupled weight decay)
//   g  = g + weight_decay * p                          (Adam only: L2 folded into the gradient)
//   m  = beta1 * m + (1 - beta1) * g                   (first moment: running mean of g)
//   v  = beta2 * v + (1 - beta2) * g * g               (second moment: running mean of g^2)
//   p  = p - (learning_rate / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
// where bc1 = 1 - beta1^t and bc2 = 1 - beta2^t undo the bias of m and v towards their zero
// start (after one step m = (1 - beta1) g, so m / bc1 = g).
template <typename T>
struct AdamConstants {
  T beta1, one_minus_beta1;
  T beta2, one_minus_beta2;
  T step_size;              // learning_rate / (1 - beta1^t)
  T bias_correction2_sqrt;  // sqrt(1 - beta2^t)
  T eps;
  T l2_weight_decay;  // Adam's weight decay (0 for AdamW)
  T decay_factor;     // AdamW's 1 - learning_rate * weight_decay (1 for Adam)
};

// The per-step constants in the element type T (computed on the host, in double, as PyTorch
// computes them in Python).
template <typename T>
AdamConstants<T> make_adam_constants(const AdamHyperparameters& h) {
  const double t = static_cast<double>(h.step);
  const double bias_correction1 = 1.0 - std::pow(h.beta1, t);
  const double bias_correction2 = 1.0 - std::pow(h.beta2, t);
  return {
      .beta1 = T(h.beta1),
      .one_minus_beta1 = T(1.0 - h.beta1),
      .beta2 = T(h.beta2),
      .one_minus_beta2 = T(1.0 - h.beta2),
      .step_size = T(h.learning_rate / bias_correction1),
      .bias_correction2_sqrt = T(std::sqrt(bias_correction2)),
      .eps = T(h.eps),
      .l2_weight_decay = T(h.decoupled_weight_decay ? 0.0 : h.weight_decay),
      .decay_factor = T(h.decoupled_weight_decay ? 1.0 - h.learning_rate * h.weight_decay : 1.0)};
}

// Updates `param`, `exp_avg` (m) and `exp_avg_sq` (v) for one element.
template <typename T>
TIMBRE_HOST_DEVICE inline void adam_update_element(T& param, T grad, T& exp_avg, T& exp_avg_sq,
                                                   const AdamConstants<T>& c) {
  if (c.decay_factor != T(1)) param = param * c.decay_factor;
  if (c.l2_weight_decay != T(0)) grad = grad + c.l2_weight_decay * param;
  exp_avg = exp_avg * c.beta1 + c.one_minus_beta1 * grad;
  exp_avg_sq = exp_avg_sq * c.beta2 + c.one_minus_beta2 * grad * grad;
  const T denominator = std::sqrt(exp_avg_sq) / c.bias_correction2_sqrt + c.eps;
  param = param - c.step_size * exp_avg / denominator;
}

}  // namespace timbre::math
