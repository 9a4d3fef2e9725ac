// tensor/cuda/optimizer_update.cu - SGD and Adam/AdamW as one fused kernel per parameter.
//
// One thread per element: it reads the parameter, its gradient and its optimizer state once,
// runs the element rule of tensor/optimizer_math.h (the same function as the CPU loop) and writes
// them back - 4 reads and 3 writes per element for Adam, instead of a dozen passes of separate
// elementwise ops.
#include "tensor/cuda/cuda_check.h"
#include "tensor/cuda/dispatch_type.cuh"
#include "tensor/cuda/optimizer_update_launch.h"

namespace timbre::cuda {

namespace {

template <typename T>
__global__ void sgd_update_kernel(int64_t n, T* param, const T* grad, T* momentum_buffer,
                                  math::SgdConstants<T> constants) {
  for (int64_t i = first_index(); i < n; i += grid_step()) {
    T unused_buffer = T(0);  // without momentum there is no buffer
    T& buffer = momentum_buffer != nullptr ? momentum_buffer[i] : unused_buffer;
    math::sgd_update_element(param[i], grad[i], buffer, constants);
  }
}

template <typename T>
__global__ void adam_update_kernel(int64_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq,
                                   math::AdamConstants<T> constants) {
  for (int64_t i = first_index(); i < n; i += grid_step()) {
    math::adam_update_element(param[i], grad[i], exp_avg[i], exp_avg_sq[i], constants);
  }
}

template <typename T>
void launch_sgd(int device, int64_t n, T* param, const T* grad, T* momentum_buffer,
                const math::SgdConstants<T>& constants) {
  if (n == 0) return;
  sgd_update_kernel<T><<<blocks_for(n), kThreadsPerBlock, 0, stream_for(device)>>>(
      n, param, grad, momentum_buffer, constants);
  TIMBRE_CUDA_CHECK_LAUNCH("sgd_update");
}

template <typename T>
void launch_adam(int device, int64_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq,
                 const math::AdamConstants<T>& constants) {
  if (n == 0) return;
  adam_update_kernel<T><<<blocks_for(n), kThreadsPerBlock, 0, stream_for(device)>>>(
      n, param, grad, exp_avg, exp_avg_sq, constants);
  TIMBRE_CUDA_CHECK_LAUNCH("adam_update");
}

}  // namespace

namespace launch {

void sgd_update(int device, int64_t n, float* param, const float* grad, float* momentum_buffer,
                const math::SgdConstants<float>& constants) {
  launch_sgd(device, n, param, grad, momentum_buffer, constants);
}
void sgd_update(int device, int64_t n, double* param, const double* grad, double* momentum_buffer,
                const math::SgdConstants<double>& constants) {
  launch_sgd(device, n, param, grad, momentum_buffer, constants);
}
void adam_update(int device, int64_t n, float* param, const float* grad, float* exp_avg,
                 float* exp_avg_sq, const math::AdamConstants<float>& constants) {
  launch_adam(device, n, param, grad, exp_avg, exp_avg_sq, constants);
}
void adam_update(int device, int64_t n, double* param, const double* grad, double* exp_avg,
                 double* exp_avg_sq, const math::AdamConstants<double>& constants) {
  launch_adam(device, n, param, grad, exp_avg, exp_avg_sq, constants);
}

}  // namespace launch
}  // namespace timbre::cuda
