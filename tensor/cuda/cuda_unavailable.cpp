// tensor/cuda/cuda_unavailable.cpp - the CUDA entry points of a CPU-only build. Compiled instead of
// the tensor/cuda/ sources when TIMBRE_CUDA is OFF or nvcc was not found: every GPU request gets a
// clear error instead of a link failure. (No tensor can be on a GPU in such a build - allocating
// one fails first - so the kernel entry points below are never reached in practice.)
#include <string>

#include "tensor/cuda/cuda_kernels.h"
#include "tensor/cuda_runtime_info.h"
#include "tensor/error.h"

namespace timbre::cuda {

namespace {
[[noreturn]] void fail(const char* what) {
  throw Error(std::string(what) +
              ": timbre was built without CUDA (configure with -DTIMBRE_CUDA=ON on a machine "
              "with nvcc)");
}
}  // namespace

bool compiled_with_cuda() {
  return false;
}
int device_count() {
  return 0;
}
std::string unavailable_reason() {
  return "timbre was built without CUDA";
}
DeviceProperties device_properties(int) {
  fail("device_properties");
}
std::string runtime_version() {
  return "";
}
std::string cublas_version() {
  return "";
}
MemoryStats memory_stats(int) {
  return {};
}
void empty_cache(int) {}
void reset_peak_memory(int) {}
void* allocate(std::size_t, int) {
  fail("allocating GPU memory");
}
void deallocate(void*, int) {}
void copy_bytes(void*, const void*, std::size_t, CopyKind) {
  fail("copying to or from a GPU");
}

// ---- The kernels of tensor/cuda/cuda_kernels.h ------------------------------------------------
void copy(const Tensor&, const Tensor&) {
  fail("copy");
}
void fill(const Tensor&, double) {
  fail("fill");
}
void unary(UnaryOp, const Tensor&, const UnaryParams&, const Tensor&) {
  fail("unary");
}
void binary(BinaryOp, const Tensor&, const Tensor&, const Tensor&) {
  fail("binary");
}
void where(const Tensor&, const Tensor&, const Tensor&, const Tensor&) {
  fail("where");
}
void dropout_mask(const Tensor&, double, uint64_t) {
  fail("dropout_mask");
}
void reduce(ReduceOp, const Tensor&, const std::vector<bool>&, const Tensor&) {
  fail("reduce");
}
void argmax(const Tensor&, int64_t, const Tensor&) {
  fail("argmax");
}
double sum_of_squares(const Tensor&) {
  fail("sum_of_squares");
}
void softmax(const Tensor&, int64_t, bool, const Tensor&) {
  fail("softmax");
}
void cross_entropy_forward(const Tensor&, const Tensor&, const Tensor&, double, const Tensor&,
                           const Tensor&) {
  fail("cross_entropy_forward");
}
void cross_entropy_backward(const Tensor&, const Tensor&, const Tensor&, const Tensor&, double,
                            const Tensor&) {
  fail("cross_entropy_backward");
}
void gather(const Tensor&, int64_t, const Tensor&, const Tensor&) {
  fail("gather");
}
void scatter_add(const Tensor&, int64_t, const Tensor&, const Tensor&) {
  fail("scatter_add");
}
void index_select(const Tensor&, int64_t, const Tensor&, const Tensor&) {
  fail("index_select");
}
void index_add(const Tensor&, int64_t, const Tensor&, const Tensor&) {
  fail("index_add");
}
void matmul(const Tensor&, const Tensor&, const Tensor&) {
  fail("matmul");
}
void conv2d_forward(const Tensor&, const Tensor&, const Tensor&, const Conv2dParams&,
                    const Tensor&) {
  fail("conv2d_forward");
}
void conv2d_backward_input(const Tensor&, const Tensor&, const Conv2dParams&, const Tensor&) {
  fail("conv2d_backward_input");
}
void conv2d_backward_weight(const Tensor&, const Tensor&, const Conv2dParams&, const Tensor&) {
  fail("conv2d_backward_weight");
}
void max_pool2d_forward(const Tensor&, const Pool2dParams&, const Tensor&, const Tensor&) {
  fail("max_pool2d_forward");
}
void max_pool2d_backward(const Tensor&, const Tensor&, const Tensor&) {
  fail("max_pool2d_backward");
}
void avg_pool2d_forward(const Tensor&, const Pool2dParams&, bool, const Tensor&) {
  fail("avg_pool2d_forward");
}
void avg_pool2d_backward(const Tensor&, const Pool2dParams&, bool, const Tensor&) {
  fail("avg_pool2d_backward");
}
void adaptive_avg_pool2d_forward(const Tensor&, const Tensor&) {
  fail("adaptive_avg_pool2d_forward");
}
void adaptive_avg_pool2d_backward(const Tensor&, const Tensor&) {
  fail("adaptive_avg_pool2d_backward");
}
void lstm_cell_forward(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                       const Tensor&) {
  fail("lstm_cell_forward");
}
void lstm_cell_backward(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                        const Tensor&, const Tensor&) {
  fail("lstm_cell_backward");
}
void sgd_update(const Tensor&, const Tensor&, const Tensor&, const math::SgdHyperparameters&) {
  fail("sgd_update");
}
void adam_update(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                 const math::AdamHyperparameters&) {
  fail("adam_update");
}

}  // namespace timbre::cuda
