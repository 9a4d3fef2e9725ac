// bench/bench_epochs.cpp - one training epoch of each lab's model, timbre against libtorch, in
// samples per second (float32, CPU, the same thread count on both sides).
//
// Each case is the lab's default training run (examples/<lab>/main.cpp) on random inputs: its
// batch size, its input shapes, its optimizer, and the number of training examples of its
// default synthetic data set (40 clips per genre of 30 s):
//
//   model            lab            batch  example inputs          epoch  optimizer
//   sutd_cnn         gtzan_cnn      10     [3, 288, 432]           240    Adam 1e-3
//   sutd_lstm        gtzan_lstm     10     [128, 33] batch-first   224    Adam 1e-3
//   uconn_hybrid     gtzan_hybrid   32     [3, 128, 128] and [57]  320    Adam 1e-3
//   clairvoyant_mlp  gtzan_mlp      128    [58]                    2680   Adam 1e-3
//   fma_cnn          fma_cnn        32     [1, 128, 130]           2240   SGD 0.01, momentum 0.9,
//                                                                         weight decay 5e-4
//
// Epoch sizes: 400 clips, 60% for the SUTD split (240); 8 genres x 40 clips, 70% (224); 400 clips,
// 80% (320); 4000 three-second segments, 67% (2680); 8 x 40 clips x 10 segments, 70% (2240).
//
// One benchmark iteration is one epoch: every example once, in a new shuffled order, in
// batches (the last one smaller when the size is not a multiple of the batch), and for each
// batch zero_grad, forward, cross-entropy, backward and an optimizer step. One batch is trained
// before timing, so the optimizer's state exists and the steady state is measured.
//
// The data work on the two sides (comparable, not identical):
//   timbre   data::DataLoader (shuffle on, prefetch 2: batches are prepared on a background
//            thread while the model trains) over RandomExamples, an in-memory data set that
//            copies each example out of one big tensor (as data::TensorDataset does for rows);
//            collate then copies the examples into the batch. Two copies per example.
//   libtorch the same random tensors in memory; per batch, index_select of the shuffled indices
//            (torch::randperm) on the calling thread. One copy per example, not overlapped.
// The copies are small next to the training step (e.g. 15 MB per sutd_cnn batch against ~300 ms
// of arithmetic), so the comparison is of the training itself.
//
// Usage:  bench_epochs [--threads=N] [Google Benchmark flags]
//         Threads default to 2 or $TIMBRE_BENCH_THREADS. Example:
//         bench_epochs --threads=2 --benchmark_repetitions=3 --benchmark_filter=fma_cnn
#include <benchmark/benchmark.h>
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench_main.h"
#include "data/loader.h"
#include "layers/models/models.h"
#include "layers/models/sutd_lstm.h"
#include "layers/nn.h"
#include "layers/optim.h"
#include "timbre.h"

#ifdef TIMBRE_BENCH_WITH_TORCH
#include <torch/torch.h>

#include "torch_models.h"
#endif

namespace {

// One lab's default training run.
struct LabCase {
  std::string model;                          // models::make_model's name
  int64_t batch;                              // examples per batch
  int64_t epoch_size;                         // examples per epoch
  std::vector<timbre::Shape> example_shapes;  // each input of one example, no batch dimension
  int64_t classes;                            // logits per example
  bool sgd;                                   // SGD (momentum 0.9, weight decay 5e-4), else Adam
  double learning_rate;
};

const LabCase kLabs[] = {
    {"sutd_cnn", 10, 240, {{3, 288, 432}}, 10, false, 1e-3},
    {"sutd_lstm", 10, 224, {{128, 33}}, 8, false, 1e-3},
    {"uconn_hybrid", 32, 320, {{3, 128, 128}, {57}}, 10, false, 1e-3},
    {"clairvoyant_mlp", 128, 2680, {{58}}, 10, false, 1e-3},
    {"fma_cnn", 32, 2240, {{1, 128, 130}}, 8, true, 0.01},
};

constexpr double kMomentum = 0.9, kWeightDecay = 5e-4;  // fma_cnn's SGD (examples/fma_cnn)

// samples_per_second = examples trained / wall-clock seconds (kIsRate divides by the real time,
// as add_benchmark asks for real time).
void report_samples_per_second(benchmark::State& state, int64_t epoch_size) {
  state.counters["samples_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(epoch_size),
                         benchmark::Counter::kIsRate);
}

// ---- timbre ------------------------------------------------------------------------------------

// Random examples held in memory, like data::TensorDataset but with inputs of any shape and any
// number of inputs per example (the hybrid model takes a picture and a feature row).
// inputs k: [size, example_shapes[k]...]; example i: inputs {row i of each, copied}, label
// i % classes.
class RandomExamples : public timbre::data::Dataset {
 public:
  RandomExamples(const std::vector<timbre::Shape>& example_shapes, int64_t size, int64_t classes)
      : size_(size), classes_(classes) {
    for (const timbre::Shape& example_shape : example_shapes) {
      timbre::Shape shape = {size};
      shape.insert(shape.end(), example_shape.begin(), example_shape.end());
      inputs_.push_back(timbre::randn(shape));
    }
  }

