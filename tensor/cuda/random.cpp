// tensor/cuda/random.cpp - host half of the dropout mask.
#include "tensor/cuda/cuda_kernels.h"
#include "tensor/cuda/describe.h"
#include "tensor/cuda/random_launch.h"

namespace timbre::cuda {

void dropout_mask(const Tensor& out, double p, uint64_t seed) {
  launch::dropout_mask(describe(out, "dropout_mask"), p, seed);
}

}  // namespace timbre::cuda
