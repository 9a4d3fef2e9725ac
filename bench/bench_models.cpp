// bench/bench_models.cpp - the reports' models end to end, timbre against libtorch (float32, CPU).
//
// Models (timbre: models::make_model(name); libtorch: the equivalent torch::nn modules of
// bench/torch_models.h, same layers, same shapes, same default initialisation ranges):
//   sutd_cnn         x [10, 3, 288, 432] -> logits [10, 10]   Conv2d(3,6,5)+ReLU+pool2,
//                    Conv2d(6,16,3)+ReLU+pool2, Linear(118720,120)+ReLU, Linear(120,84)+ReLU,
//                    Linear(84,10)
//   sutd_lstm        x [128, 10, 33] (sequence-first) -> logits [10, 8]   LSTM(33, 128, 2),
//                    the last time step, Linear(128, 8)
//   clairvoyant_mlp  x [128, 58] -> logits [128, 10]   58-512-256-128-64-10, ReLU and
//                    Dropout(0.2) after each hidden layer
//
// Cases, each run by both libraries:
//   <model>/train_step   one training step: zero_grad, forward, cross-entropy loss on random
//                        labels, backward, Adam step (lr 1e-3). One step runs before timing, so
//                        Adam's state is allocated and the steady state is measured.
//   <model>/inference    forward only, eval mode (Dropout off), no graph recorded.
//   linear_fc1/forward   SUTD fc1, Linear(118720, 120) on x [10, 118720], no graph recorded.
//   linear_fc1/forward_backward   the same, then backward(ones) to x, weight and bias (x requires
//                        grad as fc1's input does inside the CNN); gradients cleared each time.
//   cross_entropy_128x10/forward_backward   cross_entropy(logits [128, 10], labels [128]) and
//                        backward to the logits.
// Inputs and labels are random (fixed seeds). items_per_second is samples per second.
// Both libraries run on the same number of threads.
//
// Usage:  bench_models [--threads=N] [Google Benchmark flags]
//         Threads default to 2 or $TIMBRE_BENCH_THREADS. Example:
//         bench_models --threads=2 --benchmark_filter=sutd_lstm --benchmark_min_time=2
#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "bench_main.h"
#include "layers/models/models.h"
#include "layers/nn.h"
#include "timbre.h"

#ifdef TIMBRE_BENCH_WITH_TORCH
#include <torch/torch.h>

#include "torch_models.h"
#endif

namespace {

// One of the reports' models at the reports' shapes.
struct ModelCase {
  const char* name;     // models::make_model's name
  timbre::Shape input;  // the batch's shape, in the layout the model's forward takes
  int64_t batch;        // samples per batch
  int64_t classes;      // logits per sample
};

const ModelCase kModels[] = {
    {"sutd_cnn", {10, 3, 288, 432}, 10, 10},
    {"sutd_lstm", {128, 10, 33}, 10, 8},
    {"clairvoyant_mlp", {128, 58}, 128, 10},
};

constexpr int64_t kFc1In = 16 * 70 * 106, kFc1Out = 120, kFc1Batch = 10;  // 118,720 -> 120
constexpr int64_t kLossBatch = 128, kLossClasses = 10;

void set_samples_processed(benchmark::State& state, int64_t batch) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * batch);
}

// ---- timbre ------------------------------------------------------------------------------------

void bench_timbre_train_step(benchmark::State& state, ModelCase m) {
  omp_set_num_threads(g_threads);
  using namespace timbre;
  manual_seed(0);
  std::shared_ptr<nn::Module> model = models::make_model(m.name);
  model->train();
  const Tensor x = randn(m.input);
  const Tensor labels = randint(0, m.classes, {m.batch});
  nn::Adam optimizer(model->parameters(), 1e-3);
  auto step = [&] {
    optimizer.zero_grad();
    Tensor loss = nn::cross_entropy((*model)(x), labels);
    loss.backward();
    optimizer.step();
    return loss;
  };
  step();  // allocates Adam's state
  for (auto _ : state) {
    Tensor loss = step();
    benchmark::DoNotOptimize(loss.raw_data_ptr());
    benchmark::ClobberMemory();
  }
  set_samples_processed(state, m.batch);
}

