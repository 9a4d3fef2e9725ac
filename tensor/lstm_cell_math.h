// tensor/lstm_cell_math.h - the pointwise math of one LSTM cell, for ONE hidden unit, written
// once for both backends (TIMBRE_HOST_DEVICE: __host__ __device__ under nvcc, plain inline
// functions otherwise), so the CPU tests check the arithmetic a future CUDA kernel will run.
//
// An LSTM step first computes, with matrix products, four "pre-activations" per hidden unit j:
//
//   a_i = (W_ii x + b_ii + W_hi h + b_hi)_j      input gate
//   a_f = (W_if x + b_if + W_hf h + b_hf)_j      forget gate
//   a_g = (W_ig x + b_ig + W_hg h + b_hg)_j      cell candidate
//   a_o = (W_io x + b_io + W_ho h + b_ho)_j      output gate
//
// and then, unit by unit (this file):
//
//   i = sigmoid(a_i)   f = sigmoid(a_f)   g = tanh(a_g)   o = sigmoid(a_o)
//   c' = f * c + i * g                    the new cell state
//   h' = o * tanh(c')                     the new hidden state (the output)
//
// The backward needs i, f, g, o and tanh(c') from the forward (plus the old c), so the forward
// hands them back to be saved.
#pragma once

#include "tensor/elementwise_math.h"

