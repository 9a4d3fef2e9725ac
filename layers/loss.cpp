// layers/loss.cpp - losses built from the differentiable ops, so their gradients come from
// autograd. The softmax cross-entropy gradient works out to (softmax(z) - onehot(t)) / N: see
// docs/layers.md.
#include "layers/loss.h"

namespace timbre::nn {

namespace {

Tensor reduce(const Tensor& losses, Reduction reduction) {
  switch (reduction) {
    case Reduction::None:
      return losses;
    case Reduction::Sum:
      return sum(losses);
    case Reduction::Mean:
      return mean(losses);
  }
  return losses;
}

// Checks the shapes and values of class targets for a [N, C] input.
void check_class_targets(const char* op, const Tensor& input, const Tensor& targets,
                         const Tensor& weight) {
  TIMBRE_CHECK(input.dim() == 2, op, ": expected input [N, C], got ", shape_str(input.sizes()));
  TIMBRE_CHECK(targets.dtype() == DType::Int64, op, ": targets must be int64 class indices, got ",
               dtype_name(targets.dtype()));
  TIMBRE_CHECK(targets.dim() == 1 && targets.size(0) == input.size(0), op, ": targets ",
               shape_str(targets.sizes()), " do not match input ", shape_str(input.sizes()),
               " (expected [", input.size(0), "])");
  const int64_t classes = input.size(1);
  for (int64_t t : targets.to_vector<int64_t>()) {
    TIMBRE_CHECK(t >= 0 && t < classes, op, ": target ", t, " is out of range for ", classes,
                 " classes");
  }
  if (weight.defined()) {
    TIMBRE_CHECK(weight.dim() == 1 && weight.size(0) == classes && weight.dtype() == input.dtype(),
                 op, ": class weights must be [", classes, "] ", dtype_name(input.dtype()),
                 ", got ", shape_str(weight.sizes()), " ", dtype_name(weight.dtype()));
  }
}

// -w[t_n] * log_probs[n, t_n] for each n, and the normaliser of a weighted mean (sum of w[t_n]).
std::pair<Tensor, Tensor> picked_losses(const Tensor& log_probs, const Tensor& targets,
                                        const Tensor& weight) {
  Tensor losses = -gather(log_probs, 1, targets.unsqueeze(1)).squeeze(1);  // [N]
  if (!weight.defined()) return {losses, Tensor()};
  const Tensor target_weights = index_select(weight, 0, targets);  // [N]
  return {losses * target_weights, sum(target_weights)};
}

Tensor reduce_weighted(const Tensor& losses, const Tensor& normaliser, Reduction reduction) {
  if (reduction == Reduction::Mean && normaliser.defined()) return sum(losses) / normaliser;
  return reduce(losses, reduction);
}

}  // namespace

Tensor nll_loss(const Tensor& log_probs, const Tensor& targets, Reduction reduction,
                const Tensor& weight) {
  check_class_targets("nll_loss", log_probs, targets, weight);
  auto [losses, normaliser] = picked_losses(log_probs, targets, weight);
  return reduce_weighted(losses, normaliser, reduction);
}

Tensor cross_entropy(const Tensor& logits, const Tensor& targets,
                     const CrossEntropyOptions& options) {
  check_class_targets("cross_entropy", logits, targets, options.weight);
  const double smoothing = options.label_smoothing;
  TIMBRE_CHECK(smoothing >= 0.0 && smoothing <= 1.0,
               "cross_entropy: label_smoothing must be in [0, 1], got ", smoothing);
  // One fused op gives every sample's loss (smoothing and weights included); the weighted mean
  // divides by sum_n w[t_n], the smoothing term too, as PyTorch does.
  const Tensor losses = softmax_cross_entropy(logits, targets, options.weight, smoothing);
  const Tensor normaliser =
      options.weight.defined() ? sum(index_select(options.weight, 0, targets)) : Tensor();
  return reduce_weighted(losses, normaliser, options.reduction);
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  TIMBRE_CHECK(input.sizes() == target.sizes(), "mse_loss: input ", shape_str(input.sizes()),
               " and target ", shape_str(target.sizes()), " differ in shape");
  return reduce(pow(input - target, 2.0), reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets,
                                        Reduction reduction) {
  TIMBRE_CHECK(logits.sizes() == targets.sizes(), "binary_cross_entropy_with_logits: logits ",
               shape_str(logits.sizes()), " and targets ", shape_str(targets.sizes()),
               " differ in shape");
  // -[y log s(x) + (1-y) log(1-s(x))] = max(x,0) - x y + log(1 + e^{-|x|}).
  const Tensor losses = clamp_min(logits, 0.0) - logits * targets + log(exp(-abs(logits)) + 1.0);
  return reduce(losses, reduction);
}

}  // namespace timbre::nn