void bench_timbre_inference(benchmark::State& state, ModelCase m) {
  omp_set_num_threads(g_threads);
  using namespace timbre;
  manual_seed(0);
  std::shared_ptr<nn::Module> model = models::make_model(m.name);
  model->eval();
  const Tensor x = randn(m.input);
  NoGradGuard no_grad;
  for (auto _ : state) {
    Tensor logits = (*model)(x);
    benchmark::DoNotOptimize(logits.raw_data_ptr());
    benchmark::ClobberMemory();
  }
  set_samples_processed(state, m.batch);
}

void bench_timbre_fc1(benchmark::State& state, bool backward) {
  omp_set_num_threads(g_threads);
  using namespace timbre;
  manual_seed(0);
  nn::Linear fc1(kFc1In, kFc1Out);
  Tensor x = randn({kFc1Batch, kFc1In});
  x.set_requires_grad(backward);
  const Tensor grad_out = ones({kFc1Batch, kFc1Out});
  std::optional<NoGradGuard> no_grad;
  if (!backward) no_grad.emplace();
  for (auto _ : state) {
    Tensor y = fc1(x);
    if (backward) {
      y.backward(grad_out);
      x.zero_grad();
      fc1.zero_grad();
    }
    benchmark::DoNotOptimize(y.raw_data_ptr());
    benchmark::ClobberMemory();
  }
  set_samples_processed(state, kFc1Batch);
}

void bench_timbre_cross_entropy(benchmark::State& state) {
  omp_set_num_threads(g_threads);
  using namespace timbre;
  manual_seed(0);
  Tensor logits = randn({kLossBatch, kLossClasses});
  logits.set_requires_grad(true);
  const Tensor labels = randint(0, kLossClasses, {kLossBatch});
  for (auto _ : state) {
    Tensor loss = nn::cross_entropy(logits, labels);
    loss.backward();
    benchmark::DoNotOptimize(logits.grad().raw_data_ptr());
    logits.zero_grad();
    benchmark::ClobberMemory();
  }
  set_samples_processed(state, kLossBatch);
}

// ---- libtorch ----------------------------------------------------------------------------------

#ifdef TIMBRE_BENCH_WITH_TORCH
namespace F = torch::nn::functional;
using bench::TorchClairvoyantMlp;
using bench::TorchSutdCnn;
using bench::TorchSutdLstm;

torch::IntArrayRef torch_sizes(const timbre::Shape& shape) {
  return torch::IntArrayRef(shape.data(), shape.size());
}

template <typename Model>
void bench_torch_train_step(benchmark::State& state, ModelCase m) {
  torch::set_num_threads(g_threads);
  torch::manual_seed(0);
  Model model;
  model->train();
  const torch::Tensor x = torch::randn(torch_sizes(m.input));
  const torch::Tensor labels = torch::randint(0, m.classes, {m.batch}, torch::kInt64);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
  auto step = [&] {
    optimizer.zero_grad();
    torch::Tensor loss = F::cross_entropy(model->forward(x), labels);
    loss.backward();
    optimizer.step();
    return loss;
  };
  step();  // allocates Adam's state
  for (auto _ : state) {
    torch::Tensor loss = step();
    benchmark::DoNotOptimize(loss.data_ptr<float>());
    benchmark::ClobberMemory();
  }
  set_samples_processed(state, m.batch);
}

template <typename Model>
void bench_torch_inference(benchmark::State& state, ModelCase m) {
  torch::set_num_threads(g_threads);
  torch::manual_seed(0);
  Model model;
  model->eval();
  const torch::Tensor x = torch::randn(torch_sizes(m.input));
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    torch::Tensor logits = model->forward(x);
    benchmark::DoNotOptimize(logits.data_ptr<float>());
    benchmark::ClobberMemory();
  }
  set_samples_processed(state, m.batch);
}

