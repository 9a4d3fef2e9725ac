// tensor/cuda/softmax.cu - softmax / log_softmax, and the fused softmax cross-entropy.
//
// One thread per row (the line of `length` values the softmax runs along): the rows of a
// classifier's output are short (tens of classes), so three passes over a row in one thread
// (max, sum of exponentials, write) are simpler than splitting a row across threads, and every
// thread of a warp reads neighbouring memory when inner > 1. The formulas are those of
// tensor/cpu/softmax.cpp: subtract the row maximum, sum the exponentials in double.
#include <cmath>

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

// The weight of class c (1 without class weights).
template <typename T>
__device__ T class_weight(const T* weight, int64_t c) {
  return weight != nullptr ? weight[c] : T(1);
}

// logits: [N, C], targets: [N] -> log_probs: [N, C], losses: [N]; one thread per sample n.
//   loss_n = (1 - s) * w[t] * (-log p[n, t]) + (s / C) * sum_c w[c] * (-log p[n, c])
template <typename T>
__global__ void cross_entropy_forward_kernel(const T* logits, const int64_t* targets,
                                             const T* weight, int64_t N, int64_t C,
                                             double smoothing, T* losses, T* log_probs) {
  for (int64_t n = first_index(); n < N; n += grid_step()) {
    const T* z = logits + n * C;
    T* log_p = log_probs + n * C;
    T max_value = z[0];
    for (int64_t c = 1; c < C; ++c)
      max_value = z[c] > max_value ? z[c] : max_value;
    double sum = 0;
    for (int64_t c = 0; c < C; ++c)
      sum += exp(double(z[c] - max_value));
    const T log_sum = static_cast<T>(::log(sum));
    double smooth_term = 0;
    for (int64_t c = 0; c < C; ++c) {
      log_p[c] = z[c] - max_value - log_sum;
      smooth_term += double(class_weight(weight, c)) * -double(log_p[c]);
    }
    const int64_t t = targets[n];
    const double picked = double(class_weight(weight, t)) * -double(log_p[t]);
    losses[n] = static_cast<T>((1.0 - smoothing) * picked + smoothing / double(C) * smooth_term);
  }
}

// grad_losses: [N], log_probs: [N, C] -> grad_logits: [N, C]; one thread per element (n, j):
//   d loss_n / d z_j = (1 - s) w[t] (p_j - [j == t]) + (s / C) (W p_j - w[j]),  W = sum_c w[c]
template <typename T>
__global__ void cross_entropy_backward_kernel(const T* grad_losses, const T* log_probs,
                                              const int64_t* targets, const T* weight, int64_t N,
                                              int64_t C, double smoothing, T* grad_logits) {
  for (int64_t e = first_index(); e < N * C; e += grid_step()) {
    const int64_t n = e / C, j = e % C;
    const int64_t t = targets[n];
    double total_weight = double(C);
    if (weight != nullptr) {
      total_weight = 0;
      for (int64_t c = 0; c < C; ++c)
        total_weight += double(weight[c]);
    }
    const double p = exp(double(log_probs[e]));
    const double picked = double(class_weight(weight, t)) * (p - (j == t ? 1.0 : 0.0));
    const double smooth = total_weight * p - double(class_weight(weight, j));
    const double derivative = (1.0 - smoothing) * picked + smoothing / double(C) * smooth;
    grad_logits[e] = static_cast<T>(double(grad_losses[n]) * derivative);
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
