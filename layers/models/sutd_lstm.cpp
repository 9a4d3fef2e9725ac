// layers/models/sutd_lstm.cpp - the SUTD LSTM (see sutd_lstm.h for the shapes).
#include "layers/models/sutd_lstm.h"

namespace timbre::models {

SutdLstm::SutdLstm(bool batch_first) : Module("SutdLstm"), batch_first(batch_first) {
  lstm = register_module("lstm", std::make_shared<nn::LSTM>(33, 128, 2, true, batch_first));
  linear = register_module("linear", std::make_shared<nn::Linear>(128, 8));
}

Tensor SutdLstm::forward(const Tensor& x) {
  TIMBRE_CHECK(x.dim() == 3, "SutdLstm: expected a 3-d input ",
               batch_first ? "[N, T, 33]" : "[T, N, 33]", ", got ", shape_str(x.sizes()));
  const Tensor output = (*lstm)(x);  // [T, N, 128] or [N, T, 128]
  const int64_t time_dim = batch_first ? 1 : 0;
  // The top layer's hidden state after the last frame (equal to h_n[1]).
  const Tensor last = output.select(time_dim, output.size(time_dim) - 1);  // [N, 128]
  return (*linear)(last);                                                  // [N, 8]
}

std::string SutdLstm::extra_repr() const {
  return std::string("batch_first=") + (batch_first ? "true" : "false");
}

}  // namespace timbre::models
