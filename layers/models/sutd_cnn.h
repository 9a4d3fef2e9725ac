// layers/models/sutd_cnn.h - the SUTD 50.039 "Basic CNN" (reports.md section 1) on 3x288x432
// spectrogram images.
//
//   x      [N, 3, 288, 432]
//   conv1  Conv2d(3, 6, 5) + ReLU     -> [N, 6, 284, 428]
//   pool   max_pool2d(2)              -> [N, 6, 142, 214]
//   conv2  Conv2d(6, 16, 3) + ReLU    -> [N, 16, 140, 212]
//   pool   max_pool2d(2)              -> [N, 16, 70, 106]
//   flatten                           -> [N, 118720]
//   fc1    Linear(118720, 120) + ReLU (+ Dropout p)
//   fc2    Linear(120, 84) + ReLU     (+ Dropout p)
//   fc3    Linear(84, 10)             -> logits [N, 10]
//
// The report's code ends with log_softmax + NLL loss; here the model returns the logits and
// nn::cross_entropy applies log_softmax, which is the same loss.
#pragma once

#include <memory>

#include "layers/conv.h"
#include "layers/linear.h"
#include "layers/module.h"

namespace timbre::models {

class SutdCnn : public nn::Module {
 public:
  // Requires: hidden1, hidden2 > 0 and 0 <= dropout < 1. The report's base run uses (120, 84),
  //           its best run the wide head (1024, 108); dropout 0.2 and 0.4 are its variants
  //           (dropout has no parameters, so the parameter names never change).
  explicit SutdCnn(int64_t hidden1 = 120, int64_t hidden2 = 84, double dropout = 0.0);

  // Requires: x [N, 3, 288, 432] float (fc1 fixes the image size).
  // Ensures:  logits [N, 10].
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

  double dropout;
  std::shared_ptr<nn::Conv2d> conv1, conv2;
  std::shared_ptr<nn::Linear> fc1, fc2, fc3;
};

}  // namespace timbre::models