void bench_torch_fc1(benchmark::State& state, bool backward) {
  torch::set_num_threads(g_threads);
  torch::manual_seed(0);
  torch::nn::Linear fc1(kFc1In, kFc1Out);
  torch::Tensor x = torch::randn({kFc1Batch, kFc1In});
  x.set_requires_grad(backward);
  const torch::Tensor grad_out = torch::ones({kFc1Batch, kFc1Out});
  std::optional<torch::NoGradGuard> no_grad;
  if (!backward) no_grad.emplace();
  for (auto _ : state) {
    torch::Tensor y = fc1(x);
    if (backward) {
      y.backward(grad_out);
      x.mutable_grad().reset();
      fc1->zero_grad();
    }
    benchmark::DoNotOptimize(y.data_ptr<float>());
    benchmark::ClobberMemory();
  }
  set_samples_processed(state, kFc1Batch);
}

void bench_torch_cross_entropy(benchmark::State& state) {
  torch::set_num_threads(g_threads);
  torch::manual_seed(0);
  torch::Tensor logits = torch::randn({kLossBatch, kLossClasses});
  logits.set_requires_grad(true);
  const torch::Tensor labels = torch::randint(0, kLossClasses, {kLossBatch}, torch::kInt64);
  for (auto _ : state) {
    torch::Tensor loss = F::cross_entropy(logits, labels);
    loss.backward();
    benchmark::DoNotOptimize(logits.grad().data_ptr<float>());
    logits.mutable_grad().reset();
    benchmark::ClobberMemory();
  }
  set_samples_processed(state, kLossBatch);
}
#endif

#ifdef TIMBRE_BENCH_WITH_TORCH
template <typename Model>
struct TorchTrainStep {
  static void run(benchmark::State& state, ModelCase m) { bench_torch_train_step<Model>(state, m); }
};
template <typename Model>
struct TorchInference {
  static void run(benchmark::State& state, ModelCase m) { bench_torch_inference<Model>(state, m); }
};

// Registers Bench<the torch::nn module equivalent to m.name>::run.
template <template <typename> class Bench>
void add_torch(const std::string& name, const ModelCase& m) {
  const std::string model = m.name;
  if (model == "sutd_cnn") {
    add_benchmark(name, Bench<TorchSutdCnn>::run, m);
  } else if (model == "sutd_lstm") {
    add_benchmark(name, Bench<TorchSutdLstm>::run, m);
  } else {
    add_benchmark(name, Bench<TorchClairvoyantMlp>::run, m);
  }
}
#endif

}  // namespace

int main(int argc, char** argv) {
  parse_threads_flag(&argc, argv);
  for (const ModelCase& m : kModels) {
    const std::string train = std::string(m.name) + "/train_step";
    add_benchmark("timbre/" + train, bench_timbre_train_step, m);
#ifdef TIMBRE_BENCH_WITH_TORCH
    add_torch<TorchTrainStep>("torch/" + train, m);
#endif
  }
  for (const ModelCase& m : kModels) {
    const std::string inference = std::string(m.name) + "/inference";
    add_benchmark("timbre/" + inference, bench_timbre_inference, m);
#ifdef TIMBRE_BENCH_WITH_TORCH
    add_torch<TorchInference>("torch/" + inference, m);
#endif
  }
  for (bool backward : {false, true}) {
    const std::string name =
        std::string("linear_fc1_b10/") + (backward ? "forward_backward" : "forward");
    add_benchmark("timbre/" + name, bench_timbre_fc1, backward);
#ifdef TIMBRE_BENCH_WITH_TORCH
    add_benchmark("torch/" + name, bench_torch_fc1, backward);
#endif
  }
  add_benchmark("timbre/cross_entropy_128x10/forward_backward", bench_timbre_cross_entropy);
#ifdef TIMBRE_BENCH_WITH_TORCH
  add_benchmark("torch/cross_entropy_128x10/forward_backward", bench_torch_cross_entropy);
#endif
  return run_benchmarks(argc, argv);
}
