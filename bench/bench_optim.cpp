// bench/bench_optim.cpp - one Adam step over 14,258,870 float32 parameters (the parameter count
// of the SUTD CNN), timbre::nn::Adam against libtorch's torch::optim::Adam, on the same number
// of threads.
//
// An Adam step does almost no arithmetic per element, so its speed is set by memory traffic.
// timbre's fused loop reads p, g, m, v and writes p, m, v once each: 7 * 4 bytes per parameter,
// about 400 MB per step. The counter "GB/s" reports that traffic divided by the time, so it can
// be compared with the machine's memory bandwidth. libtorch 1.13's C++ Adam runs one tensor op
// after another (mul_, add_, addcmul_, sqrt, div, add_, addcdiv_), each a pass over memory.
//
// Usage:  bench_optim [--threads=N] [Google Benchmark flags]
//         Threads default to 2 or $TIMBRE_BENCH_THREADS.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench_main.h"
#include "layers/optim.h"
#include "timbre.h"

#ifdef TIMBRE_BENCH_WITH_TORCH
#include <torch/torch.h>
#endif

namespace {

constexpr int64_t kParameterCount = 14'258'870;
// Bytes moved by one fused Adam step per parameter: read p, g, m, v; write p, m, v.
constexpr double kBytesPerParameter = 7 * sizeof(float);

void set_bandwidth_counter(benchmark::State& state) {
  state.counters["GB/s"] = benchmark::Counter(kParameterCount * kBytesPerParameter / 1e9,
                                              benchmark::Counter::kIsIterationInvariantRate);
}

void bench_timbre_adam(benchmark::State& state) {
  omp_set_num_threads(g_threads);
  timbre::Tensor parameter = timbre::randn({kParameterCount}).set_requires_grad(true);
  parameter.set_grad(timbre::randn({kParameterCount}));
  timbre::nn::Adam optimizer({parameter}, 1e-3);
  optimizer.step();  // the first step allocates the state; measure the steady state
  for (auto _ : state) {
    optimizer.step();
    benchmark::DoNotOptimize(parameter.raw_data_ptr());
  }
  set_bandwidth_counter(state);
}

#ifdef TIMBRE_BENCH_WITH_TORCH
void bench_torch_adam(benchmark::State& state) {
  torch::set_num_threads(g_threads);
  torch::manual_seed(0);
  torch::Tensor parameter = torch::randn({kParameterCount}).requires_grad_(true);
  parameter.mutable_grad() = torch::randn({kParameterCount});
  torch::optim::Adam optimizer({parameter}, torch::optim::AdamOptions(1e-3));
  optimizer.step();
  for (auto _ : state) {
    optimizer.step();
    benchmark::DoNotOptimize(parameter.data_ptr());
  }
  set_bandwidth_counter(state);
}
#endif

}  // namespace

int main(int argc, char** argv) {
  parse_threads_flag(&argc, argv);
  add_benchmark("timbre/adam_step_14M", bench_timbre_adam);
#ifdef TIMBRE_BENCH_WITH_TORCH
  add_benchmark("torch/adam_step_14M", bench_torch_adam);
#endif
  return run_benchmarks(argc, argv);
}
