// layers/init.h - PyTorch's default parameter initialisation, so a timbre model starts from the
// same distribution as the equivalent PyTorch model.
#pragma once

#include "timbre.h"

namespace timbre::nn::init {

// U(-bound, bound) with bound = 1/sqrt(fan_in). This is what PyTorch's default for Linear and
// Conv2d weights, kaiming_uniform_(a = sqrt(5)), works out to:
//   gain = sqrt(2 / (1 + a^2)) = sqrt(1/3),  bound = gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in);
// the biases use the same bound. Requires fan_in > 0.
Tensor fan_in_uniform(const Shape& sizes, int64_t fan_in, Generator* generator = nullptr);

}  // namespace timbre::nn::init
