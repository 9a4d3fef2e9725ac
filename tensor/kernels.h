// tensor/kernels.h - THE dispatch point: every computation on tensor data goes through one of
// these functions, which looks at the device and calls the CPU kernel (tensor/cpu/) or the CUDA
// kernel (tensor/cuda/). Kernels themselves never check the device.
//
// These functions know nothing about autograd: they take tensors and return new tensors. The
// differentiable ops in autograd/ are built from them (forward and backward alike).
//
// Common rules, checked here so that every backend can rely on them:
//   * all tensor arguments are on the same device and have the same dtype (unless noted), else a
//     timbre::Error names the op and both dtypes/devices;
//   * elementwise ops broadcast their inputs NumPy-style (tensor/shape.h);
//   * results are new contiguous tensors (never views of the inputs).
#pragma once

#include <limits>
#include <vector>

#include "tensor/tensor.h"

namespace timbre {

// Elementwise functions of one tensor. Those marked (p) use UnaryParams.
enum class UnaryOp {
  Neg,
  Exp,
  Log,
  Sqrt,
  Abs,
  Sign,
  Relu,
  Sigmoid,
  Tanh,
  PowScalar,   // x^p.exponent (p)
  Clamp,       // min(max(x, p.low), p.high) (p)
  InsideMask,  // 1 where p.low <= x <= p.high, else 0 (p): the gradient mask of clamp
  AddScalar,   // x + p.scalar (p)
  MulScalar,   // x * p.scalar (p)
};
struct UnaryParams {
  double exponent = 1.0;
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  double scalar = 0.0;
};

// Elementwise functions of two broadcast tensors.
enum class BinaryOp {
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  Maximum,
  Minimum,
  Equal,
  NotEqual,
  Greater,
  GreaterEqual,
  Less,
  LessEqual,  // 1 where true, 0 where false
  // Fused gradient formulas (a = incoming gradient, b = saved value):
  ReluBackward,     // a * (b > 0),       b = relu's input
  SigmoidBackward,  // a * b * (1 - b),   b = sigmoid's output
  TanhBackward,     // a * (1 - b * b),   b = tanh's output
};

enum class ReduceOp { Sum, Mean, Max, Min };

namespace kernels {

// ---- Copies and conversions -----------------------------------------------------------------
// Copies src into dst elementwise (same shape; src may have another dtype, which is converted).
// dst may be a non-contiguous view: this is how results are written into slices.
void copy(const Tensor& dst, const Tensor& src);
Tensor contiguous(const Tensor& x);  // x itself if contiguous, else a contiguous copy
Tensor clone(const Tensor& x);       // always a new contiguous copy
Tensor to_dtype(const Tensor& x, DType dtype);
Tensor to_device(const Tensor& x, Device device);
void fill(const Tensor& x, double value);  // x may be a view

// ---- Elementwise ----------------------------------------------------------------------------
Tensor unary(UnaryOp op, const Tensor& x, const UnaryParams& params = {});
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b);
// where(condition, a, b): a where condition != 0, else b; all three broadcast together.
// condition may have any dtype.
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);

// ---- Reductions -----------------------------------------------------------------------------
// Reduces over `dims` (all dims when empty); keepdim keeps them with size 1. Max/Min propagate
// NaN. Sums accumulate in double.
Tensor reduce(ReduceOp op, const Tensor& x, const std::vector<int64_t>& dims, bool keepdim);
// Index (int64) of the largest entry along `dim` (the first one on ties; NaN counts as largest).
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim);

// ---- Linear algebra -------------------------------------------------------------------------
// a: [..., M, K], b: [..., K, N] -> [broadcast(...), M, N]. Both must have >= 2 dims; batch dims
// broadcast. Transposed views are read in place (no copy) by the GEMM.
Tensor matmul(const Tensor& a, const Tensor& b);

// ---- Softmax --------------------------------------------------------------------------------
Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);

// ---- Indexing -------------------------------------------------------------------------------
// out[i][j][k] = x[i][index[i][j][k]][k] for dim = 1 (and likewise for other dims).
// index: int64 with the same number of dims as x; out has index's shape.
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
// The adjoint of gather: a zero tensor of `sizes` with src[i][j][k] added at [i][index..][k].
Tensor scatter_add(const Shape& sizes, int64_t dim, const Tensor& index, const Tensor& src);
// Picks entries index[0..n) along dim: out.size(dim) = n. index: 1-d int64.
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
// The adjoint of index_select: zeros of `sizes` with src's slices added at index along dim.
Tensor index_add(const Shape& sizes, int64_t dim, const Tensor& index, const Tensor& src);

}  // namespace kernels
}  // namespace timbre
