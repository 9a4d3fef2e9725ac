// tensor/kernels_lstm.h - dispatch for the fused LSTM-cell kernels (CPU now, CUDA later).
//
// One LSTM step is two matrix products (kernels::matmul) followed by a lot of small pointwise
// math: three sigmoids, two tanh, a few products and sums per hidden unit. Done with separate
// elementwise ops that is ~12 passes over memory and ~12 autograd nodes per step; these kernels
// do it in one pass forward and one pass backward. The math is in tensor/lstm_cell_math.h.
//
// Unlike kernels.h, these functions WRITE INTO tensors the caller provides: autograd/ops_lstm.cpp
// runs them once per time step and stores every step's results as one row of a [T, N, ...]
// buffer, which it passes here as a view (a row of a contiguous buffer is contiguous).
//
// Common rules, checked here: every tensor is on one device (the CPU for now), of one floating
// dtype, contiguous, and of the shape listed (N = batch, H = hidden size); a timbre::Error names
// the kernel, the argument, the expected and the actual shape otherwise.
#pragma once

#include "tensor/tensor.h"

namespace timbre::kernels {

// The forward of one LSTM step's pointwise part.
// Requires: gate_preactivations [N, 4H] with columns [a_i | a_f | a_g | a_o] (PyTorch's gate
//           order), cell_previous [N, H]; outputs hidden, cell, tanh_cell [N, H], gates [N, 4H].
// Ensures:  gates = [sigmoid(a_i) | sigmoid(a_f) | tanh(a_g) | sigmoid(a_o)] = [i | f | g | o],
//           cell = f * cell_previous + i * g, tanh_cell = tanh(cell), hidden = o * tanh_cell.
void lstm_cell_forward(const Tensor& gate_preactivations, const Tensor& cell_previous,
                       const Tensor& hidden, const Tensor& cell, const Tensor& gates,
                       const Tensor& tanh_cell);

// The backward of lstm_cell_forward (derivation in tensor/lstm_cell_math.h).
// Requires: hidden_grad = dL/dhidden and cell_grad = dL/dcell [N, H] (the latter: the gradient
//           from later uses of the cell state only); gates [N, 4H], tanh_cell [N, H] and
//           cell_previous [N, H] as saved by the forward; outputs gate_preactivations_grad
//           [N, 4H], cell_previous_grad [N, H].
// Ensures:  gate_preactivations_grad = dL/d(gate_preactivations), cell_previous_grad =
//           dL/d(cell_previous). The outputs may not alias the inputs.
void lstm_cell_backward(const Tensor& hidden_grad, const Tensor& cell_grad, const Tensor& gates,
                        const Tensor& tanh_cell, const Tensor& cell_previous,
                        const Tensor& gate_preactivations_grad, const Tensor& cell_previous_grad);

}  // namespace timbre::kernels
