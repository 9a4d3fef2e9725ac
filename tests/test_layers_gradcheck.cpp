// gradcheck (float64 central differences) for the simple layers and every loss.
#include "layers/nn.h"
#include "test_helpers.h"

using namespace timbre;
using namespace timbre::nn;

namespace {
TensorOptions grad64() {
  return {.dtype = kFloat64, .requires_grad = true};
}
Tensor labels(std::vector<int64_t> values) {
  const int64_t n = static_cast<int64_t>(values.size());
  return from_vector(values, {n});
}
}  // namespace

TEST(LayersGradcheck, Linear) {
  manual_seed(1);
  Tensor x = randn({3, 4}, grad64()), w = randn({5, 4}, grad64()), b = randn({5}, grad64());
  EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return linear(in[0], in[1], in[2]); },
                   (std::vector<Tensor>{x, w, b}));
}

TEST(LayersGradcheck, LinearOnA3dInput) {
  manual_seed(2);
  Tensor x = randn({2, 3, 4}, grad64()), w = randn({2, 4}, grad64());
  EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return linear(in[0], in[1]); },
                   (std::vector<Tensor>{x, w}));
}

TEST(LayersGradcheck, LeakyReluAwayFromZero) {
  Tensor x = from_vector(std::vector<double>{-1.5, -0.3, 0.4, 2.0}, {4}, grad64());
  EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return leaky_relu(in[0], 0.1); },
                   (std::vector<Tensor>{x}));
}

TEST(LayersGradcheck, CrossEntropyMean) {
  manual_seed(3);
  Tensor z = randn({4, 5}, grad64());
  Tensor t = labels({1, 0, 4, 1});
  EXPECT_GRADCHECK([t](const std::vector<Tensor>& in) { return cross_entropy(in[0], t); },
                   (std::vector<Tensor>{z}));
}

TEST(LayersGradcheck, CrossEntropyWeightedSmoothedNoReduction) {
  manual_seed(4);
  Tensor z = randn({3, 4}, grad64());
  Tensor w = from_vector(std::vector<double>{0.5, 1.0, 2.0, 1.5}, {4});
  Tensor t = labels({3, 0, 2});
  EXPECT_GRADCHECK(
      [t, w](const std::vector<Tensor>& in) {
        return cross_entropy(in[0], t,
                             {.reduction = Reduction::None, .weight = w, .label_smoothing = 0.2});
      },
      (std::vector<Tensor>{z}));
  EXPECT_GRADCHECK(
      [t, w](const std::vector<Tensor>& in) {
        return cross_entropy(in[0], t, {.weight = w, .label_smoothing = 0.2});
      },
      (std::vector<Tensor>{z}));
}

TEST(LayersGradcheck, NllLossWithWeights) {
  manual_seed(5);
  Tensor z = randn({3, 4}, grad64());
  Tensor w = from_vector(std::vector<double>{0.5, 1.0, 2.0, 1.5}, {4});
  Tensor t = labels({3, 0, 2});
  EXPECT_GRADCHECK(
      [t, w](const std::vector<Tensor>& in) { return nll_loss(in[0], t, Reduction::Mean, w); },
      (std::vector<Tensor>{z}));
}

TEST(LayersGradcheck, MseLoss) {
  manual_seed(6);
  Tensor a = randn({3, 2}, grad64()), b = randn({3, 2}, grad64());
  EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return mse_loss(in[0], in[1]); },
                   (std::vector<Tensor>{a, b}));
}

TEST(LayersGradcheck, BinaryCrossEntropyWithLogitsAwayFromZero) {
  Tensor x = from_vector(std::vector<double>{-2.0, -0.4, 0.3, 1.7}, {4}, grad64());
  Tensor y = from_vector(std::vector<double>{0.0, 1.0, 0.25, 1.0}, {4}, grad64());
  EXPECT_GRADCHECK(
      [](const std::vector<Tensor>& in) {
        return binary_cross_entropy_with_logits(in[0], in[1], Reduction::Sum);
      },
      (std::vector<Tensor>{x, y}));
}

TEST(LayersGradcheck, DropoutWithAFixedSeed) {
  Tensor x = randn({10}, grad64());
  EXPECT_GRADCHECK(
      [](const std::vector<Tensor>& in) {
        Generator generator(7);  // the same mask on every call
        return dropout(in[0], 0.3, true, &generator);
      },
      (std::vector<Tensor>{x}));
}

TEST(LayersGradcheck, SequentialMlp) {
  manual_seed(8);
  Sequential mlp{std::make_shared<Linear>(3, 4), std::make_shared<Tanh>(),
                 std::make_shared<Linear>(4, 2)};
  mlp.to(kFloat64);
  std::vector<Tensor> inputs = mlp.parameters();
  inputs.insert(inputs.begin(), randn({2, 3}, grad64()));
  EXPECT_GRADCHECK([&mlp](const std::vector<Tensor>& in) { return mlp(in[0]); }, inputs);
}
