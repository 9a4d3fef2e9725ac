// layers/dropout.h - inverted dropout: in training each element is zeroed with probability p and
// the survivors are scaled by 1/(1-p), so the expected value is unchanged and evaluation needs no
// rescaling. In eval mode it is the identity.
#pragma once

#include "layers/module.h"

namespace timbre::nn {

class Dropout : public Module {
 public:
  // Requires 0 <= p < 1. The mask comes from `generator` (the default generator when null), so a
  // seed makes it reproducible.
  explicit Dropout(double p = 0.5, Generator* generator = nullptr);
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override { return "p=" + std::to_string(p); }
  double p;

 private:
  Generator* generator_;
};

// The op behind Dropout: the identity when !training or p == 0.
Tensor dropout(const Tensor& x, double p, bool training, Generator* generator = nullptr);

}  // namespace timbre::nn
