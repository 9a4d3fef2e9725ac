#include "layers/dropout.h"

#include "tensor/kernels.h"

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
  // mask = 1/(1-p) with probability 1-p, else 0, drawn on x's device from the counter-based
  // Philox stream numbered by one draw of the generator (tensor/philox.h): the same generator
  // state gives the same mask on the CPU and the GPU. The mask is a constant, so the gradient
  // is the same mask times the incoming gradient.
  Generator& g = generator != nullptr ? *generator : default_generator();
  const Tensor mask =
      kernels::dropout_mask(x.sizes(), {.dtype = x.dtype(), .device = x.device()}, p, g.next_u64());
  return x * mask;
}

}  // namespace timbre::nn
