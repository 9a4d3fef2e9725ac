// tensor/cuda/softmax_launch.h - the launches of tensor/cuda/softmax.cu (C++17).
#pragma once

#include <cstdint>

#include "tensor/cuda/device_tensor.h"

namespace timbre::cuda::launch {

// x, out: contiguous, viewed as [outer, length, inner] around the softmax dimension.
// out = softmax(x) (or log_softmax when `log`) along the middle dimension.
void softmax(const DeviceTensor& x, int64_t outer, int64_t length, int64_t inner, bool log,
             const DeviceTensor& out);

// Fused softmax cross-entropy. logits: [N, C] contiguous, targets: int64 [N], weight: [C] or
// null (all 1) -> losses: [N], log_probs: [N, C] (see kernels::cross_entropy_forward).
void cross_entropy_forward(const DeviceTensor& logits, const int64_t* targets, const void* weight,
                           double label_smoothing, const DeviceTensor& losses,
                           const DeviceTensor& log_probs);
// grad_losses: [N], log_probs: [N, C], targets: [N], weight: [C] or null -> grad_logits: [N, C].
void cross_entropy_backward(const DeviceTensor& grad_losses, const DeviceTensor& log_probs,
                            const int64_t* targets, const void* weight, double label_smoothing,
                            const DeviceTensor& grad_logits);

}  // namespace timbre::cuda::launch
