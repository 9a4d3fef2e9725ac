// tensor/cuda/conv_cudnn.cpp - convolution through cuDNN (see conv_cudnn.h).
//
// cuDNN describes every tensor by a descriptor (dtype, NCHW sizes), the convolution by another
// (padding, stride, dilation), and offers several algorithms for each direction - implicit GEMM,
// FFT, Winograd, ... - whose speed and scratch memory ("workspace") depend on the shapes. We ask
// cuDNN's heuristics once per shape for its ranked list (the *_v7 queries: no trial runs), take
// the best DETERMINISTIC algorithm whose workspace is at most 1 GiB, and cache that choice, so
// later calls with the same shape skip the query. The workspace is an ordinary device tensor, so
// it comes from (and returns to) timbre's caching allocator.
//
// float32 convolutions use CUDNN_FMA_MATH: plain fp32 arithmetic, no TF32 tensor cores, so the
// results agree with the CPU's to float32 rounding.
#include <cudnn.h>

#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "tensor/cuda/conv_cudnn.h"
#include "tensor/cuda/cuda_check.h"
#include "tensor/factories.h"

namespace timbre::cuda {

namespace {

bool g_cudnn_enabled = true;

// Throws naming the op, the cuDNN call and cuDNN's description of the status.
void check_cudnn(cudnnStatus_t status, const char* op, const char* call) {
  if (status == CUDNN_STATUS_SUCCESS) return;
  throw Error(std::string(op) + ": " + call + " failed: " + cudnnGetErrorString(status));
}
#define TIMBRE_CUDNN_CHECK(op, call) check_cudnn((call), (op), #call)

// The cuDNN handle of `device`, created on first use and bound to its stream.
cudnnHandle_t handle_for(int device) {
  static std::mutex mutex;
  static std::vector<cudnnHandle_t> handles;  // index = device; kept for the process lifetime
  cudaStream_t stream = stream_for(device);   // also makes `device` current
  std::lock_guard<std::mutex> lock(mutex);
  if (static_cast<int>(handles.size()) <= device) handles.resize(device + 1, nullptr);
  if (handles[device] == nullptr) {
    TIMBRE_CUDNN_CHECK("conv2d", cudnnCreate(&handles[device]));
    TIMBRE_CUDNN_CHECK("conv2d", cudnnSetStream(handles[device], stream));
  }
  return handles[device];
}

cudnnDataType_t data_type(DType dtype) {
  return dtype == DType::Float64 ? CUDNN_DATA_DOUBLE : CUDNN_DATA_FLOAT;
}

// The descriptors of one convolution: x [N, C, H, W], weight [O, C, KH, KW], y [N, O, OH, OW].
// Destroyed with the object (RAII), so an exception never leaks them.
struct Descriptors {
  cudnnTensorDescriptor_t x = nullptr, y = nullptr, bias = nullptr;
  cudnnFilterDescriptor_t weight = nullptr;
  cudnnConvolutionDescriptor_t convolution = nullptr;

