#include "layers/linear.h"

#include "layers/init.h"

namespace timbre::nn {

Linear::Linear(int64_t in_features, int64_t out_features, bool bias)
    : Module("Linear"), in_features(in_features), out_features(out_features) {
  TIMBRE_CHECK(in_features > 0 && out_features > 0, "Linear: sizes must be positive, got ",
               in_features, " and ", out_features);
  weight =
      register_parameter("weight", init::fan_in_uniform({out_features, in_features}, in_features));
  if (bias) {
    this->bias = register_parameter("bias", init::fan_in_uniform({out_features}, in_features));
  }
}

Tensor Linear::forward(const Tensor& x) {
  TIMBRE_CHECK(x.dim() >= 1 && x.size(-1) == in_features, "Linear(", in_features, ", ",
               out_features, "): expected input [..., ", in_features, "], got ",
               shape_str(x.sizes()));
  return linear(x, weight, bias);
}

std::string Linear::extra_repr() const {
  return "in_features=" + std::to_string(in_features) +
         ", out_features=" + std::to_string(out_features) +
         ", bias=" + (bias.defined() ? "true" : "false");
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  // weight.t() is a view: the GEMM reads W^T through swapped strides, no copy.
  Tensor y = matmul(x, weight.t());
  return bias.defined() ? y + bias : y;
}

}  // namespace timbre::nn
