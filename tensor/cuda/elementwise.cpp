// tensor/cuda/elementwise.cpp - host half of the elementwise ops: Tensors -> DeviceTensors.
#include "tensor/cuda/cuda_kernels.h"
#include "tensor/cuda/describe.h"
#include "tensor/cuda/elementwise_launch.h"

namespace timbre::cuda {

void copy(const Tensor& dst, const Tensor& src) {
  launch::copy(describe(dst, "copy"), describe_broadcast(src, dst.sizes(), "copy"));
}

void fill(const Tensor& x, double value) {
  launch::fill(describe(x, "fill"), value);
}

void unary(UnaryOp op, const Tensor& x, const UnaryParams& params, const Tensor& out) {
  launch::unary(op, describe(x, "unary op"), params, describe(out, "unary op"));
}

void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  launch::binary(op, describe_broadcast(a, out.sizes(), "binary op"),
                 describe_broadcast(b, out.sizes(), "binary op"), describe(out, "binary op"));
}

void where(const Tensor& condition, const Tensor& a, const Tensor& b, const Tensor& out) {
  launch::where(describe_broadcast(condition, out.sizes(), "where"),
                describe_broadcast(a, out.sizes(), "where"),
                describe_broadcast(b, out.sizes(), "where"), describe(out, "where"));
}

}  // namespace timbre::cuda