  Descriptors(const Shape& x_sizes, const Shape& weight_sizes, const Shape& y_sizes,
              const Conv2dParams& p, DType dtype, const char* op) {
    const cudnnDataType_t type = data_type(dtype);
    auto to_int = [](int64_t v) { return static_cast<int>(v); };
    TIMBRE_CUDNN_CHECK(op, cudnnCreateTensorDescriptor(&x));
    TIMBRE_CUDNN_CHECK(op, cudnnCreateTensorDescriptor(&y));
    TIMBRE_CUDNN_CHECK(op, cudnnCreateTensorDescriptor(&bias));
    TIMBRE_CUDNN_CHECK(op, cudnnCreateFilterDescriptor(&weight));
    TIMBRE_CUDNN_CHECK(op, cudnnCreateConvolutionDescriptor(&convolution));
    TIMBRE_CUDNN_CHECK(
        op, cudnnSetTensor4dDescriptor(x, CUDNN_TENSOR_NCHW, type, to_int(x_sizes[0]),
                                       to_int(x_sizes[1]), to_int(x_sizes[2]), to_int(x_sizes[3])));
    TIMBRE_CUDNN_CHECK(
        op, cudnnSetTensor4dDescriptor(y, CUDNN_TENSOR_NCHW, type, to_int(y_sizes[0]),
                                       to_int(y_sizes[1]), to_int(y_sizes[2]), to_int(y_sizes[3])));
    TIMBRE_CUDNN_CHECK(op, cudnnSetTensor4dDescriptor(bias, CUDNN_TENSOR_NCHW, type, 1,
                                                      to_int(weight_sizes[0]), 1, 1));
    TIMBRE_CUDNN_CHECK(
        op, cudnnSetFilter4dDescriptor(weight, type, CUDNN_TENSOR_NCHW, to_int(weight_sizes[0]),
                                       to_int(weight_sizes[1]), to_int(weight_sizes[2]),
                                       to_int(weight_sizes[3])));
    // Cross-correlation, like PyTorch (the kernel is not flipped).
    TIMBRE_CUDNN_CHECK(
        op, cudnnSetConvolution2dDescriptor(
                convolution, to_int(p.padding.height), to_int(p.padding.width),
                to_int(p.stride.height), to_int(p.stride.width), to_int(p.dilation.height),
                to_int(p.dilation.width), CUDNN_CROSS_CORRELATION, type));
    TIMBRE_CUDNN_CHECK(op, cudnnSetConvolutionMathType(convolution, CUDNN_FMA_MATH));
  }
  ~Descriptors() {
    cudnnDestroyTensorDescriptor(x);
    cudnnDestroyTensorDescriptor(y);
    cudnnDestroyTensorDescriptor(bias);
    cudnnDestroyFilterDescriptor(weight);
    cudnnDestroyConvolutionDescriptor(convolution);
  }
  Descriptors(const Descriptors&) = delete;
  Descriptors& operator=(const Descriptors&) = delete;
};

// ---- Algorithm choice, cached per shape ------------------------------------------------------

enum class Direction { Forward, BackwardData, BackwardFilter };
using ShapeKey = std::tuple<Direction, int, Shape, Shape, int64_t, int64_t, int64_t, int64_t,
                            int64_t, int64_t, DType>;

ShapeKey key_of(Direction direction, int device, const Shape& x, const Shape& weight,
                const Conv2dParams& p, DType dtype) {
  return {direction,
          device,
          x,
          weight,
          p.stride.height,
          p.stride.width,
          p.padding.height,
          p.padding.width,
          p.dilation.height,
          p.dilation.width,
          dtype};
}

constexpr size_t kWorkspaceLimit = size_t{1} << 30;

// The first (fastest by cuDNN's estimate) deterministic algorithm of a ranked list that succeeded
// and fits the workspace limit.
template <typename Perf>
int pick_algorithm(const Perf* results, int count, const char* op) {
  for (int i = 0; i < count; ++i) {
    if (results[i].status == CUDNN_STATUS_SUCCESS &&
        results[i].determinism == CUDNN_DETERMINISTIC && results[i].memory <= kWorkspaceLimit) {
      return static_cast<int>(results[i].algo);
    }
  }
  for (int i = 0; i < count; ++i) {  // no deterministic one: the best that works
    if (results[i].status == CUDNN_STATUS_SUCCESS && results[i].memory <= kWorkspaceLimit) {
      return static_cast<int>(results[i].algo);
    }
  }
  throw Error(std::string(op) + ": cuDNN offers no algorithm for this shape");
}

int cached_algorithm(const ShapeKey& key, cudnnHandle_t handle, const Descriptors& d,
                     const char* op) {
  static std::mutex mutex;
  static std::map<ShapeKey, int> cache;
  std::lock_guard<std::mutex> lock(mutex);
  const auto found = cache.find(key);
  if (found != cache.end()) return found->second;
  int algorithm = 0;
  int count = 0;
  switch (std::get<0>(key)) {
    case Direction::Forward: {
      cudnnConvolutionFwdAlgoPerf_t results[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
      TIMBRE_CUDNN_CHECK(op, cudnnGetConvolutionForwardAlgorithm_v7(
                                 handle, d.x, d.weight, d.convolution, d.y,
                                 CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &count, results));
      algorithm = pick_algorithm(results, count, op);
      break;
    }
    case Direction::BackwardData: {
      cudnnConvolutionBwdDataAlgoPerf_t results[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
      TIMBRE_CUDNN_CHECK(op, cudnnGetConvolutionBackwardDataAlgorithm_v7(
                                 handle, d.weight, d.y, d.convolution, d.x,
                                 CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &count, results));
      algorithm = pick_algorithm(results, count, op);
      break;
    }
    case Direction::BackwardFilter: {
      cudnnConvolutionBwdFilterAlgoPerf_t results[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
      TIMBRE_CUDNN_CHECK(op, cudnnGetConvolutionBackwardFilterAlgorithm_v7(
                                 handle, d.x, d.y, d.convolution, d.weight,
                                 CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, &count, results));
      algorithm = pick_algorithm(results, count, op);
      break;
    }
  }
  cache.emplace(key, algorithm);
  return algorithm;
}

// A device scratch buffer of at least `bytes`, from the caching allocator.
Tensor workspace(size_t bytes, Device device) {
  return empty({static_cast<int64_t>((bytes + 7) / 8)},
               {.dtype = DType::Float64, .device = device});
}

// cuDNN takes alpha and beta (out = alpha * result + beta * out) as float for float data and as
// double for double data.
struct Scale {
  float single;
  double twice;
  const void* for_type(DType dtype) const {
    return dtype == DType::Float64 ? static_cast<const void*>(&twice)
                                   : static_cast<const void*>(&single);
  }
};
const Scale kOne{1.0f, 1.0}, kZero{0.0f, 0.0};

}  // namespace

bool cudnn_enabled() {
  return g_cudnn_enabled;
}

void set_cudnn_enabled(bool enabled) {
  g_cudnn_enabled = enabled;
}

std::string cudnn_version() {
  const size_t version = cudnnGetVersion();  // e.g. 91300 for 9.13.0
  return "cuDNN " + std::to_string(version / 10000) + "." + std::to_string(version / 100 % 100) +
         "." + std::to_string(version % 100);
}

void cudnn_conv2d_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                          const Conv2dParams& params, const Tensor& y) {
  const char* op = "conv2d";
  const int device = x.device().index;
  cudnnHandle_t handle = handle_for(device);
  const Descriptors d(x.sizes(), weight.sizes(), y.sizes(), params, x.dtype(), op);
  const auto algorithm = static_cast<cudnnConvolutionFwdAlgo_t>(cached_algorithm(
      key_of(Direction::Forward, device, x.sizes(), weight.sizes(), params, x.dtype()), handle, d,
      op));
  size_t bytes = 0;
  TIMBRE_CUDNN_CHECK(op, cudnnGetConvolutionForwardWorkspaceSize(
                             handle, d.x, d.weight, d.convolution, d.y, algorithm, &bytes));
  const Tensor scratch = workspace(bytes, x.device());
  TIMBRE_CUDNN_CHECK(
      op, cudnnConvolutionForward(handle, kOne.for_type(x.dtype()), d.x, x.raw_data_ptr(), d.weight,
                                  weight.raw_data_ptr(), d.convolution, algorithm,
                                  scratch.raw_data_ptr(), bytes, kZero.for_type(x.dtype()), d.y,
                                  y.raw_data_ptr()));
  if (bias.defined()) {  // y += bias, broadcast over N, H and W
    TIMBRE_CUDNN_CHECK(op,
                       cudnnAddTensor(handle, kOne.for_type(x.dtype()), d.bias, bias.raw_data_ptr(),
                                      kOne.for_type(x.dtype()), d.y, y.raw_data_ptr()));
  }
}

void cudnn_conv2d_backward_input(const Tensor& grad_y, const Tensor& weight,
                                 const Conv2dParams& params, const Tensor& grad_x) {
  const char* op = "conv2d_backward_input";
  const int device = grad_y.device().index;
  cudnnHandle_t handle = handle_for(device);
  const Descriptors d(grad_x.sizes(), weight.sizes(), grad_y.sizes(), params, grad_y.dtype(), op);
  const auto algorithm = static_cast<cudnnConvolutionBwdDataAlgo_t>(
      cached_algorithm(key_of(Direction::BackwardData, device, grad_x.sizes(), weight.sizes(),
                              params, grad_y.dtype()),
                       handle, d, op));
  size_t bytes = 0;
  TIMBRE_CUDNN_CHECK(op, cudnnGetConvolutionBackwardDataWorkspaceSize(
                             handle, d.weight, d.y, d.convolution, d.x, algorithm, &bytes));
  const Tensor scratch = workspace(bytes, grad_y.device());
  TIMBRE_CUDNN_CHECK(
      op, cudnnConvolutionBackwardData(handle, kOne.for_type(grad_y.dtype()), d.weight,
                                       weight.raw_data_ptr(), d.y, grad_y.raw_data_ptr(),
                                       d.convolution, algorithm, scratch.raw_data_ptr(), bytes,
                                       kZero.for_type(grad_y.dtype()), d.x, grad_x.raw_data_ptr()));
}

void cudnn_conv2d_backward_weight(const Tensor& grad_y, const Tensor& x, const Conv2dParams& params,
                                  const Tensor& grad_weight) {
  const char* op = "conv2d_backward_weight";
  const int device = x.device().index;
  cudnnHandle_t handle = handle_for(device);
  const Descriptors d(x.sizes(), grad_weight.sizes(), grad_y.sizes(), params, x.dtype(), op);
  const auto algorithm = static_cast<cudnnConvolutionBwdFilterAlgo_t>(cached_algorithm(
      key_of(Direction::BackwardFilter, device, x.sizes(), grad_weight.sizes(), params, x.dtype()),
      handle, d, op));
  size_t bytes = 0;
  TIMBRE_CUDNN_CHECK(op, cudnnGetConvolutionBackwardFilterWorkspaceSize(
                             handle, d.x, d.y, d.convolution, d.weight, algorithm, &bytes));
  const Tensor scratch = workspace(bytes, x.device());
  TIMBRE_CUDNN_CHECK(
      op, cudnnConvolutionBackwardFilter(handle, kOne.for_type(x.dtype()), d.x, x.raw_data_ptr(),
                                         d.y, grad_y.raw_data_ptr(), d.convolution, algorithm,
                                         scratch.raw_data_ptr(), bytes, kZero.for_type(x.dtype()),
                                         d.weight, grad_weight.raw_data_ptr()));
}

}  // namespace timbre::cuda