  int64_t size() const override { return size_; }

  timbre::data::Example get(int64_t index) const override {
    timbre::data::Example example;
    for (const timbre::Tensor& input : inputs_)
      example.inputs.push_back(input.select(0, index).clone());
    example.label = index % classes_;
    return example;
  }

 private:
  int64_t size_;
  int64_t classes_;
  std::vector<timbre::Tensor> inputs_;
};

// The model as the lab builds it: gtzan_lstm runs the LSTM batch-first.
std::shared_ptr<timbre::nn::Module> make_lab_model(const LabCase& lab) {
  if (lab.model == "sutd_lstm") return std::make_shared<timbre::models::SutdLstm>(true);
  return timbre::models::make_model(lab.model);
}

std::unique_ptr<timbre::nn::Optimizer> make_optimizer(const LabCase& lab,
                                                      std::vector<timbre::Tensor> parameters) {
  if (lab.sgd) {
    return std::make_unique<timbre::nn::SGD>(std::move(parameters), lab.learning_rate, kMomentum,
                                             0.0, kWeightDecay);
  }
  return std::make_unique<timbre::nn::Adam>(std::move(parameters), lab.learning_rate);
}

void bench_timbre_epoch(benchmark::State& state, LabCase lab) {
  omp_set_num_threads(g_threads);
  using namespace timbre;
  manual_seed(0);
  std::shared_ptr<nn::Module> model = make_lab_model(lab);
  model->train();
  std::unique_ptr<nn::Optimizer> optimizer = make_optimizer(lab, model->parameters());
  data::DataLoader loader(
      std::make_shared<RandomExamples>(lab.example_shapes, lab.epoch_size, lab.classes),
      {.batch_size = lab.batch, .shuffle = true, .seed = 0, .prefetch = 2});
  auto train_step = [&](const data::Batch& batch) {
    optimizer->zero_grad();
    Tensor loss =
        nn::cross_entropy(models::forward_batch_first(*model, batch.inputs), batch.labels);
    loss.backward();
    optimizer->step();
    benchmark::DoNotOptimize(loss.raw_data_ptr());
  };
  loader.start_epoch(0);
  train_step(*loader.next());  // allocates the optimizer's state
  int64_t epoch = 1;
  for (auto _ : state) {
    loader.start_epoch(epoch++);
    while (std::optional<data::Batch> batch = loader.next())
      train_step(*batch);
    benchmark::ClobberMemory();
  }
  report_samples_per_second(state, lab.epoch_size);
}

// ---- libtorch ----------------------------------------------------------------------------------

#ifdef TIMBRE_BENCH_WITH_TORCH
namespace F = torch::nn::functional;

// A batch through a one-input model.
template <typename Model>
torch::Tensor torch_forward(Model& model, const std::vector<torch::Tensor>& inputs) {
  return model->forward(inputs[0]);
}

// A batch through the hybrid model: picture and features.
torch::Tensor torch_forward(bench::TorchUconnHybrid& model,
                            const std::vector<torch::Tensor>& inputs) {
  return model->forward(inputs[0], inputs[1]);
}

std::unique_ptr<torch::optim::Optimizer> make_torch_optimizer(
    const LabCase& lab, std::vector<torch::Tensor> parameters) {
  if (lab.sgd) {
    return std::make_unique<torch::optim::SGD>(
        std::move(parameters),
        torch::optim::SGDOptions(lab.learning_rate).momentum(kMomentum).weight_decay(kWeightDecay));
  }
  return std::make_unique<torch::optim::Adam>(std::move(parameters),
                                              torch::optim::AdamOptions(lab.learning_rate));
}

template <typename Model>
void bench_torch_epoch(benchmark::State& state, const LabCase& lab, Model model) {
  torch::set_num_threads(g_threads);
  torch::manual_seed(0);
  model->train();
  std::unique_ptr<torch::optim::Optimizer> optimizer =
      make_torch_optimizer(lab, model->parameters());
  // The data set in memory: inputs k [epoch_size, example_shapes[k]...], label i % classes.
  std::vector<torch::Tensor> all_inputs;
  for (const timbre::Shape& example_shape : lab.example_shapes) {
    std::vector<int64_t> shape = {lab.epoch_size};
    shape.insert(shape.end(), example_shape.begin(), example_shape.end());
    all_inputs.push_back(torch::randn(shape));
  }
  const torch::Tensor all_labels = torch::arange(lab.epoch_size, torch::kInt64) % lab.classes;

  // Trains on the examples at `indices`, gathered into a batch.
  auto train_step = [&](const torch::Tensor& indices) {
    std::vector<torch::Tensor> inputs;
    for (const torch::Tensor& input : all_inputs)
      inputs.push_back(input.index_select(0, indices));
    const torch::Tensor labels = all_labels.index_select(0, indices);
    optimizer->zero_grad();
    torch::Tensor loss = F::cross_entropy(torch_forward(model, inputs), labels);
    loss.backward();
    optimizer->step();
    benchmark::DoNotOptimize(loss.data_ptr<float>());
  };
  train_step(torch::arange(lab.batch, torch::kInt64));  // allocates the optimizer's state
  for (auto _ : state) {
    const torch::Tensor order = torch::randperm(lab.epoch_size, torch::kInt64);
    for (int64_t start = 0; start < lab.epoch_size; start += lab.batch) {
      train_step(order.slice(0, start, std::min(start + lab.batch, lab.epoch_size)));
    }
    benchmark::ClobberMemory();
  }
  report_samples_per_second(state, lab.epoch_size);
}

// Registers the libtorch epoch of lab.model with its torch::nn equivalent.
void add_torch_epoch(const std::string& name, const LabCase& lab) {
  using namespace bench;
  if (lab.model == "sutd_cnn") {
    add_benchmark(
        name,
        [](benchmark::State& state, LabCase lab_case) {
          bench_torch_epoch(state, lab_case, TorchSutdCnn());
        },
        lab);
  } else if (lab.model == "sutd_lstm") {
    add_benchmark(
        name,
        [](benchmark::State& state, LabCase lab_case) {
          bench_torch_epoch(state, lab_case, TorchSutdLstm(true));
        },
        lab);
  } else if (lab.model == "uconn_hybrid") {
    add_benchmark(
        name,
        [](benchmark::State& state, LabCase lab_case) {
          bench_torch_epoch(state, lab_case, TorchUconnHybrid());
        },
        lab);
  } else if (lab.model == "clairvoyant_mlp") {
    add_benchmark(
        name,
        [](benchmark::State& state, LabCase lab_case) {
          bench_torch_epoch(state, lab_case, TorchClairvoyantMlp());
        },
        lab);
  } else {  // fma_cnn, the last of kLabs
    add_benchmark(
        name,
        [](benchmark::State& state, LabCase lab_case) {
          bench_torch_epoch(state, lab_case, TorchFmaCnn());
        },
        lab);
  }
}
#endif

}  // namespace

int main(int argc, char** argv) {
  parse_threads_flag(&argc, argv);
  for (const LabCase& lab : kLabs) {
    const std::string name = lab.model + "/epoch";
    add_benchmark("timbre/" + name, bench_timbre_epoch, lab);
#ifdef TIMBRE_BENCH_WITH_TORCH
    add_torch_epoch("torch/" + name, lab);
#endif
  }
  return run_benchmarks(argc, argv);
}
