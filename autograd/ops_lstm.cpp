// autograd/ops_lstm.cpp - the fused LSTM ops: one step (lstm_cell) and one layer's whole
// recurrence (lstm_recurrence), each with its hand-written backward.
//
// Why a whole-layer op? Built from small ops, one step of one layer records ~12 nodes (a matmul,
// adds, four narrows, three sigmoids, two tanh, products...), and taking step t out of a [T, ...]
// tensor with select() has a backward that writes a full-size [T, ...] gradient of zeros: over T
// steps that is O(T^2) work. lstm_recurrence records one node per layer, keeps every step's saved
// values in contiguous [T, N, ...] buffers, and its backward is the explicit loop of
// backpropagation through time - the same algorithm autograd would run, written out:
//
//   dh = 0, dc = dL/dc_T
//   for t = T-1 down to 0:
//     dh += dL/dh_{t+1}                         (the output's own gradient at this step)
//     (dA_t, dc) = cell_backward(dh, dc, saved values of step t)
//     dh = dA_t W_hh                            (the gradient flowing into h_t)
//   dW_hh = sum_t dA_t^T h_t                    (one big matmul after the loop)
//   dL/d(input_gates) = dA,  dL/dh_0 = dh,  dL/dc_0 = dc
//
// Inside these ops we call the kernels (tensor/kernels.h, tensor/kernels_lstm.h) directly: the
// ops record their own node, so nothing inside should be recorded.
#include "autograd/ops_lstm.h"

#include <utility>

#include "autograd/ops.h"
#include "autograd/record.h"
#include "tensor/kernels.h"
#include "tensor/kernels_lstm.h"

