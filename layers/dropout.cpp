#include "layers/dropout.h"

namespace timbre::nn {

Dropout::Dropout(double p, Generator* generator) : Module("Dropout"), p(p), generator_(generator) {
  TIMBRE_CHECK(p >= 0.0 && p < 1.0, "Dropout: p must be in [0, 1), got ", p);
}

Tensor Dropout::forward(const Tensor& x) {
  return dropout(x, p, is_training(), generator_);
}

Tensor dropout(const Tensor& x, double p, bool training, Generator* generator) {
  TIMBRE_CHECK(p >= 0.0 && p < 1.0, "dropout: p must be in [0, 1), got ", p);
  if (!training || p == 0.0) return x;
  // keep = 1/(1-p) with probability 1-p, else 0. The mask is a constant, so the gradient is
  // the same mask times the incoming gradient.
  const Tensor draws = rand(x.sizes(), {.dtype = x.dtype(), .device = x.device()}, generator);
  const Tensor keep = ge(draws, scalar_tensor(p, {.dtype = x.dtype(), .device = x.device()}));
  return x * (keep * (1.0 / (1.0 - p)));
}

}  // namespace timbre::nn
