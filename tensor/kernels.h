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

#include <utility>
#include <vector>

#include "tensor/op_codes.h"
#include "tensor/tensor.h"

namespace timbre {

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

// Fused softmax cross-entropy, per sample (one pass over the logits instead of log_softmax,
// gather, weights and smoothing as separate ops). With p = softmax(logits[n]), t = targets[n],
// w = weight (all 1 when undefined), s = label_smoothing and C classes:
//   losses[n] = (1 - s) * w[t] * (-log p[t]) + (s / C) * sum_c w[c] * (-log p[c])
// Requires: logits [N, C] floating; targets int64 [N] with values in [0, C) (checked by the
//           caller, nn::cross_entropy); weight undefined or [C] of logits' dtype; 0 <= s <= 1.
// Ensures:  returns {losses [N], log_probs [N, C] = log_softmax(logits)}.
std::pair<Tensor, Tensor> cross_entropy_forward(const Tensor& logits, const Tensor& targets,
                                                const Tensor& weight, double label_smoothing);
// The gradient of sum_n grad_losses[n] * losses[n] with respect to the logits:
//   grad_logits[n][j] = grad_losses[n] * ((1 - s) w[t] (p_j - [j == t]) + (s / C)(W p_j - w[j]))
// with W = sum_c w[c]. log_probs: as returned by cross_entropy_forward.
Tensor cross_entropy_backward(const Tensor& grad_losses, const Tensor& log_probs,
                              const Tensor& targets, const Tensor& weight, double label_smoothing);

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

// ---- Random masks ---------------------------------------------------------------------------
// The inverted-dropout mask: a new tensor of `sizes` (options' dtype, floating, and device) with
// element i = 1 / (1 - p) when the i-th uniform draw of the Philox stream `seed` is >= p, else 0
// (tensor/philox.h). Requires 0 <= p < 1. Ensures: the same mask on every device and thread
// count for the same (sizes, p, seed); each element is kept with probability 1 - p.
Tensor dropout_mask(const Shape& sizes, TensorOptions options, double p, uint64_t seed);

}  // namespace kernels
}  // namespace timbre
