// tensor/cuda/elementwise_launch.h - the launches of tensor/cuda/elementwise.cu (C++17).
//
// Every operand is a DeviceTensor already shaped like the output: inputs that broadcast have
// stride 0 along the dimensions they grow in (describe_broadcast), so the kernels only ever
// map "element i of the output" to "element i of each input".
#pragma once

#include "tensor/cuda/device_tensor.h"
#include "tensor/op_codes.h"

namespace timbre::cuda::launch {

// dst[i] = convert(src[i]); dst and src of any element types, dst may be a strided view.
void copy(const DeviceTensor& dst, const DeviceTensor& src);
// x[i] = value; x may be a strided view.
void fill(const DeviceTensor& x, double value);
// out[i] = op(x[i]); x and out floating, of one type; out contiguous.
void unary(UnaryOp op, const DeviceTensor& x, const UnaryParams& params, const DeviceTensor& out);
// out[i] = op(a[i], b[i]); a, b broadcast to out's shape, all of one type; out contiguous.
void binary(BinaryOp op, const DeviceTensor& a, const DeviceTensor& b, const DeviceTensor& out);
// out[i] = condition[i] != 0 ? a[i] : b[i]; all four of one type (the dispatcher converted the
// condition), the inputs broadcast to out's shape.
void where(const DeviceTensor& condition, const DeviceTensor& a, const DeviceTensor& b,
           const DeviceTensor& out);

}  // namespace timbre::cuda::launch
