// layers/models/uconn_hybrid.cpp - the UConn hybrid CNN + MLP (see uconn_hybrid.h).
#include "layers/models/uconn_hybrid.h"

#include "layers/activation.h"
#include "layers/conv.h"
#include "layers/dropout.h"
#include "layers/linear.h"
#include "layers/models/models.h"
#include "layers/pooling.h"

namespace timbre::models {

namespace {
// 128 channels x 16 x 16 after three poolings of a 128x128 image.
constexpr int64_t kImageFeatures = 128 * 16 * 16;  // 32,768
constexpr int64_t kTabularFeatures = 57;
constexpr int64_t kMlpFeatures = 64;

// One CNN block: 3x3 convolution keeping the size (padding 1), ReLU, then halving it.
void add_conv_block(nn::Sequential& cnn, int64_t in_channels, int64_t out_channels) {
  cnn.add(std::make_shared<nn::Conv2d>(in_channels, out_channels, 3, 1, 1));
  cnn.add(std::make_shared<nn::ReLU>());
  cnn.add(std::make_shared<nn::MaxPool2d>(2));
}
}  // namespace

UconnHybrid::UconnHybrid() : Module("UconnHybrid") {
  cnn = register_module("cnn", std::make_shared<nn::Sequential>());
  add_conv_block(*cnn, 3, 32);    // cnn.0 - cnn.2
  add_conv_block(*cnn, 32, 64);   // cnn.3 - cnn.5
  add_conv_block(*cnn, 64, 128);  // cnn.6 - cnn.8
  cnn->add(std::make_shared<nn::Flatten>(1));

  mlp = register_module(
      "mlp", std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<Module>>{
                 std::make_shared<nn::Linear>(kTabularFeatures, 256), std::make_shared<nn::ReLU>(),
                 std::make_shared<nn::Linear>(256, 128), std::make_shared<nn::ReLU>(),
                 std::make_shared<nn::Linear>(128, kMlpFeatures), std::make_shared<nn::ReLU>(),
                 std::make_shared<nn::Dropout>(0.3)}));

  head = register_module(
      "head", std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<Module>>{
                  std::make_shared<nn::Linear>(kImageFeatures + kMlpFeatures, 128),
                  std::make_shared<nn::ReLU>(), std::make_shared<nn::Dropout>(0.5),
                  std::make_shared<nn::Linear>(128, 10)}));
}

Tensor UconnHybrid::forward(const Tensor& image, const Tensor& features) {
  TIMBRE_CHECK(image.dim() == 4 && features.dim() == 2 && image.size(0) == features.size(0),
               "UconnHybrid: expected image [N, 3, 128, 128] and features [N, 57], got ",
               shape_str(image.sizes()), " and ", shape_str(features.sizes()));
  const Tensor image_code = (*cnn)(image);                      // [N, 32768]
  const Tensor feature_code = (*mlp)(features);                 // [N, 64]
  const Tensor joined = concat({image_code, feature_code}, 1);  // [N, 32832]
  return (*head)(joined);                                       // [N, 10]
}

Tensor UconnHybrid::forward(const Tensor&) {
  throw Error(
      "UconnHybrid: this model takes two inputs, an image [N, 3, 128, 128] and features "
      "[N, 57]; call forward(image, features)");
}

std::string uconn_hybrid_summary(UconnHybrid& model, const Shape& image_shape,
                                 const Shape& features_shape) {
  TIMBRE_CHECK(image_shape.size() == 4 && features_shape.size() == 2,
               "uconn_hybrid_summary: expected an image shape [N, C, H, W] and a features shape "
               "[N, F], got ",
               shape_str(image_shape), " and ", shape_str(features_shape));
  // The head's input is the two branch outputs side by side: [N, 32768 + 64].
  const Shape head_shape = {image_shape[0], kImageFeatures + kMlpFeatures};
  std::string out = "UconnHybrid has two inputs; each part is summarised on its own.\n\n";
  out += "Image branch (cnn):\n" + nn::summary(*model.cnn, image_shape) + "\n";
  out += "Feature branch (mlp):\n" + nn::summary(*model.mlp, features_shape) + "\n";
  out += "Head on the concatenation (head):\n" + nn::summary(*model.head, head_shape) + "\n";
  out += "Total params (whole model): " + with_thousands(model.parameter_count()) + "\n";
  return out;
}

}  // namespace timbre::models
