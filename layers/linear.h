// layers/linear.h - the fully connected layer y = x W^T + b.
#pragma once

#include "layers/module.h"

namespace timbre::nn {

// Linear(in_features, out_features): weight [out, in], bias [out] (PyTorch's layout, so weights
// transfer unchanged). Initialised U(-1/sqrt(in), 1/sqrt(in)) like PyTorch.
class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true);
  // x: [..., in] -> [..., out]
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

  int64_t in_features, out_features;
  Tensor weight;  // [out, in]
  Tensor bias;    // [out], or undefined without bias
};

// The op behind Linear: x: [..., in], weight: [out, in], bias: [out] or undefined -> [..., out].
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());

}  // namespace timbre::nn
