// tensor/cuda/reduce_launch.h - the launches of tensor/cuda/reduce.cu (C++17).
#pragma once

#include <cstdint>

#include "tensor/cuda/device_tensor.h"
#include "tensor/op_codes.h"

namespace timbre::cuda::launch {

// The input of a reduction seen as two nested index spaces over the same memory:
//   kept:    the dimensions that stay (one output element per position), with x's strides;
//   reduced: the dimensions summed away (the elements of one output), with x's strides.
// Element (o, r) is at x.data + kept.offset_of(o) + reduced.offset_of(r).
// out: contiguous, kept.numel elements. Sums accumulate in double (int64 for int64).
void reduce(ReduceOp op, const DeviceTensor& kept, const DeviceTensor& reduced, void* out);

// x seen as kept positions (strides of the other dims) times `length` entries `step` apart:
// out[o] = index of the largest x(o, k) (first on ties, NaN counts as largest). out: int64.
void argmax(const DeviceTensor& kept, int64_t length, int64_t step, int64_t* out);

// Sum of x[i]^2 over a contiguous x, in double. `partials` is scratch device memory for
// kSumOfSquaresBlocks doubles. Returns the sum to the host (waits for the GPU).
constexpr int kSumOfSquaresBlocks = 512;
double sum_of_squares(const DeviceTensor& x, double* partials);

}  // namespace timbre::cuda::launch
