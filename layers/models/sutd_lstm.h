// layers/models/sutd_lstm.h - the SUTD LSTM on 33 per-frame features (reports.md section 2).
//
//   x       [T, N, 33]          sequence-first, as the report's code (T = 128 frames there)
//   lstm    LSTM(33, 128, num_layers=2) -> output [T, N, 128]
//   last    output[T - 1]       -> [N, 128]   the last time step of the top layer
//   linear  Linear(128, 8)      -> logits [N, 8]
//
// Parameters (PyTorch's names): lstm.weight_ih_l0 [512, 33], lstm.weight_hh_l0 [512, 128],
// lstm.bias_ih_l0 [512], lstm.bias_hh_l0 [512], the same for l1 with [512, 128] input weights,
// linear.weight [8, 128], linear.bias [8]: 83,456 + 132,096 + 1,032 = 216,584.
#pragma once

#include <memory>

#include "layers/linear.h"
#include "layers/lstm.h"
#include "layers/module.h"

namespace timbre::models {

class SutdLstm : public nn::Module {
 public:
  // batch_first = false (the default, the report's layout) takes x as [T, N, 33];
  // batch_first = true takes [N, T, 33]. The parameters are the same either way.
  explicit SutdLstm(bool batch_first = false);

  // Requires: x [T, N, 33] ([N, T, 33] when batch_first) with T >= 1.
  // Ensures:  logits [N, 8] computed from the last time step.
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

  bool batch_first;
  std::shared_ptr<nn::LSTM> lstm;
  std::shared_ptr<nn::Linear> linear;
};

}  // namespace timbre::models
