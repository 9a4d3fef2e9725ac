// layers/lstm.cpp - nn::LSTM and nn::LSTMCell.
//
// How LSTM::forward runs one layer over T steps (N = batch, H = hidden size, I = input size):
//
//   1. The input's share of every step's gate pre-activations does not depend on the recurrence,
//      so it is computed for ALL steps with one big matrix product (fast, and one autograd node):
//        input_gates = x W_ih^T + (b_ih + b_hh)       [T*N, I] x [I, 4H] -> [T, N, 4H]
//   2. lstm_recurrence (autograd/ops_lstm.cpp) runs the sequential part, step by step:
//        a_t = input_gates[t] + h_t W_hh^T,  (h_{t+1}, c_{t+1}) = cell(a_t, c_t)
//      and its backward is backpropagation through time.
//   3. The layer's output sequence [T, N, H] is the next layer's input.
#include "layers/lstm.h"

#include "autograd/ops_lstm.h"
#include "layers/init.h"

namespace timbre::nn {

namespace {

// A parameter of PyTorch's LSTM initialisation: U(-1/sqrt(H), 1/sqrt(H)).
Tensor lstm_uniform(const Shape& sizes, int64_t hidden_size) {
  return init::fan_in_uniform(sizes, hidden_size);
}

// x: [T, N, I] -> the input's share of the gate pre-activations [T, N, 4H], biases included.
Tensor project_input(const Tensor& x, const Tensor& weight_ih, const Tensor& bias_ih,
                     const Tensor& bias_hh) {
  const int64_t T = x.size(0), N = x.size(1), I = x.size(2);
  // One [T*N, I] x [I, 4H] product for the whole sequence; weight_ih.t() is a view.
  Tensor gates = matmul(x.reshape({T * N, I}), weight_ih.t());
  // Both biases are added to every step, so add their sum once ([4H], broadcast over rows).
  if (bias_ih.defined()) gates = gates + (bias_ih + bias_hh);
  return gates.reshape({T, N, weight_ih.size(0)});
}

void check_dtype(const char* layer, const Tensor& input, const Tensor& weight) {
  TIMBRE_CHECK(input.dtype() == weight.dtype(), layer, ": the input is ", dtype_name(input.dtype()),
               " but the parameters are ", dtype_name(weight.dtype()),
               "; convert one of them (tensor.to(dtype) or module.to(dtype))");
}

}  // namespace

// ---- LSTM -------------------------------------------------------------------------------------

LSTM::LSTM(int64_t input_size, int64_t hidden_size, int64_t num_layers, bool bias, bool batch_first)
    : Module("LSTM"),
      input_size(input_size),
      hidden_size(hidden_size),
      num_layers(num_layers),
      bias(bias),
      batch_first(batch_first) {
  TIMBRE_CHECK(input_size > 0 && hidden_size > 0 && num_layers > 0,
               "LSTM: input_size, hidden_size and num_layers must be positive, got ", input_size,
               ", ", hidden_size, " and ", num_layers);
  const int64_t H = hidden_size;
  for (int64_t k = 0; k < num_layers; ++k) {
    const int64_t layer_input_size = k == 0 ? input_size : H;
    const std::string suffix = "_l" + std::to_string(k);
    weight_ih.push_back(
        register_parameter("weight_ih" + suffix, lstm_uniform({4 * H, layer_input_size}, H)));
    weight_hh.push_back(register_parameter("weight_hh" + suffix, lstm_uniform({4 * H, H}, H)));
    if (bias) {
      bias_ih.push_back(register_parameter("bias_ih" + suffix, lstm_uniform({4 * H}, H)));
      bias_hh.push_back(register_parameter("bias_hh" + suffix, lstm_uniform({4 * H}, H)));
    } else {
      bias_ih.emplace_back();
      bias_hh.emplace_back();
    }
  }
}

LSTMOutput LSTM::forward(const Tensor& input, const std::optional<LSTMState>& state) {
  const char* layout = batch_first ? "[N, T, input_size]" : "[T, N, input_size]";
  TIMBRE_CHECK(
      input.dim() == 3 && input.size(2) == input_size && input.size(0) > 0 && input.size(1) > 0,
      "LSTM: expected input ", layout, " = [", batch_first ? "N, T, " : "T, N, ", input_size,
      "] with T, N >= 1, got ", shape_str(input.sizes()));
  check_dtype("LSTM", input, weight_ih[0]);
  // The layers work sequence-first: step t is the contiguous block x[t] of N rows.
  const Tensor sequence = batch_first ? input.transpose(0, 1) : input;  // [T, N, I]
  const int64_t N = sequence.size(1);
  const int64_t H = hidden_size;
  const Shape state_shape = {num_layers, N, H};
  if (state) {
    TIMBRE_CHECK(
        state->h.defined() && state->h.sizes() == state_shape,
        "LSTM: expected h0 of shape [num_layers, N, hidden_size] = ", shape_str(state_shape),
        ", got ", state->h.defined() ? shape_str(state->h.sizes()) : "undefined");
    TIMBRE_CHECK(
        state->c.defined() && state->c.sizes() == state_shape,
        "LSTM: expected c0 of shape [num_layers, N, hidden_size] = ", shape_str(state_shape),
        ", got ", state->c.defined() ? shape_str(state->c.sizes()) : "undefined");
    check_dtype("LSTM (h0)", state->h, weight_ih[0]);
    check_dtype("LSTM (c0)", state->c, weight_ih[0]);
  }

  Tensor layer_input = sequence;
  std::vector<Tensor> final_hidden, final_cell;  // one [N, H] per layer
  for (int64_t k = 0; k < num_layers; ++k) {
    const Tensor zero_state = zeros({N, H}, {.dtype = input.dtype(), .device = input.device()});
    const Tensor h0 = state ? state->h.select(0, k) : zero_state;
    const Tensor c0 = state ? state->c.select(0, k) : zero_state;
    const Tensor input_gates = project_input(layer_input, weight_ih[k], bias_ih[k], bias_hh[k]);
    // [T + 1, N, H]: rows 0 .. T-1 = h_1 .. h_T, row T = c_T (see autograd/ops_lstm.h).
    const Tensor result = lstm_recurrence(input_gates, weight_hh[k], h0, c0);
    const int64_t T = input_gates.size(0);
    layer_input = result.narrow(0, 0, T);
    final_hidden.push_back(result.select(0, T - 1));
    final_cell.push_back(result.select(0, T));
  }
  return {.output = batch_first ? layer_input.transpose(0, 1) : layer_input,
          .h_n = stack(final_hidden, 0),
          .c_n = stack(final_cell, 0)};
}

Tensor LSTM::forward(const Tensor& input) {
  return forward(input, std::nullopt).output;
}

std::string LSTM::extra_repr() const {
  return std::to_string(input_size) + ", " + std::to_string(hidden_size) +
         ", num_layers=" + std::to_string(num_layers) + ", bias=" + (bias ? "true" : "false") +
         ", batch_first=" + (batch_first ? "true" : "false");
}

// ---- LSTMCell ---------------------------------------------------------------------------------

LSTMCell::LSTMCell(int64_t input_size, int64_t hidden_size, bool bias)
    : Module("LSTMCell"), input_size(input_size), hidden_size(hidden_size) {
  TIMBRE_CHECK(input_size > 0 && hidden_size > 0,
               "LSTMCell: input_size and hidden_size must be positive, got ", input_size, " and ",
               hidden_size);
  const int64_t H = hidden_size;
  weight_ih = register_parameter("weight_ih", lstm_uniform({4 * H, input_size}, H));
  weight_hh = register_parameter("weight_hh", lstm_uniform({4 * H, H}, H));
  if (bias) {
    bias_ih = register_parameter("bias_ih", lstm_uniform({4 * H}, H));
    bias_hh = register_parameter("bias_hh", lstm_uniform({4 * H}, H));
  }
}

LSTMState LSTMCell::forward(const Tensor& input, const std::optional<LSTMState>& state) {
  TIMBRE_CHECK(input.dim() == 2 && input.size(1) == input_size,
               "LSTMCell: expected input [N, input_size] = [N, ", input_size, "], got ",
               shape_str(input.sizes()));
  check_dtype("LSTMCell", input, weight_ih);
  const int64_t N = input.size(0);
  const Shape state_shape = {N, hidden_size};
  Tensor h = zeros(state_shape, {.dtype = input.dtype(), .device = input.device()});
  Tensor c = h;
  if (state) {
    TIMBRE_CHECK(state->h.defined() && state->h.sizes() == state_shape,
                 "LSTMCell: expected h of shape [N, hidden_size] = ", shape_str(state_shape),
                 ", got ", state->h.defined() ? shape_str(state->h.sizes()) : "undefined");
    TIMBRE_CHECK(state->c.defined() && state->c.sizes() == state_shape,
                 "LSTMCell: expected c of shape [N, hidden_size] = ", shape_str(state_shape),
                 ", got ", state->c.defined() ? shape_str(state->c.sizes()) : "undefined");
    h = state->h;
    c = state->c;
  }
  // a = x W_ih^T + b_ih + h W_hh^T + b_hh      [N, 4H], columns [a_i | a_f | a_g | a_o]
  Tensor gate_preactivations = matmul(input, weight_ih.t()) + matmul(h, weight_hh.t());
  if (bias_ih.defined()) gate_preactivations = gate_preactivations + (bias_ih + bias_hh);
  const Tensor next = lstm_cell(gate_preactivations, c);  // [2, N, H]: h', c'
  return {.h = next.select(0, 0), .c = next.select(0, 1)};
}

Tensor LSTMCell::forward(const Tensor& input) {
  return forward(input, std::nullopt).h;
}

std::string LSTMCell::extra_repr() const {
  return std::to_string(input_size) + ", " + std::to_string(hidden_size) +
         ", bias=" + (bias_ih.defined() ? "true" : "false");
}

}  // namespace timbre::nn
