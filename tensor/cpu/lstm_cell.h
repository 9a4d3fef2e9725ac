// tensor/cpu/lstm_cell.h - the CPU kernels behind tensor/kernels_lstm.h: the pointwise part of
// one LSTM step (forward and backward) over a whole batch.
//
// Arguments have already been checked by tensor/kernels_lstm.cpp: every tensor is contiguous,
// on the CPU, of one floating dtype, with the shapes given below (N = batch, H = hidden size).
#pragma once

#include "tensor/tensor.h"

namespace timbre::cpu {

// gate_preactivations [N, 4H] (columns [a_i | a_f | a_g | a_o]), cell_previous [N, H]
//   -> hidden [N, H], cell [N, H], gates [N, 4H] (columns [i | f | g | o]), tanh_cell [N, H]
void lstm_cell_forward(const Tensor& gate_preactivations, const Tensor& cell_previous,
                       const Tensor& hidden, const Tensor& cell, const Tensor& gates,
                       const Tensor& tanh_cell);

// hidden_grad [N, H], cell_grad [N, H], gates [N, 4H], tanh_cell [N, H], cell_previous [N, H]
//   -> gate_preactivations_grad [N, 4H], cell_previous_grad [N, H]
void lstm_cell_backward(const Tensor& hidden_grad, const Tensor& cell_grad, const Tensor& gates,
                        const Tensor& tanh_cell, const Tensor& cell_previous,
                        const Tensor& gate_preactivations_grad, const Tensor& cell_previous_grad);

}  // namespace timbre::cpu
