// layers/lstm.h - the long short-term memory layers, with exactly PyTorch's semantics, parameter
// names and layouts, so PyTorch weights load unchanged (docs/layers.md explains the math).
//
//   nn::LSTM lstm(33, 128, 2, true, true);   // input_size, hidden_size, num_layers, bias,
//   nn::LSTMOutput r = lstm.forward(x, {});  //   batch_first; x: [N, T, 33]
//   r.output: [N, T, 128], r.h_n and r.c_n: [2, N, 128]
//
// One step of one layer, for input x and state (h, c), gate order i, f, g, o:
//   i = sigmoid(W_ii x + b_ii + W_hi h + b_hi)    f = sigmoid(W_if x + b_if + W_hf h + b_hf)
//   g = tanh   (W_ig x + b_ig + W_hg h + b_hg)    o = sigmoid(W_io x + b_io + W_ho h + b_ho)
//   c' = f * c + i * g        h' = o * tanh(c')
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "layers/module.h"

namespace timbre::nn {

// A hidden state h and a cell state c: for LSTM each is [num_layers, N, H]; for LSTMCell [N, H].
struct LSTMState {
  Tensor h;
  Tensor c;
};

struct LSTMOutput {
  Tensor output;  // the last layer's h at every step: [T, N, H], or [N, T, H] when batch_first
  Tensor h_n;     // every layer's final hidden state: [num_layers, N, H] (also when batch_first)
  Tensor c_n;     // every layer's final cell state:   [num_layers, N, H]
};

// A stack of num_layers LSTM layers run over a whole sequence; layer k > 0 reads layer k-1's h.
// Parameters, registered in PyTorch's order and names, for k = 0 .. num_layers-1:
//   weight_ih_l{k} [4H, I_k]   rows [W_i; W_f; W_g; W_o]; I_0 = input_size, I_k = H for k > 0
//   weight_hh_l{k} [4H, H]
//   bias_ih_l{k}   [4H]        (both biases are added, as in PyTorch; absent when bias=false)
//   bias_hh_l{k}   [4H]
// All initialised U(-1/sqrt(H), 1/sqrt(H)) from the default generator, as PyTorch does.
// Not supported (yet): dropout between layers, bidirectional, proj_size, unbatched 2-d input.
class LSTM : public Module {
 public:
  // Requires: input_size, hidden_size, num_layers > 0.
  LSTM(int64_t input_size, int64_t hidden_size, int64_t num_layers = 1, bool bias = true,
       bool batch_first = false);

  // Requires: input [T, N, input_size] ([N, T, input_size] when batch_first) with T >= 1, of the
  //           parameters' dtype; state, when given, h and c both [num_layers, N, hidden_size]
  //           (without it the initial state is zeros).
  // Ensures:  output, h_n, c_n as described in LSTMOutput; all differentiable (backpropagation
  //           through time over the whole sequence).
  LSTMOutput forward(const Tensor& input, const std::optional<LSTMState>& state);
  // The output sequence only, from a zero initial state (what Module's one-input call gives).
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  int64_t input_size, hidden_size, num_layers;
  bool bias, batch_first;
  // Per layer k, the same tensors named_parameters() returns (undefined biases without bias).
  std::vector<Tensor> weight_ih, weight_hh, bias_ih, bias_hh;
};

// One LSTM step: PyTorch's nn.LSTMCell. The caller runs the loop over time.
// Parameters: weight_ih [4H, I], weight_hh [4H, H], bias_ih [4H], bias_hh [4H] (PyTorch's names),
// initialised U(-1/sqrt(H), 1/sqrt(H)).
class LSTMCell : public Module {
 public:
  // Requires: input_size, hidden_size > 0.
  LSTMCell(int64_t input_size, int64_t hidden_size, bool bias = true);

  // Requires: input [N, input_size]; state, when given, h and c both [N, hidden_size] (zeros
  //           otherwise).
  // Ensures:  the next state (h', c'), each [N, hidden_size], differentiable.
  LSTMState forward(const Tensor& input, const std::optional<LSTMState>& state);
  // h' only, from a zero state.
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  int64_t input_size, hidden_size;
  Tensor weight_ih, weight_hh, bias_ih, bias_hh;  // biases undefined when bias=false
};

}  // namespace timbre::nn
