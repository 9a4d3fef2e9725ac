// layers/loss.h - loss functions with PyTorch's semantics and argument names.
#pragma once

#include "layers/module.h"

namespace timbre::nn {

enum class Reduction { None, Mean, Sum };

struct CrossEntropyOptions {
  Reduction reduction = Reduction::Mean;
  Tensor weight = Tensor();      // [C] class weights, or undefined for all 1
  double label_smoothing = 0.0;  // in [0, 1]
};

// logits: [N, C] (any real values), targets: int64 [N] with values in [0, C).
// loss_n = -w[t_n] * log_softmax(logits)_n[t_n]; with label smoothing e,
// loss_n = (1 - e) * that + (e / C) * sum_c (-w_c * log_softmax(logits)_n[c]).
// Mean divides by sum_n w[t_n] (N without weights), as PyTorch.
// Stable for large logits (log_softmax subtracts the row maximum). Returns [] or [N] (None).
Tensor cross_entropy(const Tensor& logits, const Tensor& targets,
                     const CrossEntropyOptions& options = {});

// log_probs: [N, C] (log-probabilities, e.g. from log_softmax), targets int64 [N]:
// loss_n = -w[t_n] * log_probs[n, t_n]; Mean divides by sum_n w[t_n].
Tensor nll_loss(const Tensor& log_probs, const Tensor& targets,
                Reduction reduction = Reduction::Mean, const Tensor& weight = Tensor());

// (input - target)^2, same shapes.
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);

// Binary cross-entropy on logits x with targets y in [0, 1], same shapes, computed stably as
// max(x, 0) - x*y + log(1 + exp(-|x|)) (no exp of a large positive number).
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets,
                                        Reduction reduction = Reduction::Mean);

}  // namespace timbre::nn
