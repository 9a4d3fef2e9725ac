// End to end: a small model trains with Adam (the loss falls, accuracy rises), is saved to a
// safetensors checkpoint, and a fresh model loaded from it gives identical logits; resuming from
// a training-state file continues exactly as an uninterrupted run.
#include <unistd.h>

#include <cstdio>

#include "layers/nn.h"
#include "test_helpers.h"

using namespace timbre;
using namespace timbre::nn;

namespace {

// A conv + pool + linear classifier on [N, 1, 8, 8] images (like the optimizer goldens' model).
class SmallConvNet : public Module {
 public:
  SmallConvNet() : Module("SmallConvNet") {
    conv = register_module("conv", std::make_shared<Conv2d>(1, 4, 3, 1, 1));
    fc = register_module("fc", std::make_shared<Linear>(4 * 4 * 4, 3));
  }
  Tensor forward(const Tensor& x) override {
    Tensor h = max_pool2d(relu((*conv)(x)), Size2d(2));
    return (*fc)(flatten(h, 1));
  }
  std::shared_ptr<Conv2d> conv;
  std::shared_ptr<Linear> fc;
};

// Three separable classes: a bright square in one of three places, plus noise.
std::pair<Tensor, Tensor> make_data(int64_t count, uint64_t seed) {
  Generator generator(seed);
  Tensor images = randn({count, 1, 8, 8}, {}, &generator) * 0.3;
  std::vector<int64_t> labels;
  for (int64_t n = 0; n < count; ++n) {
    const int64_t label = n % 3;
    labels.push_back(label);
    for (int64_t i = 0; i < 3; ++i) {
      for (int64_t j = 0; j < 3; ++j) {
        const std::vector<int64_t> at{n, 0, 1 + 2 * label + i % 2, 1 + 2 * label + j % 2};
        images.set_at(at, images.at(at) + 2.0);
      }
    }
  }
  return {images, from_vector(labels, {count})};
}

double accuracy(const Tensor& logits, const Tensor& labels) {
  const auto predicted = argmax(logits, 1).to_vector<int64_t>();
  const auto truth = labels.to_vector<int64_t>();
  int correct = 0;
  for (size_t i = 0; i < truth.size(); ++i)
    correct += predicted[i] == truth[i];
  return static_cast<double>(correct) / static_cast<double>(truth.size());
}

void train_steps(SmallConvNet& model, Optimizer& optimizer, const Tensor& x, const Tensor& y,
                 int steps) {
  for (int step = 0; step < steps; ++step) {
    optimizer.zero_grad();
    Tensor loss = cross_entropy(model(x), y);
    loss.backward();
    optimizer.step();
  }
}

}  // namespace

TEST(Training, AdamLowersTheLossAndLearnsTheClasses) {
  manual_seed(1);
  SmallConvNet model;
  auto [x, y] = make_data(48, 2);
  Adam optimizer(model.parameters(), 1e-2);
  const double first_loss = cross_entropy(model(x), y).item();
  train_steps(model, optimizer, x, y, 60);
  const double last_loss = cross_entropy(model(x), y).item();
  EXPECT_LT(last_loss, 0.25 * first_loss) << first_loss << " -> " << last_loss;
  auto [test_x, test_y] = make_data(30, 3);
  NoGradGuard no_grad;
  EXPECT_GE(accuracy(model(test_x), test_y), 0.9);
}

TEST(Training, CheckpointReloadGivesIdenticalLogits) {
  manual_seed(4);
  SmallConvNet model;
  auto [x, y] = make_data(24, 5);
  Adam optimizer(model.parameters(), 1e-2);
  train_steps(model, optimizer, x, y, 10);
  const std::string path = ::testing::TempDir() + "/small_conv_net.safetensors";
  save(model, path, {{"epoch", "10"}});

  manual_seed(99);  // a differently initialised model
  SmallConvNet reloaded;
  load(reloaded, path);
  NoGradGuard no_grad;
  EXPECT_EQ(reloaded(x).to_vector<float>(), model(x).to_vector<float>());
  EXPECT_EQ(read_safetensors_metadata(path).at("epoch"), "10");
}

TEST(Training, ResumingFromATrainingStateMatchesAnUninterruptedRun) {
  auto [x, y] = make_data(24, 6);
  manual_seed(7);
  SmallConvNet straight;
  Adam straight_optimizer(straight.parameters(), 1e-2);
  train_steps(straight, straight_optimizer, x, y, 8);

  manual_seed(7);
  SmallConvNet first_half;
  Adam first_optimizer(first_half.parameters(), 1e-2);
  train_steps(first_half, first_optimizer, x, y, 4);
  const std::string path = ::testing::TempDir() + "/resume.safetensors";
  save_training_state(path, first_half, first_optimizer);

  manual_seed(123);
  SmallConvNet resumed;
  Adam resumed_optimizer(resumed.parameters(), 1e-2);
  load_training_state(path, resumed, resumed_optimizer);
  train_steps(resumed, resumed_optimizer, x, y, 4);
  NoGradGuard no_grad;
  EXPECT_EQ(resumed(x).to_vector<float>(), straight(x).to_vector<float>());
}

TEST(Training, TruncatedCheckpointIsRejectedAndTheModelKept) {
  SmallConvNet model;
  const std::string path = ::testing::TempDir() + "/truncated.safetensors";
  save(model, path);
  std::FILE* file = std::fopen(path.c_str(), "r+b");
  ASSERT_NE(file, nullptr);
  std::fseek(file, 0, SEEK_END);
  const long size = std::ftell(file);
  std::fclose(file);
  ASSERT_EQ(truncate(path.c_str(), size / 2), 0);
  SmallConvNet other;
  const auto before = other.fc->weight.to_vector<float>();
  EXPECT_ERROR_CONTAINS(load(other, path), path);
  EXPECT_EQ(other.fc->weight.to_vector<float>(), before);
}