namespace timbre::math {

// tanh(x) = 2 sigmoid(2x) - 1, i.e. one exp. The library tanh (glibc's tanhf goes through
// expm1f) made up a quarter of an LSTM's forward time; this form costs about a third of that. Its
// error is a few units in the last place of 1 (absolute), which is what matters here: g and
// tanh(c') are multiplied by gates in [0, 1] and added to values of order 1.
template <typename T>
TIMBRE_HOST_DEVICE inline T tanh_via_sigmoid(T x) {
  return T(2) * Unary<T>::sigmoid(T(2) * x) - T(1);
}

// Everything the forward of one unit produces: the two new states and the values the backward
// will need.
template <typename T>
struct LstmUnitForward {
  T input_gate;      // i = sigmoid(a_i)
  T forget_gate;     // f = sigmoid(a_f)
  T cell_candidate;  // g = tanh(a_g)
  T output_gate;     // o = sigmoid(a_o)
  T cell;            // c' = f c + i g
  T tanh_cell;       // tanh(c')
  T hidden;          // h' = o tanh(c')
};

// Requires: the four pre-activations of one hidden unit and that unit's previous cell state.
// Ensures:  the gates, the new cell and hidden state, and tanh(c'), as defined above.
template <typename T>
TIMBRE_HOST_DEVICE inline LstmUnitForward<T> lstm_unit_forward(T input_preactivation,
                                                               T forget_preactivation,
                                                               T candidate_preactivation,
                                                               T output_preactivation,
                                                               T cell_previous) {
  LstmUnitForward<T> result;
  result.input_gate = Unary<T>::sigmoid(input_preactivation);
  result.forget_gate = Unary<T>::sigmoid(forget_preactivation);
  result.cell_candidate = tanh_via_sigmoid(candidate_preactivation);
  result.output_gate = Unary<T>::sigmoid(output_preactivation);
  result.cell = result.forget_gate * cell_previous + result.input_gate * result.cell_candidate;
  result.tanh_cell = tanh_via_sigmoid(result.cell);
  result.hidden = result.output_gate * result.tanh_cell;
  return result;
}

// The gradients one unit's backward produces.
template <typename T>
struct LstmUnitBackward {
  T input_preactivation_grad;      // dL/da_i
  T forget_preactivation_grad;     // dL/da_f
  T candidate_preactivation_grad;  // dL/da_g
  T output_preactivation_grad;     // dL/da_o
  T cell_previous_grad;            // dL/dc (the previous cell state)
};

// The chain rule through one unit, given dL/dh' and dL/dc' (the gradient reaching the new cell
// state from LATER uses: the next time step, or c_n):
//
//   dL/do   = dL/dh' * tanh(c')                       (h' = o tanh(c'))
//   dL/dc'  += dL/dh' * o * (1 - tanh(c')^2)          (h' also depends on c', through tanh)
//   dL/di   = dL/dc' * g,   dL/dg = dL/dc' * i,   dL/df = dL/dc' * c      (c' = f c + i g)
//   dL/dc   = dL/dc' * f                              (what flows back to the previous step)
//
// and through the activations (sigmoid' = s (1 - s), tanh' = 1 - t^2):
//
//   dL/da_i = dL/di * i (1 - i)    dL/da_f = dL/df * f (1 - f)
//   dL/da_g = dL/dg * (1 - g^2)    dL/da_o = dL/do * o (1 - o)
//
// Requires: hidden_grad = dL/dh', cell_grad = dL/dc' from later uses; the saved forward values
//           i, f, g, o, tanh(c') and the previous cell state c.
// Ensures:  the four pre-activation gradients and dL/dc.
template <typename T>
TIMBRE_HOST_DEVICE inline LstmUnitBackward<T> lstm_unit_backward(T hidden_grad, T cell_grad,
                                                                 T input_gate, T forget_gate,
                                                                 T cell_candidate, T output_gate,
                                                                 T tanh_cell, T cell_previous) {
  const T output_gate_grad = hidden_grad * tanh_cell;
  const T total_cell_grad = cell_grad + hidden_grad * output_gate * (T(1) - tanh_cell * tanh_cell);
  const T input_gate_grad = total_cell_grad * cell_candidate;
  const T candidate_grad = total_cell_grad * input_gate;
  const T forget_gate_grad = total_cell_grad * cell_previous;

  LstmUnitBackward<T> result;
  result.input_preactivation_grad = input_gate_grad * input_gate * (T(1) - input_gate);
  result.forget_preactivation_grad = forget_gate_grad * forget_gate * (T(1) - forget_gate);
  result.candidate_preactivation_grad = candidate_grad * (T(1) - cell_candidate * cell_candidate);
  result.output_preactivation_grad = output_gate_grad * output_gate * (T(1) - output_gate);
  result.cell_previous_grad = total_cell_grad * forget_gate;
  return result;
}

// ---- One unit of a batch in memory (what the CPU loop and the CUDA thread of unit (n, j) run) ---
// Layout, N = batch, H = hidden size: gate_preactivations and gates are [N, 4H] with columns in
// PyTorch's gate order [i | f | g | o]; every other array is [N, H].

// Reads unit (n, j)'s four pre-activations and previous cell, writes its gates, cell, tanh(cell)
// and hidden state.
template <typename T>
TIMBRE_HOST_DEVICE inline void lstm_cell_forward_unit(int64_t n, int64_t j, int64_t H,
                                                      const T* gate_preactivations,
                                                      const T* cell_previous, T* hidden, T* cell,
                                                      T* gates, T* tanh_cell) {
  const T* a = gate_preactivations + n * 4 * H;  // this sample's [a_i | a_f | a_g | a_o]
  T* gate_row = gates + n * 4 * H;               // this sample's [i | f | g | o]
  const int64_t unit = n * H + j;
  const LstmUnitForward<T> r =
      lstm_unit_forward(a[j], a[H + j], a[2 * H + j], a[3 * H + j], cell_previous[unit]);
  gate_row[j] = r.input_gate;
  gate_row[H + j] = r.forget_gate;
  gate_row[2 * H + j] = r.cell_candidate;
  gate_row[3 * H + j] = r.output_gate;
  cell[unit] = r.cell;
  tanh_cell[unit] = r.tanh_cell;
  hidden[unit] = r.hidden;
}

// Reads unit (n, j)'s incoming gradients and saved forward values, writes its four pre-activation
// gradients and the gradient of its previous cell state.
template <typename T>
TIMBRE_HOST_DEVICE inline void lstm_cell_backward_unit(int64_t n, int64_t j, int64_t H,
                                                       const T* hidden_grad, const T* cell_grad,
                                                       const T* gates, const T* tanh_cell,
                                                       const T* cell_previous,
                                                       T* gate_preactivations_grad,
                                                       T* cell_previous_grad) {
  const T* gate_row = gates + n * 4 * H;               // [i | f | g | o]
  T* grad_row = gate_preactivations_grad + n * 4 * H;  // [da_i | da_f | da_g | da_o]
  const int64_t unit = n * H + j;
  const LstmUnitBackward<T> r = lstm_unit_backward(
      hidden_grad[unit], cell_grad[unit], gate_row[j], gate_row[H + j], gate_row[2 * H + j],
      gate_row[3 * H + j], tanh_cell[unit], cell_previous[unit]);
  grad_row[j] = r.input_preactivation_grad;
  grad_row[H + j] = r.forget_preactivation_grad;
  grad_row[2 * H + j] = r.candidate_preactivation_grad;
  grad_row[3 * H + j] = r.output_preactivation_grad;
  cell_previous_grad[unit] = r.cell_previous_grad;
}

}  // namespace timbre::math
