// autograd/ops_lstm.h - the differentiable building blocks of timbre::nn::LSTM and LSTMCell.
//
// Both are "fused" ops: one autograd node does the work of many small ops, with a hand-written
// backward (the math is in tensor/lstm_cell_math.h, derived in docs/layers.md).
//
//   lstm_cell        one time step's pointwise part; one node per step (LSTMCell uses it).
//   lstm_recurrence  the whole recurrence of one layer over T steps; ONE node per layer, whose
//                    backward is an explicit loop backwards through time (LSTM uses it).
//
// Several results, one output: a Node has exactly one output tensor, so each op returns its
// results stacked along a new first dimension, and callers take them apart with select/narrow,
// which are differentiable views. E.g. lstm_cell returns [2, N, H]:
//
//   Tensor both = lstm_cell(gates, c);
//   Tensor h = both.select(0, 0), c_next = both.select(0, 1);
//
// Backward then receives one gradient of the stacked shape: select's backward puts dL/dh into
// row 0 and dL/dc into row 1 (zeros where a result was not used), and the engine adds the two.
#pragma once

#include "tensor/tensor.h"

namespace timbre {

// One LSTM step after the matrix products.
// Requires: gate_preactivations [N, 4H] = x W_ih^T + b_ih + h W_hh^T + b_hh with columns
//           [a_i | a_f | a_g | a_o] (PyTorch's gate order), cell_previous [N, H]; one floating
//           dtype, one device.
// Ensures:  returns [2, N, H]: row 0 = h' = o * tanh(c'), row 1 = c' = f * c + i * g, where
//           i, f, o = sigmoid(a_i, a_f, a_o) and g = tanh(a_g). Differentiable in both inputs.
Tensor lstm_cell(const Tensor& gate_preactivations, const Tensor& cell_previous);

// The recurrence of one LSTM layer over a whole sequence:
//   for t = 0 .. T-1:  (h_{t+1}, c_{t+1}) = cell(input_gates[t] + h_t W_hh^T, c_t)
// Requires: input_gates [T, N, 4H] = the input's share of the pre-activations for every step,
//           x_t W_ih^T + b_ih + b_hh (computed by the caller with ONE big matmul, since it does
//           not depend on h); weight_hh [4H, H]; hidden_initial and cell_initial [N, H] (h_0,
//           c_0); T >= 1; one floating dtype, one device.
// Ensures:  returns [T + 1, N, H]: rows 0 .. T-1 = h_1 .. h_T (the layer's output sequence),
//           row T = c_T (the final cell state; the final hidden state is row T-1).
//           Differentiable in all four inputs: backward runs backpropagation through time.
Tensor lstm_recurrence(const Tensor& input_gates, const Tensor& weight_hh,
                       const Tensor& hidden_initial, const Tensor& cell_initial);

}  // namespace timbre
