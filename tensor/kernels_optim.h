// tensor/kernels_optim.h - the dispatch point of the optimizer updates (the companion of
// tensor/kernels.h). Each function checks its arguments, then calls the CPU loop
// (tensor/cpu/optimizer_update.cpp) or, later, the fused CUDA kernel. The per-element math is in
// tensor/optimizer_math.h and is shared by both.
//
// The updates are IN PLACE: the parameter's storage (and the optimizer state's) is overwritten in
// one fused pass, so every handle to the parameter sees the new values and no temporary tensor is
// allocated. For Adam that is 4 reads and 3 writes per element - the least memory traffic
// possible, which is what bounds the speed of an optimizer step.
#pragma once

#include "tensor/optimizer_math.h"
#include "tensor/tensor.h"

namespace timbre::kernels {

using math::AdamHyperparameters;
using math::SgdHyperparameters;

// One SGD step for one parameter (see math::sgd_update_element).
// Requires: param and grad contiguous, float32 or float64, same shape, dtype and device;
//           momentum_buffer likewise when hyperparameters.momentum != 0 (else it may be undefined).
// Ensures:  param (and momentum_buffer) hold the updated values; grad is unchanged.
void sgd_update(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                const SgdHyperparameters& hyperparameters);

// One Adam or AdamW step for one parameter (see math::adam_update_element).
// Requires: param, grad, exp_avg and exp_avg_sq contiguous, float32 or float64, same shape, dtype
//           and device; hyperparameters.step >= 1.
// Ensures:  param, exp_avg and exp_avg_sq hold the updated values; grad is unchanged.
void adam_update(const Tensor& param, const Tensor& grad, const Tensor& exp_avg,
                 const Tensor& exp_avg_sq, const AdamHyperparameters& hyperparameters);

// Sum of x_i^2 over all elements of a floating-point tensor (any layout), accumulated in double.
// Used by clip_grad_norm_ without allocating x * x.
double sum_of_squares(const Tensor& x);

}  // namespace timbre::kernels
