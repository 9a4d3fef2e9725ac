// tensor/cpu/lstm_cell.cpp - the pointwise part of one LSTM step on the CPU.
//
// The math of one hidden unit lives in tensor/lstm_cell_math.h (shared with the future CUDA
// kernel); these loops only walk the batch. Memory layout, row n of the batch (H = hidden size):
//
//   gate_preactivations[n] = [ a_i (H values) | a_f (H) | a_g (H) | a_o (H) ]
//
// which is PyTorch's gate order i, f, g, o: the rows of weight_ih / weight_hh are stacked the
// same way, so the matrix product x W_ih^T lands each gate in its own block of columns.
#include "tensor/cpu/lstm_cell.h"

#include "tensor/lstm_cell_math.h"

namespace timbre::cpu {

namespace {

// gate_preactivations [N, 4H], cell_previous [N, H]
//   -> hidden [N, H], cell [N, H], gates [N, 4H], tanh_cell [N, H]
template <typename T>
void lstm_cell_forward_kernel(const T* gate_preactivations, const T* cell_previous, T* hidden,
                              T* cell, T* gates, T* tanh_cell, int64_t batch, int64_t hidden_size) {
  const int64_t H = hidden_size;
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t j = 0; j < H; ++j) {
      math::lstm_cell_forward_unit(n, j, H, gate_preactivations, cell_previous, hidden, cell, gates,
                                   tanh_cell);
    }
  }
}

// hidden_grad [N, H], cell_grad [N, H], gates [N, 4H], tanh_cell [N, H], cell_previous [N, H]
//   -> gate_preactivations_grad [N, 4H], cell_previous_grad [N, H]
template <typename T>
void lstm_cell_backward_kernel(const T* hidden_grad, const T* cell_grad, const T* gates,
                               const T* tanh_cell, const T* cell_previous,
                               T* gate_preactivations_grad, T* cell_previous_grad, int64_t batch,
                               int64_t hidden_size) {
  const int64_t H = hidden_size;
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t j = 0; j < H; ++j) {
      math::lstm_cell_backward_unit(n, j, H, hidden_grad, cell_grad, gates, tanh_cell,
                                    cell_previous, gate_preactivations_grad, cell_previous_grad);
    }
  }
}

}  // namespace

void lstm_cell_forward(const Tensor& gate_preactivations, const Tensor& cell_previous,
                       const Tensor& hidden, const Tensor& cell, const Tensor& gates,
                       const Tensor& tanh_cell) {
  const int64_t batch = cell_previous.size(0), hidden_size = cell_previous.size(1);
  dispatch_floating(cell_previous.dtype(), "lstm_cell_forward", [&]<typename T>() {
    lstm_cell_forward_kernel<T>(gate_preactivations.data_ptr<T>(), cell_previous.data_ptr<T>(),
                                hidden.data_ptr<T>(), cell.data_ptr<T>(), gates.data_ptr<T>(),
                                tanh_cell.data_ptr<T>(), batch, hidden_size);
  });
}

void lstm_cell_backward(const Tensor& hidden_grad, const Tensor& cell_grad, const Tensor& gates,
                        const Tensor& tanh_cell, const Tensor& cell_previous,
                        const Tensor& gate_preactivations_grad, const Tensor& cell_previous_grad) {
  const int64_t batch = cell_previous.size(0), hidden_size = cell_previous.size(1);
  dispatch_floating(cell_previous.dtype(), "lstm_cell_backward", [&]<typename T>() {
    lstm_cell_backward_kernel<T>(hidden_grad.data_ptr<T>(), cell_grad.data_ptr<T>(),
                                 gates.data_ptr<T>(), tanh_cell.data_ptr<T>(),
                                 cell_previous.data_ptr<T>(),
                                 gate_preactivations_grad.data_ptr<T>(),
                                 cell_previous_grad.data_ptr<T>(), batch, hidden_size);
  });
}

}  // namespace timbre::cpu
