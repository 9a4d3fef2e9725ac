// Layers, models and training on the GPU against the same on the CPU (label `cuda`). Without a
// GPU each test reports SKIPPED with the reason. Each test builds two copies of a layer from the
// same seed, moves one to the GPU, and compares outputs and gradients:
//   float32 forward and backward: rtol 1e-4, atol 1e-5 (cuBLAS/atomic summation order; K <= 800)
//   training steps (3 Adam steps of a model): losses rtol 1e-3, weights atol 1e-4 - Adam divides
//   by sqrt(v), so after a few steps a rounding difference of a gradient moves a weight by at
//   most ~ learning rate * (relative gradient difference), here far below 1e-4.
#include <filesystem>

#include "cuda_test_helpers.h"
#include "layers/models/models.h"
#include "data/datasets.h"
#include "layers/nn.h"
#include "train/trainer.h"

using namespace timbre;
using timbre::testing::expect_matches_cpu;
using timbre::testing::gpu;

namespace {

constexpr double kRtol = 1e-4, kAtol = 1e-5;

Tensor random_input(const Shape& sizes, uint64_t seed) {
  Generator generator(seed);
  return randn(sizes, {}, &generator);
}

// Runs `layer` on x (moved to the layer's device), backpropagates sum(y * weights), and returns
// {y, dL/dx, every parameter's gradient}.
std::vector<Tensor> forward_and_backward(nn::Module& layer, const Tensor& x_cpu) {
  Tensor x = x_cpu.to(layer.device()).detach();
  x.set_requires_grad(true);
  const Tensor y = layer(x);
  const Tensor weights = random_input(y.sizes(), 99).to(layer.device());
  sum(y * weights).backward();
  std::vector<Tensor> results = {y, x.grad()};
  for (const Tensor& p : layer.parameters())
    results.push_back(p.grad());
  return results;
}

// Builds the layer twice from one seed, one copy on the GPU, and compares everything.
template <typename MakeLayer>
void expect_layer_matches(MakeLayer make_layer, const Shape& input_shape) {
  manual_seed(5);
  std::shared_ptr<nn::Module> on_cpu = make_layer();
  manual_seed(5);
  std::shared_ptr<nn::Module> on_device = make_layer();
  on_device->to(gpu());
  const Tensor x = random_input(input_shape, 7);
  const std::vector<Tensor> want = forward_and_backward(*on_cpu, x);
  const std::vector<Tensor> got = forward_and_backward(*on_device, x);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    expect_matches_cpu(got[i], want[i], kRtol, kAtol,
                       i == 0 ? "output" : (i == 1 ? "input gradient" : "parameter gradient"));
  }
}

class CudaLayers : public ::testing::Test {
 protected:
  void SetUp() override { REQUIRE_GPU(); }
};

}  // namespace

TEST_F(CudaLayers, LinearMatches) {
  expect_layer_matches([] { return std::make_shared<nn::Linear>(37, 19); }, {8, 37});
}

TEST_F(CudaLayers, Conv2dMatches) {
  expect_layer_matches([] { return std::make_shared<nn::Conv2d>(3, 6, 5, 1, 2); }, {2, 3, 20, 24});
}

TEST_F(CudaLayers, MaxPool2dMatches) {
  expect_layer_matches([] { return std::make_shared<nn::MaxPool2d>(2); }, {2, 3, 10, 12});
}

TEST_F(CudaLayers, AvgPool2dMatches) {
  expect_layer_matches([] { return std::make_shared<nn::AvgPool2d>(3, 2); }, {2, 3, 11, 12});
}

TEST_F(CudaLayers, BatchNorm2dInTrainingModeMatchesAndUpdatesRunningStatistics) {
  manual_seed(5);
  auto on_cpu = std::make_shared<nn::BatchNorm2d>(4);
  auto on_device = std::make_shared<nn::BatchNorm2d>(4);
  on_device->to(gpu());
  const Tensor x = random_input({3, 4, 5, 6}, 8);
  expect_matches_cpu((*on_device)(x.to(gpu())), (*on_cpu)(x), kRtol, kAtol, "output");
  expect_matches_cpu(on_device->running_var, on_cpu->running_var, kRtol, kAtol, "running_var");
  EXPECT_TRUE(on_device->num_batches_tracked.device().is_cuda());
}

TEST_F(CudaLayers, LstmMatches) {
  expect_layer_matches([] { return std::make_shared<nn::LSTM>(33, 16, 2); }, {12, 3, 33});
}

TEST_F(CudaLayers, DropoutDrawsTheSameMaskOnBothDevices) {
  const Tensor x = random_input({4, 300}, 9);
  Generator cpu_generator(11), gpu_generator(11);
  const Tensor on_cpu = nn::dropout(x, 0.3, true, &cpu_generator);
  const Tensor on_device = nn::dropout(x.to(gpu()), 0.3, true, &gpu_generator);
  expect_matches_cpu(on_device, on_cpu, 0, 0);
}

