// tensor/cuda/lstm_cell.cu - the pointwise part of one LSTM step on the GPU.
//
// One thread per hidden unit of one sample, (n, j): it runs math::lstm_cell_forward_unit /
// lstm_cell_backward_unit of tensor/lstm_cell_math.h - the very functions the CPU loop runs.
#include "tensor/cuda/cuda_check.h"
#include "tensor/cuda/dispatch_type.cuh"
#include "tensor/cuda/lstm_cell_launch.h"
#include "tensor/lstm_cell_math.h"

namespace timbre::cuda {

namespace {

// gate_preactivations a [N, 4H], cell_previous [N, H]
//   -> hidden [N, H], cell [N, H], gates [N, 4H], tanh_cell [N, H]
template <typename T>
__global__ void lstm_cell_forward_kernel(int64_t N, int64_t H, const T* a, const T* cell_previous,
                                         T* hidden, T* cell, T* gates, T* tanh_cell) {
  for (int64_t unit = first_index(); unit < N * H; unit += grid_step()) {
    math::lstm_cell_forward_unit(unit / H, unit % H, H, a, cell_previous, hidden, cell, gates,
                                 tanh_cell);
  }
}

// hidden_grad [N, H], cell_grad [N, H], gates [N, 4H], tanh_cell [N, H], cell_previous [N, H]
//   -> gate_preactivations_grad [N, 4H], cell_previous_grad [N, H]
template <typename T>
__global__ void lstm_cell_backward_kernel(int64_t N, int64_t H, const T* hidden_grad,
                                          const T* cell_grad, const T* gates, const T* tanh_cell,
                                          const T* cell_previous, T* gate_preactivations_grad,
                                          T* cell_previous_grad) {
  for (int64_t unit = first_index(); unit < N * H; unit += grid_step()) {
    math::lstm_cell_backward_unit(unit / H, unit % H, H, hidden_grad, cell_grad, gates, tanh_cell,
                                  cell_previous, gate_preactivations_grad, cell_previous_grad);
  }
}

}  // namespace

namespace launch {

void lstm_cell_forward(ElementType type, int device, int64_t N, int64_t H,
                       const void* gate_preactivations, const void* cell_previous, void* hidden,
                       void* cell, void* gates, void* tanh_cell) {
  if (N * H == 0) return;
  cudaStream_t stream = stream_for(device);
  dispatch_floating_type(type, "lstm_cell_forward", [&](auto zero) {
    using T = decltype(zero);
    lstm_cell_forward_kernel<T><<<blocks_for(N * H), kThreadsPerBlock, 0, stream>>>(
        N, H, static_cast<const T*>(gate_preactivations), static_cast<const T*>(cell_previous),
        static_cast<T*>(hidden), static_cast<T*>(cell), static_cast<T*>(gates),
        static_cast<T*>(tanh_cell));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("lstm_cell_forward");
}

void lstm_cell_backward(ElementType type, int device, int64_t N, int64_t H, const void* hidden_grad,
                        const void* cell_grad, const void* gates, const void* tanh_cell,
                        const void* cell_previous, void* gate_preactivations_grad,
                        void* cell_previous_grad) {
  if (N * H == 0) return;
  cudaStream_t stream = stream_for(device);
  dispatch_floating_type(type, "lstm_cell_backward", [&](auto zero) {
    using T = decltype(zero);
    lstm_cell_backward_kernel<T><<<blocks_for(N * H), kThreadsPerBlock, 0, stream>>>(
        N, H, static_cast<const T*>(hidden_grad), static_cast<const T*>(cell_grad),
        static_cast<const T*>(gates), static_cast<const T*>(tanh_cell),
        static_cast<const T*>(cell_previous), static_cast<T*>(gate_preactivations_grad),
        static_cast<T*>(cell_previous_grad));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("lstm_cell_backward");
}

}  // namespace launch
}  // namespace timbre::cuda
