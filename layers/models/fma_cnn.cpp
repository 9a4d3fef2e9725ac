// layers/models/fma_cnn.cpp - the FMA slides' CNN (see fma_cnn.h for the shapes).
#include "layers/models/fma_cnn.h"

namespace timbre::models {

namespace {
// 64 channels x 16 x 16 after three poolings of a 128 x 130 segment.
constexpr int64_t kFlattenedFeatures = 64 * 16 * 16;  // 16,384
}  // namespace

FmaCnn::FmaCnn() : Module("FmaCnn") {
  conv1 = register_module("conv1", std::make_shared<nn::Conv2d>(1, 16, 3, 1, 1));
  conv2 = register_module("conv2", std::make_shared<nn::Conv2d>(16, 32, 3, 1, 1));
  conv3 = register_module("conv3", std::make_shared<nn::Conv2d>(32, 64, 3, 1, 1));
  fc1 = register_module("fc1", std::make_shared<nn::Linear>(kFlattenedFeatures, 128));
  fc2 = register_module("fc2", std::make_shared<nn::Linear>(128, 8));
}

Tensor FmaCnn::forward(const Tensor& x) {
  Tensor h = max_pool2d(relu((*conv1)(x)), 2);  // [N, 16, 64, 65]
  h = max_pool2d(relu((*conv2)(h)), 2);         // [N, 32, 32, 32]
  h = max_pool2d(relu((*conv3)(h)), 2);         // [N, 64, 16, 16]
  h = flatten(h, 1);                            // [N, 16384]
  h = relu((*fc1)(h));                          // [N, 128]
  return (*fc2)(h);                             // [N, 8]
}

}  // namespace timbre::models
