// layers/models/fma_cnn.h - the CNN of the 2018 FMA slides (reports.md section 3) on 3-second
// mel-spectrogram segments. The slides give only "CNN with ReLU and L2 regularisation, SGD"; the
// sizes below are timbre's choice (docs/models.md). L2 regularisation is the optimizer's
// weight_decay (nn::SGD), not part of the model.
//
//   x      [N, 1, 128, 130]   128 mel bands x ~130 frames (3 s at 22,050 Hz, hop 512)
//   conv1  Conv2d(1, 16, 3, padding=1) + ReLU + max_pool2d(2)    -> [N, 16, 64, 65]
//   conv2  Conv2d(16, 32, 3, padding=1) + ReLU + max_pool2d(2)   -> [N, 32, 32, 32]
//   conv3  Conv2d(32, 64, 3, padding=1) + ReLU + max_pool2d(2)   -> [N, 64, 16, 16]
//   flatten                                                      -> [N, 16384]
//   fc1    Linear(16384, 128) + ReLU
//   fc2    Linear(128, 8)                                        -> logits [N, 8]  (8 genres)
#pragma once

#include <memory>

#include "layers/conv.h"
#include "layers/linear.h"
#include "layers/module.h"

namespace timbre::models {

class FmaCnn : public nn::Module {
 public:
  FmaCnn();

  // Requires: x [N, 1, 128, W] with W in [128, 135] (three poolings must leave 16 columns;
  //           130 frames in practice).
  // Ensures:  logits [N, 8].
  Tensor forward(const Tensor& x) override;

  std::shared_ptr<nn::Conv2d> conv1, conv2, conv3;
  std::shared_ptr<nn::Linear> fc1, fc2;
};

}  // namespace timbre::models
