// Every CUDA kernel against the CPU kernel on the same random inputs (label `cuda`). Without a
// GPU each test reports SKIPPED with the reason. Tolerances (|gpu - cpu| <= atol + rtol |cpu|):
//   exact ops (copies, comparisons, max/min, indexing, masks):      0
//   elementwise math (exp, tanh, ...; CUDA's libm differs by ulps): float32 1e-6, float64 1e-14
//   sums and products (other addition order; float32 sums run in double on both sides):
//                                                                    float32 1e-5, float64 1e-12
//   matmul and convolution (cuBLAS's blocking differs from the CPU GEMM's; K up to 600):
//                                                                    float32 1e-4, float64 1e-11
#include "cuda_test_helpers.h"
#include "tensor/cuda/conv_cudnn.h"
#include "tensor/kernels.h"
#include "tensor/kernels_conv.h"
#include "tensor/kernels_lstm.h"
#include "tensor/kernels_optim.h"

using namespace timbre;
using timbre::testing::expect_matches_cpu;
using timbre::testing::gpu;

namespace {

Tensor random_tensor(const Shape& sizes, DType dtype, uint64_t seed) {
  Generator generator(seed);
  return randn(sizes, {.dtype = dtype}, &generator);
}

Tensor on_gpu(const Tensor& x) {
  return x.to(gpu());
}

double elementwise_rtol(DType dtype) {
  return dtype == kFloat32 ? 1e-6 : 1e-14;
}
double sum_rtol(DType dtype) {
  return dtype == kFloat32 ? 1e-5 : 1e-12;
}
double product_rtol(DType dtype) {
  return dtype == kFloat32 ? 1e-4 : 1e-11;
}

class CudaOps : public ::testing::TestWithParam<DType> {
 protected:
  void SetUp() override { REQUIRE_GPU(); }
  DType dtype() const { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(Dtypes, CudaOps, ::testing::Values(kFloat32, kFloat64),
                         [](const auto& info) { return std::string(dtype_name(info.param)); });

}  // namespace

// ---- Copies --------------------------------------------------------------------------------

TEST_P(CudaOps, ContiguousCopyOfATransposedViewMatches) {
  const Tensor x = random_tensor({37, 53}, dtype(), 1);
  expect_matches_cpu(kernels::contiguous(on_gpu(x).t()), kernels::contiguous(x.t()), 0, 0);
}

TEST_P(CudaOps, DtypeConversionOnTheGpuMatches) {
  const Tensor x = random_tensor({1000}, dtype(), 2) * 100.0;
  const DType other = dtype() == kFloat32 ? kFloat64 : kFloat32;
  expect_matches_cpu(on_gpu(x).to(other), x.to(other), 0, 0);
  expect_matches_cpu(on_gpu(x).to(kInt64), x.to(kInt64), 0, 0);
}

TEST_P(CudaOps, CopyIntoANarrowedViewWritesOnlyTheSlice) {
  const Tensor x = zeros({8, 9}, {.dtype = dtype()});
  const Tensor x_gpu = on_gpu(x);
  const Tensor values = random_tensor({8, 3}, dtype(), 3);
  kernels::copy(x.narrow(1, 2, 3), values);
  kernels::copy(x_gpu.narrow(1, 2, 3), on_gpu(values));
  expect_matches_cpu(x_gpu, x, 0, 0);
}

TEST_P(CudaOps, CopyBetweenDevicesConvertsDtypeAndLayout) {
  const Tensor x = random_tensor({16, 24}, dtype(), 4);
  const Tensor target = zeros({24, 16}, {.dtype = kFloat64, .device = gpu()});
  kernels::copy(target, x.t());  // CPU view of another dtype -> contiguous GPU tensor
  expect_matches_cpu(target, kernels::contiguous(x.t()).to(kFloat64), 0, 0);
}

TEST_P(CudaOps, FillOfAStridedViewMatches) {
  const Tensor x = zeros({6, 10}, {.dtype = dtype()});
  const Tensor x_gpu = on_gpu(x);
  kernels::fill(x.narrow(0, 1, 3), 2.5);
  kernels::fill(x_gpu.narrow(0, 1, 3), 2.5);
  expect_matches_cpu(x_gpu, x, 0, 0);
}

// ---- Elementwise ---------------------------------------------------------------------------

TEST_P(CudaOps, EveryUnaryOpMatches) {
  const Tensor x = random_tensor({1000003}, dtype(), 5);
  const Tensor positive = abs(x) + 0.1;
  const std::vector<UnaryOp> ops = {UnaryOp::Neg,       UnaryOp::Exp,      UnaryOp::Abs,
                                    UnaryOp::Sign,      UnaryOp::Relu,     UnaryOp::Sigmoid,
                                    UnaryOp::Tanh,      UnaryOp::Clamp,    UnaryOp::InsideMask,
                                    UnaryOp::AddScalar, UnaryOp::MulScalar};
  UnaryParams params;
  params.low = -0.5;
  params.high = 0.7;
  params.scalar = 1.25;
  for (UnaryOp op : ops) {
    expect_matches_cpu(kernels::unary(op, on_gpu(x), params), kernels::unary(op, x, params),
                       elementwise_rtol(dtype()), 0, "unary op " + std::to_string(int(op)));
  }
  for (UnaryOp op : {UnaryOp::Log, UnaryOp::Sqrt, UnaryOp::PowScalar}) {
    params.exponent = 1.7;
    expect_matches_cpu(kernels::unary(op, on_gpu(positive), params),
                       kernels::unary(op, positive, params), elementwise_rtol(dtype()), 0,
                       "unary op " + std::to_string(int(op)));
  }
}

TEST_P(CudaOps, UnaryOpOfATransposedViewMatches) {
  const Tensor x = random_tensor({33, 65}, dtype(), 6);
  expect_matches_cpu(kernels::unary(UnaryOp::Tanh, on_gpu(x).t()),
                     kernels::unary(UnaryOp::Tanh, x.t()), elementwise_rtol(dtype()), 0);
}

TEST_P(CudaOps, EveryBinaryOpWithBroadcastingMatches) {
  const Tensor a = random_tensor({7, 1, 129}, dtype(), 7);
  const Tensor b = abs(random_tensor({5, 1}, dtype(), 8)) + 0.5;
  for (int op = int(BinaryOp::Add); op <= int(BinaryOp::TanhBackward); ++op) {
    const BinaryOp binary_op = static_cast<BinaryOp>(op);
    const Tensor base = binary_op == BinaryOp::Pow ? abs(a) + 0.1 : a;
    expect_matches_cpu(kernels::binary(binary_op, on_gpu(base), on_gpu(b)),
                       kernels::binary(binary_op, base, b), elementwise_rtol(dtype()), 0,
                       "binary op " + std::to_string(op));
  }
}

TEST_P(CudaOps, BinaryOpOnInt64Matches) {
  const Tensor a = randint(-50, 50, {300}, {.dtype = kInt64});
  const Tensor b = randint(-50, 50, {300}, {.dtype = kInt64});
  for (BinaryOp op : {BinaryOp::Add, BinaryOp::Mul, BinaryOp::Maximum, BinaryOp::Less}) {
    expect_matches_cpu(kernels::binary(op, on_gpu(a), on_gpu(b)), kernels::binary(op, a, b), 0, 0);
  }
}

TEST_P(CudaOps, WhereWithBroadcastingMatches) {
  const Tensor condition = kernels::binary(BinaryOp::Greater, random_tensor({4, 1, 6}, dtype(), 9),
                                           zeros({1}, {.dtype = dtype()}));
  const Tensor a = random_tensor({4, 5, 6}, dtype(), 10);
  const Tensor b = random_tensor({6}, dtype(), 11);
  expect_matches_cpu(kernels::where(on_gpu(condition), on_gpu(a), on_gpu(b)),
                     kernels::where(condition, a, b), 0, 0);
}

// ---- Reductions ----------------------------------------------------------------------------

TEST_P(CudaOps, SumMeanMaxMinOverEverySetOfDimsMatch) {
  const Tensor x = random_tensor({3, 5, 7, 33}, dtype(), 12);
  const std::vector<std::vector<int64_t>> dim_sets = {{}, {0}, {3}, {1, 2}, {0, 3}, {0, 1, 2, 3}};
  for (ReduceOp op : {ReduceOp::Sum, ReduceOp::Mean, ReduceOp::Max, ReduceOp::Min}) {
    for (const auto& dims : dim_sets) {
      expect_matches_cpu(kernels::reduce(op, on_gpu(x), dims, true),
                         kernels::reduce(op, x, dims, true), sum_rtol(dtype()), 1e-12,
                         "reduce op " + std::to_string(int(op)));
    }
  }
}

TEST_P(CudaOps, SumOfALongVectorMatches) {
  const Tensor x = random_tensor({1000003}, dtype(), 13);
  expect_matches_cpu(kernels::reduce(ReduceOp::Sum, on_gpu(x), {}, false),
                     kernels::reduce(ReduceOp::Sum, x, {}, false), sum_rtol(dtype()), 1e-9);
}

TEST_P(CudaOps, MaxPropagatesNan) {
  Tensor x = random_tensor({4, 100}, dtype(), 14);
  x.set_at({2, 37}, std::nan(""));
  expect_matches_cpu(kernels::reduce(ReduceOp::Max, on_gpu(x), {1}, false),
                     kernels::reduce(ReduceOp::Max, x, {1}, false), 0, 0);
}

TEST_P(CudaOps, ArgmaxMatchesIncludingTies) {
  Tensor x = random_tensor({50, 10}, dtype(), 15);
  x.set_at({3, 2}, 9.0);
  x.set_at({3, 7}, 9.0);  // a tie: the first index wins on both devices
  expect_matches_cpu(kernels::argmax(on_gpu(x), 1, false), kernels::argmax(x, 1, false), 0, 0);
  expect_matches_cpu(kernels::argmax(on_gpu(x), 0, true), kernels::argmax(x, 0, true), 0, 0);
}

TEST_P(CudaOps, SumOfSquaresMatches) {
  const Tensor x = random_tensor({100003}, dtype(), 16);
  EXPECT_NEAR(kernels::sum_of_squares(on_gpu(x)), kernels::sum_of_squares(x),
              1e-12 * kernels::sum_of_squares(x));
}

// ---- Softmax and cross-entropy --------------------------------------------------------------

TEST_P(CudaOps, SoftmaxAndLogSoftmaxMatchAlongEveryDim) {
  const Tensor x = random_tensor({4, 6, 9}, dtype(), 17) * 5.0;
  for (int64_t dim = 0; dim < 3; ++dim) {
    expect_matches_cpu(kernels::softmax(on_gpu(x), dim), kernels::softmax(x, dim),
                       elementwise_rtol(dtype()) * 10, 1e-15);
    expect_matches_cpu(kernels::log_softmax(on_gpu(x), dim), kernels::log_softmax(x, dim),
                       elementwise_rtol(dtype()) * 10, 1e-12);
  }
}

TEST_P(CudaOps, FusedCrossEntropyForwardAndBackwardMatch) {
  const Tensor logits = random_tensor({33, 10}, dtype(), 18) * 3.0;
  const Tensor targets = randint(0, 10, {33}, {.dtype = kInt64});
  const Tensor weight = abs(random_tensor({10}, dtype(), 19)) + 0.5;
  for (double smoothing : {0.0, 0.1}) {
    auto [losses, log_probs] = kernels::cross_entropy_forward(logits, targets, weight, smoothing);
    auto [losses_gpu, log_probs_gpu] =
        kernels::cross_entropy_forward(on_gpu(logits), on_gpu(targets), on_gpu(weight), smoothing);
    expect_matches_cpu(losses_gpu, losses, sum_rtol(dtype()), 1e-12, "losses");
    expect_matches_cpu(log_probs_gpu, log_probs, sum_rtol(dtype()), 1e-12, "log_probs");
    const Tensor grad = random_tensor({33}, dtype(), 20);
    expect_matches_cpu(kernels::cross_entropy_backward(on_gpu(grad), log_probs_gpu, on_gpu(targets),
                                                       on_gpu(weight), smoothing),
                       kernels::cross_entropy_backward(grad, log_probs, targets, weight, smoothing),
                       sum_rtol(dtype()), 1e-12, "grad_logits");
  }
}

// ---- Matrix products -----------------------------------------------------------------------

TEST_P(CudaOps, MatmulOfOddSizesMatches) {
  const Tensor a = random_tensor({67, 131}, dtype(), 21);
  const Tensor b = random_tensor({131, 29}, dtype(), 22);
  expect_matches_cpu(kernels::matmul(on_gpu(a), on_gpu(b)), kernels::matmul(a, b),
                     product_rtol(dtype()), 1e-5);
}

TEST_P(CudaOps, MatmulReadsTransposedViewsInPlace) {
  const Tensor a = random_tensor({40, 30}, dtype(), 23);
  const Tensor b = random_tensor({50, 40}, dtype(), 24);
  // (a^T) [30, 40] x (b^T) [40, 50]
  expect_matches_cpu(kernels::matmul(on_gpu(a).t(), on_gpu(b).t()), kernels::matmul(a.t(), b.t()),
                     product_rtol(dtype()), 1e-5);
}

TEST_P(CudaOps, BatchedMatmulWithBroadcastBatchMatches) {
  const Tensor a = random_tensor({3, 1, 8, 16}, dtype(), 25);
  const Tensor b = random_tensor({4, 16, 5}, dtype(), 26);
  expect_matches_cpu(kernels::matmul(on_gpu(a), on_gpu(b)), kernels::matmul(a, b),
                     product_rtol(dtype()), 1e-5);
}

TEST_P(CudaOps, BatchedMatmulOfUnevenlySpacedBatchMatches) {
  const Tensor a = random_tensor({4, 3, 6, 7}, dtype(), 27).transpose(0, 1);  // [3, 4, 6, 7]
  const Tensor b = random_tensor({3, 4, 7, 2}, dtype(), 28);
  expect_matches_cpu(kernels::matmul(on_gpu(a), on_gpu(b)), kernels::matmul(a, b),
                     product_rtol(dtype()), 1e-5);
}

// ---- Indexing ------------------------------------------------------------------------------

TEST_P(CudaOps, GatherAndScatterAddMatch) {
  const Tensor x = random_tensor({6, 10, 3}, dtype(), 29);
  const Tensor index = randint(0, 10, {6, 4, 3}, {.dtype = kInt64});
  expect_matches_cpu(kernels::gather(on_gpu(x), 1, on_gpu(index)), kernels::gather(x, 1, index), 0,
                     0);
  const Tensor src = random_tensor({6, 4, 3}, dtype(), 30);
  expect_matches_cpu(kernels::scatter_add({6, 10, 3}, 1, on_gpu(index), on_gpu(src)),
                     kernels::scatter_add({6, 10, 3}, 1, index, src), sum_rtol(dtype()), 1e-12);
}

TEST_P(CudaOps, IndexSelectAndIndexAddWithRepeatedIndicesMatch) {
  const Tensor x = random_tensor({5, 8, 4}, dtype(), 31);
  const Tensor index = from_vector(std::vector<int64_t>{3, 0, 3, 7, 3}, {5}, {.dtype = kInt64});
  expect_matches_cpu(kernels::index_select(on_gpu(x), 1, on_gpu(index)),
                     kernels::index_select(x, 1, index), 0, 0);
  const Tensor src = random_tensor({5, 5, 4}, dtype(), 32);
  expect_matches_cpu(kernels::index_add({5, 8, 4}, 1, on_gpu(index), on_gpu(src)),
                     kernels::index_add({5, 8, 4}, 1, index, src), sum_rtol(dtype()), 1e-12);
}

TEST_P(CudaOps, OutOfRangeIndexIsAnErrorNotACrash) {
  const Tensor x = on_gpu(random_tensor({4, 3}, dtype(), 33));
  const Tensor index = on_gpu(from_vector(std::vector<int64_t>{0, 3}, {2}, {.dtype = kInt64}));
  EXPECT_ERROR_CONTAINS(kernels::index_select(x, 1, index), "index 3 is out of range");
}

// ---- Convolution and pooling ---------------------------------------------------------------

// The convolution checks, run with cuDNN (when compiled in) and with the im2col + cuBLAS path.
void expect_convolutions_match(DType dtype);

TEST_P(CudaOps, ConvolutionThroughCudnnMatches) {
  if (!cuda::cudnn_enabled()) GTEST_SKIP() << cuda::cudnn_version();
  expect_convolutions_match(dtype());
}

TEST_P(CudaOps, ConvolutionThroughIm2colAndCublasMatches) {
  const bool was_enabled = cuda::cudnn_enabled();
  cuda::set_cudnn_enabled(false);
  expect_convolutions_match(dtype());
  cuda::set_cudnn_enabled(was_enabled);
}

void expect_convolutions_match(DType dtype) {
  struct Case {
    Shape x, weight;
    Conv2dParams params;
  };
  const std::vector<Case> cases = {
      {{2, 3, 17, 23}, {6, 3, 5, 5}, {}},
      {{1, 4, 16, 15}, {5, 4, 3, 3}, {.stride = 2, .padding = 1}},
      {{3, 2, 12, 12}, {4, 2, 3, 2}, {.stride = {1, 2}, .padding = {2, 0}, .dilation = 2}},
  };
  for (const Case& c : cases) {
    const Tensor x = random_tensor(c.x, dtype, 34), weight = random_tensor(c.weight, dtype, 35);
    const Tensor bias = random_tensor({c.weight[0]}, dtype, 36);
    const Tensor y = kernels::conv2d(x, weight, bias, c.params);
    expect_matches_cpu(kernels::conv2d(on_gpu(x), on_gpu(weight), on_gpu(bias), c.params), y,
                       product_rtol(dtype), 1e-5, "conv2d");
    const Tensor grad_y = random_tensor(y.sizes(), dtype, 37);
    expect_matches_cpu(
        kernels::conv2d_backward_input(on_gpu(grad_y), on_gpu(weight), c.x, c.params),
        kernels::conv2d_backward_input(grad_y, weight, c.x, c.params), product_rtol(dtype), 1e-5,
        "conv2d_backward_input");
    expect_matches_cpu(
        kernels::conv2d_backward_weight(on_gpu(grad_y), on_gpu(x), c.weight, c.params),
        kernels::conv2d_backward_weight(grad_y, x, c.weight, c.params), product_rtol(dtype), 1e-5,
        "conv2d_backward_weight");
  }
}

TEST_P(CudaOps, MaxPoolingPicksTheSameIndicesAndGradients) {
  const Tensor x = random_tensor({2, 3, 15, 14}, dtype(), 38);
  for (const Pool2dParams& params : {Pool2dParams{.kernel = 2, .stride = 2},
                                     Pool2dParams{.kernel = 3, .stride = 2, .padding = 1},
                                     Pool2dParams{.kernel = 3, .stride = 2, .ceil_mode = true}}) {
    auto [y, indices] = kernels::max_pool2d(x, params);
    auto [y_gpu, indices_gpu] = kernels::max_pool2d(on_gpu(x), params);
    expect_matches_cpu(y_gpu, y, 0, 0, "max_pool2d");
    expect_matches_cpu(indices_gpu, indices, 0, 0, "max_pool2d indices");
    const Tensor grad_y = random_tensor(y.sizes(), dtype(), 39);
    expect_matches_cpu(kernels::max_pool2d_backward(on_gpu(grad_y), indices_gpu, x.sizes()),
                       kernels::max_pool2d_backward(grad_y, indices, x.sizes()), sum_rtol(dtype()),
                       1e-12, "max_pool2d_backward");
  }
}

TEST_P(CudaOps, AveragePoolingForwardAndBackwardMatch) {
  const Tensor x = random_tensor({2, 3, 11, 13}, dtype(), 40);
  const Pool2dParams params{.kernel = 3, .stride = 2, .padding = 1, .ceil_mode = true};
  for (bool count_include_pad : {true, false}) {
    const Tensor y = kernels::avg_pool2d(x, params, count_include_pad);
    expect_matches_cpu(kernels::avg_pool2d(on_gpu(x), params, count_include_pad), y,
                       sum_rtol(dtype()), 1e-12, "avg_pool2d");
    const Tensor grad_y = random_tensor(y.sizes(), dtype(), 41);
    expect_matches_cpu(
        kernels::avg_pool2d_backward(on_gpu(grad_y), x.sizes(), params, count_include_pad),
        kernels::avg_pool2d_backward(grad_y, x.sizes(), params, count_include_pad),
        sum_rtol(dtype()), 1e-12, "avg_pool2d_backward");
  }
}

TEST_P(CudaOps, AdaptiveAveragePoolingForwardAndBackwardMatch) {
  const Tensor x = random_tensor({2, 3, 13, 10}, dtype(), 42);
  const Tensor y = kernels::adaptive_avg_pool2d(x, {4, 3});
  expect_matches_cpu(kernels::adaptive_avg_pool2d(on_gpu(x), {4, 3}), y, sum_rtol(dtype()), 1e-12);
  const Tensor grad_y = random_tensor(y.sizes(), dtype(), 43);
  expect_matches_cpu(kernels::adaptive_avg_pool2d_backward(on_gpu(grad_y), x.sizes()),
                     kernels::adaptive_avg_pool2d_backward(grad_y, x.sizes()), sum_rtol(dtype()),
                     1e-12);
}

// ---- LSTM cell, optimizers, dropout --------------------------------------------------------

TEST_P(CudaOps, LstmCellForwardAndBackwardMatch) {
  const int64_t N = 5, H = 33;
  const Tensor a = random_tensor({N, 4 * H}, dtype(), 44), c0 = random_tensor({N, H}, dtype(), 45);
  auto outputs = [&](Device device) {
    const TensorOptions options{.dtype = dtype(), .device = device};
    std::vector<Tensor> out = {empty({N, H}, options), empty({N, H}, options),
                               empty({N, 4 * H}, options), empty({N, H}, options)};
    kernels::lstm_cell_forward(a.to(device), c0.to(device), out[0], out[1], out[2], out[3]);
    const Tensor dh = random_tensor({N, H}, dtype(), 46).to(device);
    const Tensor dc = random_tensor({N, H}, dtype(), 47).to(device);
    out.push_back(empty({N, 4 * H}, options));
    out.push_back(empty({N, H}, options));
    kernels::lstm_cell_backward(dh, dc, out[2], out[3], c0.to(device), out[4], out[5]);
    return out;
  };
  const std::vector<Tensor> cpu_out = outputs(Device::cpu()), gpu_out = outputs(gpu());
  for (size_t i = 0; i < cpu_out.size(); ++i) {
    expect_matches_cpu(gpu_out[i], cpu_out[i], elementwise_rtol(dtype()) * 10, 1e-15,
                       "lstm output " + std::to_string(i));
  }
}

TEST_P(CudaOps, AdamAndAdamWStepsMatch) {
  for (bool decoupled : {false, true}) {
    std::vector<Tensor> cpu_state = {
        random_tensor({1001}, dtype(), 48), random_tensor({1001}, dtype(), 49),
        zeros({1001}, {.dtype = dtype()}), zeros({1001}, {.dtype = dtype()})};
    std::vector<Tensor> gpu_state;
    for (const Tensor& t : cpu_state)
      gpu_state.push_back(on_gpu(t));
    for (int64_t step = 1; step <= 3; ++step) {
      const kernels::AdamHyperparameters h{.learning_rate = 0.01,
                                           .weight_decay = 0.1,
                                           .decoupled_weight_decay = decoupled,
                                           .step = step};
      kernels::adam_update(cpu_state[0], cpu_state[1], cpu_state[2], cpu_state[3], h);
      kernels::adam_update(gpu_state[0], gpu_state[1], gpu_state[2], gpu_state[3], h);
    }
    expect_matches_cpu(gpu_state[0], cpu_state[0], elementwise_rtol(dtype()) * 10, 1e-15, "param");
    expect_matches_cpu(gpu_state[3], cpu_state[3], elementwise_rtol(dtype()) * 10, 1e-15,
                       "exp_avg_sq");
  }
}

TEST_P(CudaOps, SgdWithNesterovMomentumStepsMatch) {
  Tensor param = random_tensor({513}, dtype(), 50), grad = random_tensor({513}, dtype(), 51);
  Tensor buffer = zeros({513}, {.dtype = dtype()});
  Tensor param_gpu = on_gpu(param), grad_gpu = on_gpu(grad), buffer_gpu = on_gpu(buffer);
  for (int step = 0; step < 3; ++step) {
    const kernels::SgdHyperparameters h{.learning_rate = 0.1,
                                        .momentum = 0.9,
                                        .weight_decay = 0.01,
                                        .nesterov = true,
                                        .first_step = step == 0};
    kernels::sgd_update(param, grad, buffer, h);
    kernels::sgd_update(param_gpu, grad_gpu, buffer_gpu, h);
  }
  expect_matches_cpu(param_gpu, param, elementwise_rtol(dtype()) * 10, 1e-15);
}

TEST_P(CudaOps, DropoutMaskIsBitwiseTheCpuMask) {
  expect_matches_cpu(kernels::dropout_mask({3, 1001}, {.dtype = dtype(), .device = gpu()}, 0.3, 77),
                     kernels::dropout_mask({3, 1001}, {.dtype = dtype()}, 0.3, 77), 0, 0);
}

// ---- Memory --------------------------------------------------------------------------------

TEST(CudaMemory, RoundTripsThroughThePinnedStagingBuffers) {
  REQUIRE_GPU();
  for (int64_t n : {int64_t{1}, int64_t{(3 << 20) / 4 + 1}, int64_t{25 << 20}}) {
    const Tensor x = random_tensor({n}, kFloat32, 52);
    EXPECT_EQ(on_gpu(x).to(Device::cpu()).to_vector<float>(), x.to_vector<float>()) << n;
  }
}

TEST(CudaMemory, FreedTensorsAreCachedAndEmptyCacheReturnsThem) {
  REQUIRE_GPU();
  cuda::empty_cache(0);
  const std::size_t in_use_before = cuda::memory_stats(0).bytes_in_use;
  {
    const Tensor x = empty({1 << 20}, {.device = gpu()});
    EXPECT_GE(cuda::memory_stats(0).bytes_in_use, in_use_before + (4u << 20));
  }
  EXPECT_EQ(cuda::memory_stats(0).bytes_in_use, in_use_before);
  EXPECT_GE(cuda::memory_stats(0).bytes_cached, 4u << 20);
  cuda::empty_cache(0);
  EXPECT_EQ(cuda::memory_stats(0).bytes_cached, 0u);
}

TEST(CudaMemory, OutOfMemoryIsAnExceptionTheProgramSurvives) {
  REQUIRE_GPU();
  EXPECT_THROW(empty({int64_t{1} << 48}, {.dtype = kFloat32, .device = gpu()}), cuda::OutOfMemory);
  const Tensor after = ones({1000}, {.device = gpu()});
  EXPECT_EQ(after.to(Device::cpu()).to_vector<float>()[999], 1.0f);
}
