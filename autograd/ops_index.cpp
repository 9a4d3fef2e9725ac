// autograd/ops_index.cpp - gather and index_select; their gradients scatter back.
//
// gather reads x[i][index[i][j]]; an entry of x may be read several times (or never), so its
// gradient is the sum of the output gradients of the places that read it: scatter_add.
#include "autograd/ops.h"
#include "autograd/record.h"
#include "tensor/kernels.h"

namespace timbre {

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  Tensor out = kernels::gather(x, dim, index);
  if (any_requires_grad({x})) {
    record("GatherBackward", out, {x, index},
           [sizes = x.sizes(), dim, index = index.detach()](const Tensor& g) {
             return grads(kernels::scatter_add(sizes, dim, index, g), Tensor());
           });
  }
  return out;
}

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  Tensor out = kernels::index_select(x, dim, index);
  if (any_requires_grad({x})) {
    record("IndexSelectBackward", out, {x, index},
           [sizes = x.sizes(), dim, index = index.detach()](const Tensor& g) {
             return grads(kernels::index_add(sizes, dim, index, g), Tensor());
           });
  }
  return out;
}

}  // namespace timbre
