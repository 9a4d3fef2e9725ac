// bench/bench_conv.cpp - timbre's conv2d and max_pool2d (float32) against libtorch's.
//
// Shapes are the two convolutions of the SUTD CNN, batch 10:
//   conv1: x [10, 3, 288, 432], weight [6, 3, 5, 5]  -> y [10, 6, 284, 428]
//   conv2: x [10, 6, 142, 214], weight [16, 6, 3, 3] -> y [10, 16, 140, 212]
// and max_pool2d(2) on each convolution's output.
//
// Each case runs through the public, differentiable API on both sides (timbre::conv2d and
// torch::conv2d, then .backward(grad_out)), so the numbers include what a training step pays:
//   forward                      no graph recorded
//   forward_backward_input       only x requires grad      (dL/dx: GEMM + col2im)
//   forward_backward_weight      only weight, bias do      (dL/dW: im2col + GEMM; a first layer)
//   forward_backward_all         all three
// Both libraries run on the same number of threads (2 unless --threads=N or
// $TIMBRE_BENCH_THREADS).
//
// Usage:  bench_conv [--threads=N] [Google Benchmark flags, e.g. --benchmark_filter=conv1]
#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "bench_main.h"
#include "timbre.h"

#ifdef TIMBRE_BENCH_WITH_TORCH
#include <torch/torch.h>
#endif

namespace {

struct ConvCase {
  const char* name;
  int64_t batch, in_channels, height, width, out_channels, kernel;
};

const ConvCase kCases[] = {
    {"conv1", 10, 3, 288, 432, 6, 5},
    {"conv2", 10, 6, 142, 214, 16, 3},
};

// Which tensors require a gradient (and so what backward computes).
enum class Pass { Forward, BackwardInput, BackwardWeight, BackwardAll };

const char* pass_name(Pass pass) {
  switch (pass) {
    case Pass::Forward:
      return "forward";
    case Pass::BackwardInput:
      return "forward_backward_input";
    case Pass::BackwardWeight:
      return "forward_backward_weight";
    case Pass::BackwardAll:
      return "forward_backward_all";
  }
  return "";
}

bool input_needs_grad(Pass pass) {
  return pass == Pass::BackwardInput || pass == Pass::BackwardAll;
}
bool weight_needs_grad(Pass pass) {
  return pass == Pass::BackwardWeight || pass == Pass::BackwardAll;
}

void bench_timbre_conv(benchmark::State& state, ConvCase c, Pass pass) {
  omp_set_num_threads(g_threads);
  using namespace timbre;
  Generator generator(1);
  Tensor x = uniform({c.batch, c.in_channels, c.height, c.width}, -1, 1, {}, &generator);
  Tensor weight =
      uniform({c.out_channels, c.in_channels, c.kernel, c.kernel}, -0.1, 0.1, {}, &generator);
  Tensor bias = uniform({c.out_channels}, -0.1, 0.1, {}, &generator);
  x.set_requires_grad(input_needs_grad(pass));
  weight.set_requires_grad(weight_needs_grad(pass));
  bias.set_requires_grad(weight_needs_grad(pass));
  const Tensor grad_out = ones(conv2d(x.detach(), weight.detach(), bias.detach()).sizes());
  for (auto _ : state) {
    Tensor y = conv2d(x, weight, bias);
    if (pass != Pass::Forward) {
      y.backward(grad_out);
      x.zero_grad();
      weight.zero_grad();
      bias.zero_grad();
    }
    benchmark::DoNotOptimize(y.raw_data_ptr());
  }
}

void bench_timbre_max_pool(benchmark::State& state, ConvCase c, bool backward) {
  omp_set_num_threads(g_threads);
  using namespace timbre;
  const int64_t OH = c.height - c.kernel + 1, OW = c.width - c.kernel + 1;
  Generator generator(2);
  Tensor x = uniform({c.batch, c.out_channels, OH, OW}, -1, 1, {}, &generator);
  x.set_requires_grad(backward);
  const Tensor grad_out = ones({c.batch, c.out_channels, OH / 2, OW / 2});
  for (auto _ : state) {
    Tensor y = max_pool2d(x, 2);
    if (backward) {
      y.backward(grad_out);
      x.zero_grad();
    }
    benchmark::DoNotOptimize(y.raw_data_ptr());
  }
}

#ifdef TIMBRE_BENCH_WITH_TORCH
void bench_torch_conv(benchmark::State& state, ConvCase c, Pass pass) {
  torch::set_num_threads(g_threads);
  torch::manual_seed(0);
  torch::Tensor x = torch::rand({c.batch, c.in_channels, c.height, c.width}) * 2 - 1;
  torch::Tensor weight =
      (torch::rand({c.out_channels, c.in_channels, c.kernel, c.kernel}) - 0.5) / 5;
  torch::Tensor bias = (torch::rand({c.out_channels}) - 0.5) / 5;
  x.set_requires_grad(input_needs_grad(pass));
  weight.set_requires_grad(weight_needs_grad(pass));
  bias.set_requires_grad(weight_needs_grad(pass));
  // The forward case records no graph on either side.
  std::optional<torch::NoGradGuard> no_grad;
  if (pass == Pass::Forward) no_grad.emplace();
  const torch::Tensor grad_out =
      torch::ones_like(torch::conv2d(x.detach(), weight.detach(), bias.detach()));
  for (auto _ : state) {
    torch::Tensor y = torch::conv2d(x, weight, bias);
    if (pass != Pass::Forward) {
      y.backward(grad_out);
      for (torch::Tensor* t : {&x, &weight, &bias}) {
        if (t->grad().defined()) t->mutable_grad().reset();
      }
    }
    benchmark::DoNotOptimize(y.data_ptr<float>());
  }
}

void bench_torch_max_pool(benchmark::State& state, ConvCase c, bool backward) {
  torch::set_num_threads(g_threads);
  torch::manual_seed(0);
  const int64_t OH = c.height - c.kernel + 1, OW = c.width - c.kernel + 1;
  torch::Tensor x = torch::rand({c.batch, c.out_channels, OH, OW}) * 2 - 1;
  x.set_requires_grad(backward);
  const torch::Tensor grad_out = torch::ones({c.batch, c.out_channels, OH / 2, OW / 2});
  for (auto _ : state) {
    torch::Tensor y = torch::max_pool2d(x, 2);
    if (backward) {
      y.backward(grad_out);
      x.mutable_grad().reset();
    }
    benchmark::DoNotOptimize(y.data_ptr<float>());
  }
}
#endif

}  // namespace

int main(int argc, char** argv) {
  parse_threads_flag(&argc, argv);
  for (const ConvCase& c : kCases) {
    for (Pass pass :
         {Pass::Forward, Pass::BackwardInput, Pass::BackwardWeight, Pass::BackwardAll}) {
      const std::string suffix = std::string(c.name) + "/" + pass_name(pass);
      add_benchmark("timbre/conv2d/" + suffix, bench_timbre_conv, c, pass);
#ifdef TIMBRE_BENCH_WITH_TORCH
      add_benchmark("torch/conv2d/" + suffix, bench_torch_conv, c, pass);
#endif
    }
    for (bool backward : {false, true}) {
      const std::string suffix =
          std::string(c.name) + (backward ? "/forward_backward" : "/forward");
      add_benchmark("timbre/max_pool2d/" + suffix, bench_timbre_max_pool, c, backward);
#ifdef TIMBRE_BENCH_WITH_TORCH
      add_benchmark("torch/max_pool2d/" + suffix, bench_torch_max_pool, c, backward);
#endif
    }
  }
  return run_benchmarks(argc, argv);
}
