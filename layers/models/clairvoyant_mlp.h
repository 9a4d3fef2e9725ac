// layers/models/clairvoyant_mlp.h - the Clairvoyant dense network on the 58 features of
// features_3_sec.csv (reports.md section 6; the original is a Keras Sequential model).
//
//   x    [N, 58]     standardised features (the constant `length` column kept, as the code did)
//   fc1  Linear(58, 512)  + ReLU + Dropout(0.2)
//   fc2  Linear(512, 256) + ReLU + Dropout(0.2)
//   fc3  Linear(256, 128) + ReLU + Dropout(0.2)
//   fc4  Linear(128, 64)  + ReLU + Dropout(0.2)
//   fc5  Linear(64, 10)   -> logits [N, 10]   (Keras' softmax is in the loss here)
//
// 30,208 + 131,328 + 32,896 + 8,256 + 650 = 203,338 parameters.
#pragma once

#include <memory>

#include "layers/linear.h"
#include "layers/module.h"

namespace timbre::models {

class ClairvoyantMlp : public nn::Module {
 public:
  // Requires: 0 <= dropout < 1 (the report uses 0.2).
  explicit ClairvoyantMlp(double dropout = 0.2);

  // Requires: x [N, 58].
  // Ensures:  logits [N, 10].
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

  double dropout;
  std::shared_ptr<nn::Linear> fc1, fc2, fc3, fc4, fc5;
};

}  // namespace timbre::models
