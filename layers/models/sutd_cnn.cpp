// layers/models/sutd_cnn.cpp - the SUTD "Basic CNN" (see sutd_cnn.h for the shapes).
#include "layers/models/sutd_cnn.h"

#include "layers/dropout.h"

namespace timbre::models {

namespace {
// 16 channels x 70 rows x 106 columns after the second pooling of a 288x432 image.
constexpr int64_t kFlattenedFeatures = 16 * 70 * 106;  // 118,720
}  // namespace

SutdCnn::SutdCnn(int64_t hidden1, int64_t hidden2, double dropout)
    : Module("SutdCnn"), dropout(dropout) {
  TIMBRE_CHECK(hidden1 > 0 && hidden2 > 0, "SutdCnn: hidden sizes must be positive, got ", hidden1,
               " and ", hidden2);
  TIMBRE_CHECK(dropout >= 0.0 && dropout < 1.0, "SutdCnn: dropout must be in [0, 1), got ",
               dropout);
  conv1 = register_module("conv1", std::make_shared<nn::Conv2d>(3, 6, 5));
  conv2 = register_module("conv2", std::make_shared<nn::Conv2d>(6, 16, 3));
  fc1 = register_module("fc1", std::make_shared<nn::Linear>(kFlattenedFeatures, hidden1));
  fc2 = register_module("fc2", std::make_shared<nn::Linear>(hidden1, hidden2));
  fc3 = register_module("fc3", std::make_shared<nn::Linear>(hidden2, 10));
}

Tensor SutdCnn::forward(const Tensor& x) {
  Tensor h = max_pool2d(relu((*conv1)(x)), 2);  // [N, 6, 142, 214]
  h = max_pool2d(relu((*conv2)(h)), 2);         // [N, 16, 70, 106]
  h = flatten(h, 1);                            // [N, 118720]
  // Dropout is the identity in eval mode and when dropout == 0 (the base model).
  h = nn::dropout(relu((*fc1)(h)), dropout, is_training());  // [N, hidden1]
  h = nn::dropout(relu((*fc2)(h)), dropout, is_training());  // [N, hidden2]
  return (*fc3)(h);                                          // [N, 10]
}

std::string SutdCnn::extra_repr() const {
  return "dropout=" + std::to_string(dropout);
}

}  // namespace timbre::models
