// tensor/cuda/softmax.cu - softmax / log_softmax, and the fused softmax cross-entropy (whose
// arithmetic is tensor/cross_entropy_math.h, shared with the CPU).
//
// One thread per row (the line of `length` values the softmax runs along): the rows of a
// classifier's output are short (tens of classes), so three passes over a row in one thread
// (max, sum of exponentials, write) are simpler than splitting a row across threads, and every
// thread of a warp reads neighbouring memory when inner > 1. The formulas are those of
// tensor/cpu/softmax.cpp: subtract the row maximum, sum the exponentials in double.
#include <cmath>

#include "tensor/cross_entropy_math.h"
#include "tensor/cuda/cuda_check.h"
#include "tensor/cuda/dispatch_type.cuh"
#include "tensor/cuda/softmax_launch.h"

namespace timbre::cuda {

namespace {

// x, out: [outer, length, inner] contiguous; one thread per (o, i) row.
template <typename T>
__global__ void softmax_kernel(const T* x, int64_t outer, int64_t length, int64_t inner, bool log,
                               T* out) {
  for (int64_t row = first_index(); row < outer * inner; row += grid_step()) {
    const int64_t o = row / inner, i = row % inner;
    const T* a = x + o * length * inner + i;
    T* y = out + o * length * inner + i;
    T max_value = a[0];
    for (int64_t k = 1; k < length; ++k)
      max_value = a[k * inner] > max_value ? a[k * inner] : max_value;
    double sum = 0;
    for (int64_t k = 0; k < length; ++k)
      sum += exp(double(a[k * inner] - max_value));
    if (log) {
      const T log_sum = static_cast<T>(::log(sum));
      for (int64_t k = 0; k < length; ++k)
        y[k * inner] = a[k * inner] - max_value - log_sum;
    } else {
      const double scale = 1.0 / sum;
      for (int64_t k = 0; k < length; ++k) {
        y[k * inner] = static_cast<T>(exp(double(a[k * inner] - max_value)) * scale);
      }
    }
  }
}

// logits: [N, C], targets: [N] -> log_probs: [N, C], losses: [N]; one thread per sample n
// (tensor/cross_entropy_math.h, the same function as the CPU loop).
template <typename T>
__global__ void cross_entropy_forward_kernel(const T* logits, const int64_t* targets,
                                             const T* weight, int64_t N, int64_t C,
                                             double smoothing, T* losses, T* log_probs) {
  for (int64_t n = first_index(); n < N; n += grid_step()) {
    losses[n] = math::cross_entropy_sample(logits + n * C, C, targets[n], weight, smoothing,
                                           log_probs + n * C);
  }
}

// grad_losses: [N], log_probs: [N, C] -> grad_logits: [N, C]; one thread per entry (n, j).
// Each thread sums the C class weights itself (C is small), which saves a pass and a copy.
template <typename T>
__global__ void cross_entropy_backward_kernel(const T* grad_losses, const T* log_probs,
                                              const int64_t* targets, const T* weight, int64_t N,
                                              int64_t C, double smoothing, T* grad_logits) {
  const double total_weight = math::total_class_weight(weight, C);
  for (int64_t e = first_index(); e < N * C; e += grid_step()) {
    const int64_t n = e / C, j = e % C;
    grad_logits[e] = math::cross_entropy_gradient(grad_losses[n], log_probs[e], j, targets[n],
                                                  weight, total_weight, C, smoothing);
  }
}

}  // namespace

namespace launch {

void softmax(const DeviceTensor& x, int64_t outer, int64_t length, int64_t inner, bool log,
             const DeviceTensor& out) {
  if (out.numel == 0) return;
  cudaStream_t stream = stream_for(out.device);
  dispatch_floating_type(x.type, "softmax", [&](auto zero) {
    using T = decltype(zero);
    softmax_kernel<T><<<blocks_for(outer * inner), kThreadsPerBlock, 0, stream>>>(
        static_cast<const T*>(x.data), outer, length, inner, log, static_cast<T*>(out.data));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("softmax");
}

void cross_entropy_forward(const DeviceTensor& logits, const int64_t* targets, const void* weight,
                           double label_smoothing, const DeviceTensor& losses,
                           const DeviceTensor& log_probs) {
  const int64_t N = logits.sizes[0], C = logits.sizes[1];
  if (N == 0) return;
  cudaStream_t stream = stream_for(logits.device);
  dispatch_floating_type(logits.type, "cross_entropy", [&](auto zero) {
    using T = decltype(zero);
    cross_entropy_forward_kernel<T><<<blocks_for(N), kThreadsPerBlock, 0, stream>>>(
        static_cast<const T*>(logits.data), targets, static_cast<const T*>(weight), N, C,
        label_smoothing, static_cast<T*>(losses.data), static_cast<T*>(log_probs.data));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("cross_entropy");
}

void cross_entropy_backward(const DeviceTensor& grad_losses, const DeviceTensor& log_probs,
                            const int64_t* targets, const void* weight, double label_smoothing,
                            const DeviceTensor& grad_logits) {
  const int64_t N = log_probs.sizes[0], C = log_probs.sizes[1];
  if (N * C == 0) return;
  cudaStream_t stream = stream_for(log_probs.device);
  dispatch_floating_type(log_probs.type, "cross_entropy_backward", [&](auto zero) {
    using T = decltype(zero);
    cross_entropy_backward_kernel<T><<<blocks_for(N * C), kThreadsPerBlock, 0, stream>>>(
        static_cast<const T*>(grad_losses.data), static_cast<const T*>(log_probs.data), targets,
        static_cast<const T*>(weight), N, C, label_smoothing, static_cast<T*>(grad_logits.data));
  });
  TIMBRE_CUDA_CHECK_LAUNCH("cross_entropy_backward");
}

}  // namespace launch
}  // namespace timbre::cuda
