// bench/bench_lstm.cpp - timbre's nn::LSTM against libtorch's torch::nn::LSTM (float32, CPU).
//
// The model of the SUTD speech LSTM: LSTM(input 33, hidden 128, 2 layers, batch_first) on a
// batch of 10 sequences of 128 steps, x: [10, 128, 33] -> out: [10, 128, 128].
//
//   inference         forward only, no graph recorded (NoGradGuard on both sides)
//   forward_backward  forward, L = sum(out), backward to every parameter (one training step
//                     without the optimizer); gradients are cleared before each iteration
//
// Both libraries run on the same number of threads.
//
// Usage:  bench_lstm [--threads=N] [Google Benchmark flags]
//         Threads default to 2 or $TIMBRE_BENCH_THREADS. Example:
//         bench_lstm --threads=2 --benchmark_min_time=2
#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "bench_main.h"
#include "layers/lstm.h"

#ifdef TIMBRE_BENCH_WITH_TORCH
#include <torch/torch.h>
#endif

namespace {

constexpr int64_t kInput = 33, kHidden = 128, kLayers = 2, kBatch = 10, kSteps = 128;

void bench_timbre_inference(benchmark::State& state) {
  omp_set_num_threads(g_threads);
  timbre::manual_seed(0);
  timbre::nn::LSTM lstm(kInput, kHidden, kLayers, true, true);
  const timbre::Tensor x = timbre::randn({kBatch, kSteps, kInput});
  timbre::NoGradGuard no_grad;
  for (auto _ : state) {
    timbre::nn::LSTMOutput r = lstm.forward(x, std::nullopt);
    benchmark::DoNotOptimize(r.output.raw_data_ptr());
  }
}

void bench_timbre_forward_backward(benchmark::State& state) {
  omp_set_num_threads(g_threads);
  timbre::manual_seed(0);
  timbre::nn::LSTM lstm(kInput, kHidden, kLayers, true, true);
  const timbre::Tensor x = timbre::randn({kBatch, kSteps, kInput});
  for (auto _ : state) {
    lstm.zero_grad();
    timbre::Tensor loss = timbre::sum(lstm(x));
    loss.backward();
    benchmark::DoNotOptimize(lstm.weight_hh[0].grad().raw_data_ptr());
  }
}

#ifdef TIMBRE_BENCH_WITH_TORCH
torch::nn::LSTM make_torch_lstm() {
  torch::set_num_threads(g_threads);
  torch::manual_seed(0);
  return torch::nn::LSTM(
      torch::nn::LSTMOptions(kInput, kHidden).num_layers(kLayers).batch_first(true));
}

void bench_torch_inference(benchmark::State& state) {
  torch::nn::LSTM lstm = make_torch_lstm();
  const torch::Tensor x = torch::randn({kBatch, kSteps, kInput});
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    torch::Tensor out = std::get<0>(lstm->forward(x));
    benchmark::DoNotOptimize(out.data_ptr<float>());
  }
}

void bench_torch_forward_backward(benchmark::State& state) {
  torch::nn::LSTM lstm = make_torch_lstm();
  const torch::Tensor x = torch::randn({kBatch, kSteps, kInput});
  for (auto _ : state) {
    lstm->zero_grad();
    torch::Tensor loss = std::get<0>(lstm->forward(x)).sum();
    loss.backward();
    benchmark::DoNotOptimize(lstm->parameters()[1].grad().data_ptr<float>());
  }
}
#endif

}  // namespace

int main(int argc, char** argv) {
  parse_threads_flag(&argc, argv);
  add_benchmark("timbre/lstm_33x128x2_b10_t128/inference", bench_timbre_inference);
#ifdef TIMBRE_BENCH_WITH_TORCH
  add_benchmark("torch/lstm_33x128x2_b10_t128/inference", bench_torch_inference);
#endif
  add_benchmark("timbre/lstm_33x128x2_b10_t128/forward_backward", bench_timbre_forward_backward);
#ifdef TIMBRE_BENCH_WITH_TORCH
  add_benchmark("torch/lstm_33x128x2_b10_t128/forward_backward", bench_torch_forward_backward);
#endif
  return run_benchmarks(argc, argv);
}
