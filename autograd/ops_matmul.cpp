// autograd/ops_matmul.cpp - matrix multiplication and its gradient.
//
// For Y = A B with A: [M, K], B: [K, N] and the gradient G = dL/dY: [M, N],
//   dL/dA = G B^T   ([M, N] x [N, K] = [M, K])
//   dL/dB = A^T G   ([K, M] x [M, N] = [K, N])
// The transposes are views (strides swapped), which the GEMM reads without copying.
// (docs/autograd.md derives this.)
#include "autograd/ops.h"
#include "autograd/record.h"
#include "tensor/kernels.h"

namespace timbre {

namespace {

// Both operands have >= 2 dims here; batch dims broadcast.
Tensor matmul_matrices(const Tensor& a, const Tensor& b) {
  Tensor out = kernels::matmul(a, b);
  if (any_requires_grad({a, b})) {
    const bool need_a = a.requires_grad(), need_b = b.requires_grad();
    record("MatmulBackward", out, {a, b},
           [a = a.detach(), b = b.detach(), need_a, need_b](const Tensor& g) {
             return grads(
                 need_a ? sum_to(kernels::matmul(g, transpose(b, -1, -2)), a.sizes()) : Tensor(),
                 need_b ? sum_to(kernels::matmul(transpose(a, -1, -2), g), b.sizes()) : Tensor());
           });
  }
  return out;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  TIMBRE_CHECK(a.dim() >= 1 && b.dim() >= 1,
               "matmul: both operands need at least one dimension, "
               "got shapes ",
               shape_str(a.sizes()), " and ", shape_str(b.sizes()));
  // A vector on the left is a row [1, K]; on the right a column [K, 1]. The added dimension is
  // removed from the result, as in torch.matmul.
  const Tensor left = a.dim() == 1 ? unsqueeze(a, 0) : a;
  const Tensor right = b.dim() == 1 ? unsqueeze(b, 1) : b;
  Tensor out = matmul_matrices(left, right);
  if (b.dim() == 1) out = squeeze(out, -1);
  if (a.dim() == 1) out = squeeze(out, b.dim() == 1 ? -1 : -2);
  return out;
}

}  // namespace timbre
