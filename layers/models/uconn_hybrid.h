// layers/models/uconn_hybrid.h - the UConn hybrid CNN + MLP (reports.md section 5): a CNN on the
// mel-spectrogram image and an MLP on the CSV features, concatenated into one classifier head.
// The report gives the structure but not every size; the choices made here are listed in
// docs/models.md. The names mirror a PyTorch translation built from nn.Sequential blocks:
//
//   image     [N, 3, 128, 128]
//   cnn.0     Conv2d(3, 32, 3, padding=1) + ReLU + MaxPool2d(2)    -> [N, 32, 64, 64]
//   cnn.3     Conv2d(32, 64, 3, padding=1) + ReLU + MaxPool2d(2)   -> [N, 64, 32, 32]
//   cnn.6     Conv2d(64, 128, 3, padding=1) + ReLU + MaxPool2d(2)  -> [N, 128, 16, 16]
//   cnn.9     Flatten                                              -> [N, 32768]
//
//   features  [N, 57]   the standardised features_30_sec.csv columns
//   mlp.0     Linear(57, 256) + ReLU
//   mlp.2     Linear(256, 128) + ReLU
//   mlp.4     Linear(128, 64) + ReLU + Dropout(0.3)                -> [N, 64]
//
//   concat    [N, 32768 + 64 = 32832]
//   head.0    Linear(32832, 128) + ReLU + Dropout(0.5)
//   head.3    Linear(128, 10)                                      -> logits [N, 10]
#pragma once

#include <memory>
#include <string>

#include "layers/module.h"
#include "layers/sequential.h"

namespace timbre::models {

class UconnHybrid : public nn::Module {
 public:
  UconnHybrid();

  // Requires: image [N, 3, 128, 128] and features [N, 57], the same N.
  // Ensures:  logits [N, 10].
  Tensor forward(const Tensor& image, const Tensor& features);
  // Always throws: this model has two inputs (a timbre::Error saying to call
  // forward(image, features)).
  Tensor forward(const Tensor& input) override;

  std::shared_ptr<nn::Sequential> cnn;   // image -> [N, 32768]
  std::shared_ptr<nn::Sequential> mlp;   // features -> [N, 64]
  std::shared_ptr<nn::Sequential> head;  // [N, 32832] -> logits [N, 10]
};

// nn::summary runs a model on ONE zero input, which this model cannot take, so its summary
// records each part on its own: cnn on `image_shape`, mlp on `features_shape`, head on the
// concatenation of their outputs, followed by the whole model's parameter total.
// Requires: shapes as forward's ([1, 3, 128, 128] and [1, 57] by default in the registry).
std::string uconn_hybrid_summary(UconnHybrid& model, const Shape& image_shape,
                                 const Shape& features_shape);

}  // namespace timbre::models
