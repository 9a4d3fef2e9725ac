// bench/bench_gemm.cpp - timbre::cpu::gemm (float32) against libtorch's torch::mm.
//
// Each shape is run by both libraries on the same number of threads and reported in GFLOP/s
// (2 * M * N * K floating-point operations per product). The shapes are square matrices and
// the layers of the models in the reports:
//
//   fc1 of the SUTD CNN: nn.Linear(118720, 120) with weight W stored [120, 118720] as in PyTorch
//     forward   Y[B, 120]       = X[B, 118720]     * W^T[118720, 120]   (B = batch, 32 or 10)
//     grad_W    dW[120, 118720] = dY^T[120, 32]    * X[32, 118720]
//     grad_X    dX[32, 118720]  = dY[32, 120]      * W[120, 118720]
//   A transposed operand is a strided view (no copy) on both sides.
//
// Usage:  bench_gemm [--threads=N] [Google Benchmark flags]
//         Threads default to 2 or $TIMBRE_BENCH_THREADS. Example:
//         bench_gemm --threads=2 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bench_main.h"
#include "tensor/cpu/gemm.h"

#ifdef TIMBRE_BENCH_WITH_TORCH
#include <torch/torch.h>
#endif

namespace {

// One matrix product C[M, N] = A[M, K] * B[K, N]; trans_a / trans_b say that the operand is
// stored as its transpose (A as [K, M], B as [N, K]) and is passed as a strided view.
struct Shape {
  const char* name;
  int64_t M, N, K;
  bool trans_a, trans_b;
};

const Shape kShapes[] = {
    {"square_128", 128, 128, 128, false, false},
    {"square_512", 512, 512, 512, false, false},
    {"square_1024", 1024, 1024, 1024, false, false},
    {"square_2048", 2048, 2048, 2048, false, false},
    {"fc1_forward_b32", 32, 120, 118720, false, true},
    {"fc1_forward_b10", 10, 120, 118720, false, true},
    {"fc1_forward_b32_Bcontig", 32, 120, 118720, false, false},
    {"fc1_grad_W_b32", 120, 118720, 32, true, false},
    {"fc1_grad_X_b32", 32, 118720, 120, false, false},
    {"lstm_10x128x512", 10, 512, 128, false, false},
};

std::vector<float> random_vector(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v)
    x = dist(rng);
  return v;
}

void set_flops_counter(benchmark::State& state, const Shape& s) {
  const double flops =
      2.0 * static_cast<double>(s.M) * static_cast<double>(s.N) * static_cast<double>(s.K);
  // kIsIterationInvariantRate: flops per iteration * iterations / elapsed seconds.
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

void bench_timbre(benchmark::State& state, Shape s) {
  omp_set_num_threads(g_threads);
  const std::vector<float> a = random_vector(s.M * s.K, 1);
  const std::vector<float> b = random_vector(s.K * s.N, 2);
  std::vector<float> c(static_cast<size_t>(s.M * s.N), 0.0f);
  // Stored [M, K] (row stride K) or, transposed, stored [K, M] (row stride 1, column stride M).
  const int64_t ars = s.trans_a ? 1 : s.K, acs = s.trans_a ? s.M : 1;
  const int64_t brs = s.trans_b ? 1 : s.N, bcs = s.trans_b ? s.K : 1;
  for (auto _ : state) {
    timbre::cpu::gemm(s.M, s.N, s.K, 1.0f, a.data(), ars, acs, b.data(), brs, bcs, 0.0f, c.data(),
                      s.N);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops_counter(state, s);
  state.SetLabel(timbre::cpu::gemm_kernel_name());
}

#ifdef TIMBRE_BENCH_WITH_TORCH
void bench_torch(benchmark::State& state, Shape s) {
  torch::set_num_threads(g_threads);
  torch::manual_seed(0);
  const torch::Tensor a = s.trans_a ? torch::randn({s.K, s.M}).t() : torch::randn({s.M, s.K});
  const torch::Tensor b = s.trans_b ? torch::randn({s.N, s.K}).t() : torch::randn({s.K, s.N});
  torch::Tensor c = torch::empty({s.M, s.N});
  for (auto _ : state) {
    torch::mm_out(c, a, b);  // writes into c, like timbre (no allocation per call)
    benchmark::DoNotOptimize(c.data_ptr<float>());
    benchmark::ClobberMemory();
  }
  set_flops_counter(state, s);
}
#endif

}  // namespace

int main(int argc, char** argv) {
  parse_threads_flag(&argc, argv);
  for (const Shape& s : kShapes) {
    add_benchmark(std::string("timbre/") + s.name, bench_timbre, s);
#ifdef TIMBRE_BENCH_WITH_TORCH
    add_benchmark(std::string("torch/") + s.name, bench_torch, s);
#endif
  }
  benchmark::AddCustomContext("timbre_kernel", timbre::cpu::gemm_kernel_name());
  return run_benchmarks(argc, argv);
}
