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
    const T* a = gate_preactivations + n * 4 * H;  // this sample's [a_i | a_f | a_g | a_o]
    T* gate_row = gates + n * 4 * H;               // this sample's [i | f | g | o]
    for (int64_t j = 0; j < H; ++j) {
      const int64_t unit = n * H + j;
      const math::LstmUnitForward<T> r =
          math::lstm_unit_forward(a[j], a[H + j], a[2 * H + j], a[3 * H + j], cell_previous[unit]);
      gate_row[j] = r.input_gate;
      gate_row[H + j] = r.forget_gate;
      gate_row[2 * H + j] = r.cell_candidate;
      gate_row[3 * H + j] = r.output_gate;
      cell[unit] = r.cell;
      tanh_cell[unit] = r.tanh_cell;
      hidden[unit] = r.hidden;
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
    const T* gate_row = gates + n * 4 * H;               // [i | f | g | o]
    T* grad_row = gate_preactivations_grad + n * 4 * H;  // [da_i | da_f | da_g | da_o]
    for (int64_t j = 0; j < H; ++j) {
      const int64_t unit = n * H + j;
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
