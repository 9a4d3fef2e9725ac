// tensor/cuda/lstm_cell.cu - the pointwise part of one LSTM step on the GPU.
//
// One thread per hidden unit of one sample, (n, j): it reads that unit's four gate
// pre-activations (columns j, H + j, 2H + j, 3H + j of row n) and runs math::lstm_unit_forward /
// lstm_unit_backward of tensor/lstm_cell_math.h - the very functions the CPU loop runs.
#include "tensor/cuda/cuda_check.h"
#include "tensor/cuda/dispatch_type.cuh"
#include "tensor/cuda/lstm_cell_launch.h"
#include "tensor/lstm_cell_math.h"

namespace timbre::cuda {

namespace {

template <typename T>
__global__ void lstm_cell_forward_kernel(int64_t N, int64_t H, const T* a, const T* cell_previous,
                                         T* hidden, T* cell, T* gates, T* tanh_cell) {
  for (int64_t unit = first_index(); unit < N * H; unit += grid_step()) {
    const int64_t n = unit / H, j = unit % H;
    const T* row = a + n * 4 * H;  // [a_i | a_f | a_g | a_o] of sample n
    T* gate_row = gates + n * 4 * H;
    const math::LstmUnitForward<T> r = math::lstm_unit_forward(row[j], row[H + j], row[2 * H + j],
                                                               row[3 * H + j], cell_previous[unit]);
    gate_row[j] = r.input_gate;
    gate_row[H + j] = r.forget_gate;
    gate_row[2 * H + j] = r.cell_candidate;
    gate_row[3 * H + j] = r.output_gate;
    cell[unit] = r.cell;
    tanh_cell[unit] = r.tanh_cell;
    hidden[unit] = r.hidden;
  }
}

template <typename T>
__global__ void lstm_cell_backward_kernel(int64_t N, int64_t H, const T* hidden_grad,
                                          const T* cell_grad, const T* gates, const T* tanh_cell,
                                          const T* cell_previous, T* gate_preactivations_grad,
                                          T* cell_previous_grad) {
  for (int64_t unit = first_index(); unit < N * H; unit += grid_step()) {
    const int64_t n = unit / H, j = unit % H;
    const T* gate_row = gates + n * 4 * H;               // [i | f | g | o]
    T* grad_row = gate_preactivations_grad + n * 4 * H;  // [da_i | da_f | da_g | da_o]
    const math::LstmUnitBackward<T> r = math::lstm_unit_backward(
        hidden_grad[unit], cell_grad[unit], gate_row[j], gate_row[H + j], gate_row[2 * H + j],
        gate_row[3 * H + j], tanh_cell[unit], cell_previous[unit]);
    grad_row[j] = r.input_preactivation_grad;
    grad_row[H + j] = r.forget_preactivation_grad;
    grad_row[2 * H + j] = r.candidate_preactivation_grad;
    grad_row[3 * H + j] = r.output_preactivation_grad;
    cell_previous_grad[unit] = r.cell_previous_grad;
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
