// bench/bench_cuda.cpp - timbre's CUDA kernels on the reports' shapes, timed on the GPU.
//
// GPU work is asynchronous: the host only queues kernels, so a host clock would time the
// queueing. Each iteration is therefore bracketed by two CUDA events recorded on the device's
// stream, and the benchmark reports the GPU time between them (UseManualTime). Every case runs
// a few warm-up iterations first (cuBLAS handle creation, the caching allocator filling up), and
// Google Benchmark repeats it (--benchmark_repetitions=5 gives the median).
//
// Without a usable GPU each case is skipped with the reason (it still compiles everywhere).
//   ./bench_cuda --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <cuda_runtime.h>

#include <functional>
#include <memory>
#include <string>

#include "bench_main.h"
#include "layers/models/models.h"
#include "layers/nn.h"
#include "tensor/cuda/cuda_check.h"
#include "tensor/kernels.h"
#include "tensor/kernels_conv.h"
#include "tensor/cuda_runtime_info.h"
#include "timbre.h"

using namespace timbre;

namespace {

const Device kGpu = Device::cuda(0);

// Times `step` with CUDA events: warm-up, then one measured GPU interval per iteration.
void time_on_gpu(benchmark::State& state, const std::function<void()>& step) {
  if (cuda::device_count() == 0) {
    state.SkipWithError(("no CUDA device: " + cuda::unavailable_reason()).c_str());
    return;
  }
  for (int i = 0; i < 3; ++i)
    step();
  cudaStream_t stream = cuda::stream_for(0);
  cudaEvent_t start = nullptr, stop = nullptr;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  for (auto _ : state) {
    cudaEventRecord(start, stream);
    step();
    cudaEventRecord(stop, stream);
    cudaEventSynchronize(stop);
    float milliseconds = 0;
    cudaEventElapsedTime(&milliseconds, start, stop);
    state.SetIterationTime(milliseconds / 1000.0);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
}

Tensor random_on_gpu(const Shape& sizes, bool requires_grad = false) {
  Tensor x = randn(sizes).to(kGpu);
  if (requires_grad) x.set_requires_grad(true);
  return x;
}

// ---- Cases ------------------------------------------------------------------------------------

void gemm(benchmark::State& state, int64_t M, int64_t K, int64_t N) {
  if (cuda::device_count() == 0) return time_on_gpu(state, {});
  const Tensor a = random_on_gpu({M, K}), b = random_on_gpu({K, N});
  time_on_gpu(state, [&] { kernels::matmul(a, b); });
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * M * N * K, benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}

// SUTD conv1: batch 10 of 3 x 288 x 432, Conv2d(3, 6, 5).
void conv_forward(benchmark::State& state) {
  if (cuda::device_count() == 0) return time_on_gpu(state, {});
  const Tensor x = random_on_gpu({10, 3, 288, 432}), w = random_on_gpu({6, 3, 5, 5});
  const Tensor b = random_on_gpu({6});
  time_on_gpu(state, [&] { kernels::conv2d(x, w, b, {}); });
}

void conv_forward_backward(benchmark::State& state) {
  if (cuda::device_count() == 0) return time_on_gpu(state, {});
  const Tensor x = random_on_gpu({10, 3, 288, 432}, true), w = random_on_gpu({6, 3, 5, 5}, true);
  const Tensor b = random_on_gpu({6}, true);
  time_on_gpu(state, [&] { conv2d(x, w, b).sum().backward(); });
}

void max_pool_forward_backward(benchmark::State& state) {
  if (cuda::device_count() == 0) return time_on_gpu(state, {});
  const Tensor x = random_on_gpu({10, 6, 284, 428}, true);
  time_on_gpu(state, [&] { max_pool2d(x, 2).sum().backward(); });
}

// sutd_lstm's LSTM(33, 128, 2), batch 10, 128 steps, forward and backward.
void lstm_forward_backward(benchmark::State& state) {
  if (cuda::device_count() == 0) return time_on_gpu(state, {});
  auto lstm = std::make_shared<nn::LSTM>(33, 128, 2);
  lstm->to(kGpu);
  const Tensor x = random_on_gpu({128, 10, 33});
  time_on_gpu(state, [&] { (*lstm)(x).sum().backward(); });
}

// One Adam training step of a registry model on a batch already on the GPU.
void training_step(benchmark::State& state, const std::string& name, const Shape& input) {
  if (cuda::device_count() == 0) return time_on_gpu(state, {});
  std::shared_ptr<nn::Module> model = models::make_model(name);
  model->to(kGpu);
  nn::Adam optimizer(model->parameters(), 1e-3);
  const Tensor x = random_on_gpu(input);
  const Tensor y = randint(0, 10, {input[0]}, {.dtype = kInt64}).to(kGpu);
  time_on_gpu(state, [&] {
    optimizer.zero_grad();
    nn::cross_entropy(models::forward_batch_first(*model, {x}), y).backward();
    optimizer.step();
  });
}

void register_case(const std::string& name, const std::function<void(benchmark::State&)>& run) {
  benchmark::RegisterBenchmark(name.c_str(), run)->Unit(benchmark::kMillisecond)->UseManualTime();
}

}  // namespace

int main(int argc, char** argv) {
  parse_threads_flag(&argc, argv);
  for (int64_t n : {512, 1024, 2048}) {
    register_case("cuda/sgemm_" + std::to_string(n),
                  [n](benchmark::State& state) { gemm(state, n, n, n); });
  }
  register_case("cuda/sgemm_sutd_fc1_32x118720x120",
                [](benchmark::State& state) { gemm(state, 32, 118720, 120); });
  register_case("cuda/conv1_forward", conv_forward);
  register_case("cuda/conv1_forward_backward", conv_forward_backward);
  register_case("cuda/max_pool2d_forward_backward", max_pool_forward_backward);
  register_case("cuda/lstm_2x128_forward_backward", lstm_forward_backward);
  register_case("cuda/sutd_cnn_training_step_batch10", [](benchmark::State& state) {
    training_step(state, "sutd_cnn", {10, 3, 288, 432});
  });
  register_case("cuda/sutd_lstm_training_step_batch10", [](benchmark::State& state) {
    training_step(state, "sutd_lstm", {10, 128, 33});
  });
  benchmark::AddCustomContext("gpu", cuda::device_count() > 0 ? cuda::device_properties(0).name
                                                              : cuda::unavailable_reason());
  return run_benchmarks(argc, argv);
}
