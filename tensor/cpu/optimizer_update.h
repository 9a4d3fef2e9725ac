// tensor/cpu/optimizer_update.h - the CPU loops behind tensor/kernels_optim.h. Arguments have
// already been checked there (contiguous, same shape, dtype and device, floating point).
#pragma once

#include "tensor/kernels_optim.h"

namespace timbre::cpu {

using math::AdamHyperparameters;
using math::SgdHyperparameters;

// momentum_buffer may be undefined when hyperparameters.momentum == 0.
void sgd_update(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                const SgdHyperparameters& hyperparameters);
void adam_update(const Tensor& param, const Tensor& grad, const Tensor& exp_avg,
                 const Tensor& exp_avg_sq, const AdamHyperparameters& hyperparameters);
double sum_of_squares(const Tensor& x);  // x contiguous

}  // namespace timbre::cpu
