// autograd/ops.h - the differentiable operations: what users (and layers) call.
//
// Each op computes its result with the kernels of tensor/kernels.h and, when an input requires a
// gradient, records a Node whose backward formula sits right beside the forward code (see
// record.h). Implementations, one file per family:
//   ops_elementwise.cpp  add sub mul div neg pow exp log sqrt abs clamp relu sigmoid tanh
//                        maximum minimum, comparisons, where, masked_fill
//   ops_reduce.cpp       sum mean max min argmax, sum_to
//   ops_matmul.cpp       matmul
//   ops_softmax.cpp      softmax log_softmax
//   ops_shape.cpp        reshape view permute transpose narrow slice squeeze unsqueeze expand
//                        contiguous clone to concat stack
//   ops_index.cpp        gather index_select
// Elementwise binary ops broadcast (NumPy rules). Inputs must share dtype and device; the error
// otherwise names the op, both shapes and both dtypes.
#pragma once

#include <vector>

#include "tensor/factories.h"
#include "tensor/tensor.h"

namespace timbre {

// ---- Elementwise arithmetic ---------------------------------------------------------------
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor neg(const Tensor& x);
Tensor pow(const Tensor& x, double exponent);
Tensor pow(const Tensor& x,
           const Tensor& exponent);  // requires x > 0 where exponent's grad matters
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor abs(const Tensor& x);  // gradient sign(x); 0 at x = 0
// min(max(x, low), high); the gradient passes where low <= x <= high.
Tensor clamp(const Tensor& x, double low, double high);
Tensor clamp_min(const Tensor& x, double low);
Tensor clamp_max(const Tensor& x, double high);
Tensor relu(const Tensor& x);     // gradient 1 where x > 0, else 0
Tensor sigmoid(const Tensor& x);  // 1 / (1 + exp(-x)), stable for large |x|
Tensor tanh(const Tensor& x);
// Elementwise larger / smaller of a and b; on a tie each side gets half the gradient.
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);

// ---- Comparisons: 1 where true, 0 where false, in the inputs' dtype. Not differentiable. ----
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);

// ---- Selection ------------------------------------------------------------------------------
// a where condition != 0, else b (condition of any dtype; all three broadcast).
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);
// x with `value` wherever mask != 0 (mask broadcasts to x's shape).
Tensor masked_fill(const Tensor& x, const Tensor& mask, double value);

// ---- Reductions (dims may be negative; an empty dims list means all dims) ------------------
Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
// Largest value. The gradient is shared equally among tied maxima (PyTorch sends the whole
// gradient of max(x, dim) to one of them; the two agree whenever the maximum is unique).
Tensor max(const Tensor& x);
Tensor max(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor min(const Tensor& x);
Tensor min(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim = false);  // int64, not differentiable
// Sums x down to `sizes` over the dimensions that broadcasting expanded: the adjoint of
// broadcasting, used by every binary op's backward. Requires x's shape to be a broadcast of sizes.
Tensor sum_to(const Tensor& x, const Shape& sizes);

// ---- Linear algebra -------------------------------------------------------------------------
// torch.matmul semantics: 1-d x 1-d is a dot product; a 1-d operand is treated as a row (left)
// or column (right) vector and that dimension is removed afterwards; >= 2-d operands are stacks
// of matrices whose batch dimensions broadcast.
Tensor matmul(const Tensor& a, const Tensor& b);

// ---- Softmax (numerically stable: the row maximum is subtracted first) ---------------------
Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);
// Per-sample softmax cross-entropy losses [N] of logits [N, C] (the fused kernel of
// kernels::cross_entropy_forward). Differentiable in the logits; targets and the class weights
// are constants. nn::cross_entropy (layers/loss.h) checks the targets and reduces.
Tensor softmax_cross_entropy(const Tensor& logits, const Tensor& targets, const Tensor& weight,
                             double label_smoothing);

// ---- Shapes and views ------------------------------------------------------------------------
Tensor reshape(const Tensor& x, const Shape& sizes);
Tensor view(const Tensor& x, const Shape& sizes);
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
Tensor permute(const Tensor& x, const std::vector<int64_t>& dims);
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
// Entries start, start+step, ... before end along dim (end is clamped to the size).
Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step = 1);
Tensor select(const Tensor& x, int64_t dim, int64_t index);
Tensor squeeze(const Tensor& x);               // drops every size-1 dim
Tensor squeeze(const Tensor& x, int64_t dim);  // drops dim if its size is 1
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor expand(const Tensor& x, const Shape& sizes);
Tensor contiguous(const Tensor& x);
Tensor clone(const Tensor& x);
Tensor to(const Tensor& x, DType dtype);
Tensor to(const Tensor& x, Device device);
// Joins tensors along an existing dim (concat) or a new one (stack). All other sizes must agree.
Tensor concat(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);

// ---- Indexing --------------------------------------------------------------------------------
// out[i][j] = x[i][index[i][j]] for dim = 1: picks e.g. each sample's log-probability of its
// label. index: int64, same number of dims as x.
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
// The entries index[0..n) of x along dim (e.g. the rows of a mini-batch). index: 1-d int64.
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);

// ---- Operators -------------------------------------------------------------------------------
// A double operand becomes a 0-d tensor of the other operand's dtype and device.
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& x);
Tensor operator+(const Tensor& a, double b);
Tensor operator-(const Tensor& a, double b);
Tensor operator*(const Tensor& a, double b);
Tensor operator/(const Tensor& a, double b);
Tensor operator+(double a, const Tensor& b);
Tensor operator-(double a, const Tensor& b);
Tensor operator*(double a, const Tensor& b);
Tensor operator/(double a, const Tensor& b);

}  // namespace timbre
