// tensor/cuda/reduce.cpp - host half of the reductions: splits the input's dimensions into the
// kept and the reduced ones (the same split as tensor/cpu/reduce.cpp).
#include "tensor/cuda/cuda_kernels.h"
#include "tensor/cuda/describe.h"
#include "tensor/cuda/reduce_launch.h"
#include "tensor/factories.h"

namespace timbre::cuda {

namespace {

// x's dimensions d with reduced[d] == want, as a DeviceTensor over x's memory (never contiguous:
// the kernel must always walk its strides).
DeviceTensor select_dims(const Tensor& x, const std::vector<bool>& reduced, bool want,
                         const char* op) {
  DeviceTensor result = describe(x, op);
  result.dims = 0;
  result.numel = 1;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (reduced[d] != want) continue;
    result.sizes[result.dims] = x.sizes()[d];
    result.strides[result.dims] = x.strides()[d];
    result.numel *= x.sizes()[d];
    ++result.dims;
  }
  result.contiguous = false;
  return result;
}

}  // namespace

void reduce(ReduceOp op, const Tensor& x, const std::vector<bool>& reduced, const Tensor& out) {
  launch::reduce(op, select_dims(x, reduced, false, "reduce"),
                 select_dims(x, reduced, true, "reduce"), out.raw_data_ptr());
}

void argmax(const Tensor& x, int64_t dim, const Tensor& out) {
  std::vector<bool> reduced(x.dim(), false);
  reduced[dim] = true;
  launch::argmax(select_dims(x, reduced, false, "argmax"), x.sizes()[dim], x.strides()[dim],
                 out.data_ptr<int64_t>());
}

double sum_of_squares(const Tensor& x) {
  const Tensor partials =
      empty({launch::kSumOfSquaresBlocks}, {.dtype = DType::Float64, .device = x.device()});
  return launch::sum_of_squares(describe(x, "sum_of_squares"), partials.data_ptr<double>());
}

}  // namespace timbre::cuda