namespace timbre {

namespace {

// Row t of a contiguous buffer [R, N, W], as a contiguous [N, W] view (no copy, no autograd).
Tensor row(const Tensor& buffer, int64_t t) {
  const int64_t n = buffer.size(1), width = buffer.size(2);
  return make_view(buffer, {n, width}, {width, 1}, buffer.offset() + t * n * width);
}

// Rows [0, count) of a contiguous buffer [R, N, W] seen as one matrix [count * N, W].
Tensor rows_as_matrix(const Tensor& buffer, int64_t count) {
  const int64_t n = buffer.size(1), width = buffer.size(2);
  return make_view(buffer, {count * n, width}, {width, 1}, buffer.offset());
}

// The transpose of a 2-d tensor as a view (strides swapped; the GEMM reads it in place).
Tensor transposed(const Tensor& matrix) {
  return make_view(matrix, {matrix.size(1), matrix.size(0)}, {matrix.stride(1), matrix.stride(0)},
                   matrix.offset());
}

void check_same_dtype_and_device(const char* op, const Tensor& reference, const char* name,
                                 const Tensor& other) {
  TIMBRE_CHECK(other.dtype() == reference.dtype(), op, ": ", name, " is ",
               dtype_name(other.dtype()), " but the gates are ", dtype_name(reference.dtype()));
  TIMBRE_CHECK(other.device() == reference.device(), op, ": ", name, " is on ",
               other.device().str(), " but the gates are on ", reference.device().str());
}

}  // namespace

// ---- One step -----------------------------------------------------------------------------

Tensor lstm_cell(const Tensor& gate_preactivations, const Tensor& cell_previous) {
  TIMBRE_CHECK(cell_previous.dim() == 2, "lstm_cell: expected the cell state [N, H], got ",
               shape_str(cell_previous.sizes()));
  const int64_t N = cell_previous.size(0), H = cell_previous.size(1);
  TIMBRE_CHECK(gate_preactivations.sizes() == Shape({N, 4 * H}),
               "lstm_cell: expected gate pre-activations of shape ", shape_str({N, 4 * H}),
               " for a cell state ", shape_str(cell_previous.sizes()), ", got ",
               shape_str(gate_preactivations.sizes()));
  check_same_dtype_and_device("lstm_cell", gate_preactivations, "the cell state", cell_previous);

  const TensorOptions options = {.dtype = cell_previous.dtype(), .device = cell_previous.device()};
  const Tensor preactivations = kernels::contiguous(gate_preactivations);
  const Tensor cell_before = kernels::contiguous(cell_previous);
  Tensor out = empty({2, N, H}, options);  // row 0 = h', row 1 = c'
  Tensor gates = empty({N, 4 * H}, options);
  Tensor tanh_cell = empty({N, H}, options);
  kernels::lstm_cell_forward(preactivations, cell_before, row(out, 0), row(out, 1), gates,
                             tanh_cell);

  if (any_requires_grad({gate_preactivations, cell_previous})) {
    record("LstmCellBackward", out, {gate_preactivations, cell_previous},
           [gates, tanh_cell, cell_before, N, H](const Tensor& g) {
             // g: [2, N, H] = [dL/dh' ; dL/dc']
             const Tensor grad = kernels::contiguous(g);
             const TensorOptions like = {.dtype = grad.dtype(), .device = grad.device()};
             Tensor preactivations_grad = empty({N, 4 * H}, like);
             Tensor cell_previous_grad = empty({N, H}, like);
             kernels::lstm_cell_backward(row(grad, 0), row(grad, 1), gates, tanh_cell, cell_before,
                                         preactivations_grad, cell_previous_grad);
             return grads(preactivations_grad, cell_previous_grad);
           });
  }
  return out;
}

// ---- A whole layer: backpropagation through time --------------------------------------------

Tensor lstm_recurrence(const Tensor& input_gates, const Tensor& weight_hh,
                       const Tensor& hidden_initial, const Tensor& cell_initial) {
  TIMBRE_CHECK(weight_hh.dim() == 2 && weight_hh.size(0) == 4 * weight_hh.size(1),
               "lstm_recurrence: expected weight_hh of shape [4H, H], got ",
               shape_str(weight_hh.sizes()));
  const int64_t H = weight_hh.size(1);
  TIMBRE_CHECK(input_gates.dim() == 3 && input_gates.size(0) >= 1 && input_gates.size(2) == 4 * H,
               "lstm_recurrence: expected input gates of shape [T, N, ", 4 * H,
               "] with T >= 1, got ", shape_str(input_gates.sizes()));
  const int64_t T = input_gates.size(0), N = input_gates.size(1);
  TIMBRE_CHECK(hidden_initial.sizes() == Shape({N, H}),
               "lstm_recurrence: expected the initial hidden state of shape ", shape_str({N, H}),
               ", got ", shape_str(hidden_initial.sizes()));
  TIMBRE_CHECK(cell_initial.sizes() == Shape({N, H}),
               "lstm_recurrence: expected the initial cell state of shape ", shape_str({N, H}),
               ", got ", shape_str(cell_initial.sizes()));
  check_same_dtype_and_device("lstm_recurrence", input_gates, "weight_hh", weight_hh);
  check_same_dtype_and_device("lstm_recurrence", input_gates, "h0", hidden_initial);
  check_same_dtype_and_device("lstm_recurrence", input_gates, "c0", cell_initial);

  const TensorOptions options = {.dtype = input_gates.dtype(), .device = input_gates.device()};
  const Tensor input_part = kernels::contiguous(input_gates);          // [T, N, 4H]
  const Tensor weight_hh_transposed = transposed(weight_hh.detach());  // [H, 4H], a view

  // Buffers, one row per step (all contiguous):
  //   states     [T + 2, N, H]: row 0 = h_0, row t + 1 = h_{t+1}, row T + 1 = c_T.
  //              Rows 1 .. T + 1 are the op's output; rows 0 .. T - 1 are the h_t each step
  //              multiplied by W_hh, which the backward needs for dW_hh.
  //   cells      [T + 1, N, H]: row t = c_t (row 0 = c_0).
  //   gates      [T, N, 4H]:    row t = [i | f | g | o] of step t.
  //   tanh_cells [T, N, H]:     row t = tanh(c_{t+1}).
  Tensor states = empty({T + 2, N, H}, options);
  Tensor cells = empty({T + 1, N, H}, options);
  Tensor gates = empty({T, N, 4 * H}, options);
  Tensor tanh_cells = empty({T, N, H}, options);
  kernels::copy(row(states, 0), hidden_initial.detach());
  kernels::copy(row(cells, 0), cell_initial.detach());

  for (int64_t t = 0; t < T; ++t) {
    // a_t = (x_t W_ih^T + b_ih + b_hh) + h_t W_hh^T      [N, 4H]
    const Tensor hidden_part = kernels::matmul(row(states, t), weight_hh_transposed);
    const Tensor preactivations = kernels::binary(BinaryOp::Add, row(input_part, t), hidden_part);
    kernels::lstm_cell_forward(preactivations, row(cells, t), row(states, t + 1), row(cells, t + 1),
                               row(gates, t), row(tanh_cells, t));
  }
  kernels::copy(row(states, T + 1), row(cells, T));
  Tensor out = make_view(states, {T + 1, N, H}, {N * H, H, 1}, N * H);  // rows 1 .. T + 1

  if (any_requires_grad({input_gates, weight_hh, hidden_initial, cell_initial})) {
    // The saved tensors share storage with `out` only through `states`, a tensor without a
    // grad_fn, so there is no reference cycle (see autograd/record.h).
    record("LstmRecurrenceBackward", out, {input_gates, weight_hh, hidden_initial, cell_initial},
           [states, cells, gates, tanh_cells, weight_hh = weight_hh.detach(), T, N,
            H](const Tensor& g) {
             // g: [T + 1, N, H]: rows 0 .. T-1 = dL/dh_1 .. dL/dh_T from the output sequence
             // (h_n's gradient is already added into row T-1), row T = dL/dc_T.
             const Tensor grad = kernels::contiguous(g);
             const TensorOptions like = {.dtype = grad.dtype(), .device = grad.device()};
             Tensor input_gates_grad = empty({T, N, 4 * H}, like);  // dA, one row per step
             Tensor hidden_grad = zeros({N, H}, like);         // dL/dh_{t+1} from step t+1's matmul
             Tensor cell_grad = kernels::clone(row(grad, T));  // dL/dc_{t+1} from later steps
             Tensor cell_previous_grad = empty({N, H}, like);
             for (int64_t t = T - 1; t >= 0; --t) {
               // h_{t+1} is used twice: as the output at step t and by step t+1's matmul.
               const Tensor total_hidden_grad =
                   kernels::binary(BinaryOp::Add, row(grad, t), hidden_grad);
               kernels::lstm_cell_backward(total_hidden_grad, cell_grad, row(gates, t),
                                           row(tanh_cells, t), row(cells, t),
                                           row(input_gates_grad, t), cell_previous_grad);
               // a_t = ... + h_t W_hh^T, so dL/dh_t = dA_t W_hh    [N, 4H] x [4H, H]
               hidden_grad = kernels::matmul(row(input_gates_grad, t), weight_hh);
               std::swap(cell_grad, cell_previous_grad);
             }
             // dL/dW_hh = sum_t dA_t^T h_t: all steps at once, [4H, T*N] x [T*N, H].
             const Tensor weight_hh_grad = kernels::matmul(
                 transposed(rows_as_matrix(input_gates_grad, T)), rows_as_matrix(states, T));
             return grads(input_gates_grad, weight_hh_grad, hidden_grad, cell_grad);
           });
  }
  return out;
}

}  // namespace timbre
