// Layers and losses against PyTorch 1.13 reference data (tests/data/torch, see its README).
// Tolerances as in test_parity.cpp: float64 rtol 1e-10 atol 1e-12; float32 rtol 1e-5 atol 1e-6.
#include "layers/nn.h"
#include "test_helpers.h"

using namespace timbre;
using namespace timbre::nn;
using timbre::testing::all_close;
using timbre::testing::data_path;

namespace {

struct Tolerance {
  double rtol, atol;
};

class LayerParity : public ::testing::TestWithParam<std::string> {
 protected:
  Tolerance tolerance() const {
    return GetParam() == "f64" ? Tolerance{1e-10, 1e-12} : Tolerance{1e-5, 1e-6};
  }
  DType dtype() const { return GetParam() == "f64" ? kFloat64 : kFloat32; }
  Tensor load(const std::string& name, const std::string& array) const {
    return read_npy(data_path("torch/" + name + "_" + GetParam() + "/" + array + ".npy"));
  }
};

}  // namespace

TEST_P(LayerParity, LinearLayerWithPyTorchWeights) {
  const Tolerance tol = tolerance();
  Linear layer(33, 10);
  layer.to(dtype());
  assign_data(layer.weight, load("linear", "weight"));
  assign_data(layer.bias, load("linear", "bias"));
  Tensor x = load("linear", "x").set_requires_grad(true);
  Tensor out = layer(x);
  EXPECT_TRUE(all_close(out, load("linear", "out"), tol.rtol, tol.atol));
  out.backward(load("linear", "grad_out"));
  EXPECT_TRUE(all_close(x.grad(), load("linear", "grad_x"), tol.rtol, tol.atol));
  EXPECT_TRUE(all_close(layer.weight.grad(), load("linear", "grad_weight"), tol.rtol, tol.atol));
  EXPECT_TRUE(all_close(layer.bias.grad(), load("linear", "grad_bias"), tol.rtol, tol.atol));
}

TEST_P(LayerParity, CrossEntropyLoss) {
  const Tolerance tol = tolerance();
  Tensor logits = load("cross_entropy", "logits").set_requires_grad(true);
  Tensor loss = cross_entropy(logits, load("cross_entropy", "y"));
  EXPECT_TRUE(all_close(loss.reshape({1}), load("cross_entropy", "loss"), tol.rtol, tol.atol));
  loss.backward();
  EXPECT_TRUE(all_close(logits.grad(), load("cross_entropy", "grad_logits"), tol.rtol, tol.atol));
}

TEST_P(LayerParity, DropoutInEvalModeIsTheIdentity) {
  Dropout drop(0.5);
  drop.eval();
  Tensor x = load("dropout_eval", "x").set_requires_grad(true);
  Tensor out = drop(x);
  EXPECT_TRUE(all_close(out, load("dropout_eval", "out"), 0, 0));
  out.backward(load("dropout_eval", "grad_out"));
  EXPECT_TRUE(all_close(x.grad(), load("dropout_eval", "grad_x"), 0, 0));
}

TEST_P(LayerParity, DropoutInTrainingScalesSurvivorsLikePyTorch) {
  // PyTorch's mask comes from its own RNG, so only the scaling can be compared: where PyTorch
  // kept an element, out = x / (1 - p); elsewhere 0. timbre's dropout of the same p scales the
  // same way.
  const Tolerance tol = tolerance();
  const double p = load("dropout_train", "p").item();
  Tensor x = load("dropout_train", "x");
  Tensor mask = load("dropout_train", "mask").to(dtype());
  EXPECT_TRUE(
      all_close(x * mask * (1.0 / (1.0 - p)), load("dropout_train", "out"), tol.rtol, tol.atol));
  Generator generator(0);
  Tensor ours = dropout(x, p, true, &generator);
  Tensor kept = ne(ours, zeros_like(ours));
  EXPECT_TRUE(all_close(ours, x * kept * (1.0 / (1.0 - p)), tol.rtol, tol.atol));
}

INSTANTIATE_TEST_SUITE_P(Float32AndFloat64, LayerParity, ::testing::Values("f32", "f64"));