TEST_F(CudaLayers, CrossEntropyWithWeightsAndSmoothingMatches) {
  const Tensor logits = random_input({16, 10}, 10);
  const Tensor targets = randint(0, 10, {16}, {.dtype = kInt64});
  const Tensor weight = abs(random_input({10}, 12)) + 0.5;
  const nn::CrossEntropyOptions cpu_options{.weight = weight, .label_smoothing = 0.1};
  const nn::CrossEntropyOptions gpu_options{.weight = weight.to(gpu()), .label_smoothing = 0.1};
  Tensor cpu_logits = logits.detach(), gpu_logits = logits.to(gpu()).detach();
  cpu_logits.set_requires_grad(true);
  gpu_logits.set_requires_grad(true);
  const Tensor cpu_loss = nn::cross_entropy(cpu_logits, targets, cpu_options);
  const Tensor gpu_loss = nn::cross_entropy(gpu_logits, targets.to(gpu()), gpu_options);
  expect_matches_cpu(gpu_loss, cpu_loss, kRtol, kAtol, "loss");
  cpu_loss.backward();
  gpu_loss.backward();
  expect_matches_cpu(gpu_logits.grad(), cpu_logits.grad(), kRtol, kAtol, "logits gradient");
}

TEST_F(CudaLayers, ModuleMovesToTheGpuAndBack) {
  auto layer = std::make_shared<nn::BatchNorm1d>(5);
  const std::vector<double> before = layer->running_var.to_vector<double>();
  layer->to(gpu());
  for (const auto& [name, tensor] : layer->state_dict())
    EXPECT_TRUE(tensor.device().is_cuda()) << name;
  EXPECT_EQ(layer->device(), gpu());
  layer->to(Device::cpu());
  EXPECT_EQ(layer->running_var.to_vector<double>(), before);
}

TEST_F(CudaLayers, CheckpointSavedFromTheGpuLoadsIntoAModelOnTheGpu) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "timbre_cuda_ckpt.safetensors").string();
  manual_seed(1);
  auto saved = std::make_shared<nn::Linear>(6, 4);
  saved->to(gpu());
  nn::save(*saved, path);
  manual_seed(2);
  auto loaded = std::make_shared<nn::Linear>(6, 4);
  loaded->to(gpu());
  nn::load(*loaded, path);
  EXPECT_TRUE(loaded->weight.device().is_cuda());
  expect_matches_cpu(loaded->weight, saved->weight.to(Device::cpu()), 0, 0);
  std::filesystem::remove(path);
}

namespace {

// Three Adam steps of a registry model on fixed batches; returns the losses and the final weights.
std::pair<std::vector<double>, std::vector<Tensor>> train_steps(const std::string& name,
                                                                Device device, const Tensor& x,
                                                                const Tensor& y) {
  manual_seed(3);
  std::shared_ptr<nn::Module> model = models::make_model(name);
  model->to(device);
  nn::Adam optimizer(model->parameters(), 1e-3);
  std::vector<double> losses;
  for (int step = 0; step < 3; ++step) {
    optimizer.zero_grad();
    const Tensor logits = models::forward_batch_first(*model, {x});
    const Tensor loss = nn::cross_entropy(logits, y.to(device));
    loss.backward();
    optimizer.step();
    losses.push_back(loss.item());
  }
  return {losses, model->parameters()};
}

void expect_training_matches(const std::string& name, const Tensor& x, const Tensor& y) {
  auto [cpu_losses, cpu_weights] = train_steps(name, Device::cpu(), x, y);
  auto [gpu_losses, gpu_weights] = train_steps(name, gpu(), x, y);
  for (size_t i = 0; i < cpu_losses.size(); ++i) {
    EXPECT_NEAR(gpu_losses[i], cpu_losses[i], 1e-3 * std::fabs(cpu_losses[i])) << "step " << i;
  }
  for (size_t i = 0; i < cpu_weights.size(); ++i) {
    expect_matches_cpu(gpu_weights[i], cpu_weights[i], 0, 1e-4, "weight " + std::to_string(i));
  }
}

}  // namespace

TEST_F(CudaLayers, SutdCnnTrainsTheSameOnBothDevices) {
  expect_training_matches("sutd_cnn", random_input({2, 3, 288, 432}, 13),
                          from_vector(std::vector<int64_t>{3, 7}, {2}, {.dtype = kInt64}));
}

TEST_F(CudaLayers, SutdLstmTrainsTheSameOnBothDevices) {
  expect_training_matches("sutd_lstm", random_input({4, 128, 33}, 14),
                          from_vector(std::vector<int64_t>{0, 1, 2, 3}, {4}, {.dtype = kInt64}));
}

TEST_F(CudaLayers, FitTrainsAModelOnTheGpuFromCpuBatches) {
  manual_seed(4);
  auto model = std::make_shared<nn::Linear>(8, 3);
  model->to(gpu());
  std::vector<int64_t> labels;
  std::vector<std::string> songs;
  for (int i = 0; i < 30; ++i) {
    labels.push_back(i % 3);
    songs.push_back("song" + std::to_string(i));
  }
  auto dataset = std::make_shared<data::TensorDataset>(random_input({30, 8}, 15), labels, songs);
  data::DataLoader loader(dataset, {.batch_size = 10, .prefetch = 0});
  nn::SGD optimizer(model->parameters(), 0.1);
  train::TrainOptions options;
  options.epochs = 2;
  options.progress = false;
  const train::TrainResult result =
      train::fit(*model, optimizer, train::single_input_forward(), loader, nullptr, options);
  EXPECT_EQ(result.epochs_run, 2);
  EXPECT_TRUE(model->weight.device().is_cuda());
}
