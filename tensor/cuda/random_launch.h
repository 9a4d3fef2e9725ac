// tensor/cuda/random_launch.h - the launch of tensor/cuda/random.cu (C++17).
#pragma once

#include <cstdint>

#include "tensor/cuda/device_tensor.h"

namespace timbre::cuda::launch {

// out: contiguous float or double -> out[i] = dropout_mask_value(seed, i, p) (tensor/philox.h).
void dropout_mask(const DeviceTensor& out, double p, uint64_t seed);

}  // namespace timbre::cuda::launch
