// tensor/cuda/index_launch.h - the launches of tensor/cuda/index.cu (C++17). Index values have
// been checked on the host (tensor/cuda/index.cpp) before any of these run.
#pragma once

#include <cstdint>

#include "tensor/cuda/device_tensor.h"

namespace timbre::cuda::launch {

// out[p] = x[p with p[dim] = index[p]]; index and out: the index space (index's shape);
// x_without_dim: x's strides over that space with the stride of `dim` set to 0, x_step: x's
// stride along dim.
void gather(const DeviceTensor& x_without_dim, int64_t x_step, const DeviceTensor& index,
            const DeviceTensor& out);
// out[p with p[dim] = index[p]] += src[p] (atomic adds: two positions may hit one element).
void scatter_add(const DeviceTensor& out_without_dim, int64_t out_step, const DeviceTensor& index,
                 const DeviceTensor& src);
// x: contiguous [outer, source_length, inner], index: [count] -> out: [outer, count, inner].
void index_select(const DeviceTensor& x, int64_t outer, int64_t source_length, int64_t inner,
                  const int64_t* index, int64_t count, const DeviceTensor& out);
// out: [outer, target_length, inner] += src: [outer, count, inner] at rows index[k] (atomic).
void index_add(const DeviceTensor& out, int64_t outer, int64_t target_length, int64_t inner,
               const int64_t* index, int64_t count, const DeviceTensor& src);

}  // namespace timbre::cuda::launch
