// tensor/cuda/optimizer_update_launch.h - the launches of tensor/cuda/optimizer_update.cu (C++17).
// The per-step constants are computed on the host (tensor/optimizer_math.h's make_*_constants,
// in the parameter's type) and every element is updated by the shared *_update_element function.
#pragma once

#include <cstdint>

#include "tensor/optimizer_math.h"

namespace timbre::cuda::launch {

// param, grad, momentum_buffer: [n] contiguous on `device`; momentum_buffer null without momentum.
void sgd_update(int device, int64_t n, float* param, const float* grad, float* momentum_buffer,
                const math::SgdConstants<float>& constants);
void sgd_update(int device, int64_t n, double* param, const double* grad, double* momentum_buffer,
                const math::SgdConstants<double>& constants);

// param, grad, exp_avg, exp_avg_sq: [n] contiguous on `device`.
void adam_update(int device, int64_t n, float* param, const float* grad, float* exp_avg,
                 float* exp_avg_sq, const math::AdamConstants<float>& constants);
void adam_update(int device, int64_t n, double* param, const double* grad, double* exp_avg,
                 double* exp_avg_sq, const math::AdamConstants<double>& constants);

}  // namespace timbre::cuda::launch
