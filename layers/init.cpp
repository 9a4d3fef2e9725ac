#include "layers/init.h"

#include <cmath>

namespace timbre::nn::init {

Tensor fan_in_uniform(const Shape& sizes, int64_t fan_in, Generator* generator) {
  TIMBRE_CHECK(fan_in > 0, "init: fan_in must be positive, got ", fan_in);
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  return uniform(sizes, -bound, bound, {}, generator);
}

}  // namespace timbre::nn::init
