#include "layers/activation.h"

namespace timbre::nn {

Tensor leaky_relu(const Tensor& x, double negative_slope) {
  // where() routes the gradient: 1 where x > 0, negative_slope elsewhere.
  const Tensor zero = scalar_tensor(0.0, {.dtype = x.dtype(), .device = x.device()});
  return where(gt(x, zero), x, x * negative_slope);
}

Tensor LeakyReLU::forward(const Tensor& x) {
  return leaky_relu(x, negative_slope);
}

std::string LeakyReLU::extra_repr() const {
  return "negative_slope=" + std::to_string(negative_slope);
}

}  // namespace timbre::nn
