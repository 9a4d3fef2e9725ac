// tensor/kernels_optim.cpp - argument checks and the CPU/CUDA choice for the optimizer updates.
#include "tensor/kernels_optim.h"

#include <string>

#include "tensor/cpu/optimizer_update.h"
#include "tensor/cuda/cuda_kernels.h"
#include "tensor/kernels.h"

namespace timbre::kernels {

namespace {

// Checks that `state` (a gradient or an optimizer buffer, called `what`) can be updated alongside
// `param` element by element: same shape, dtype and device, and contiguous.
void check_matches(const char* op, const Tensor& param, const Tensor& state, const char* what) {
  TIMBRE_CHECK(state.defined(), op, ": the ", what, " is undefined");
  TIMBRE_CHECK(state.sizes() == param.sizes(), op, ": ", what, " shape ", shape_str(state.sizes()),
               " differs from the parameter's ", shape_str(param.sizes()));
  TIMBRE_CHECK(state.dtype() == param.dtype(), op, ": ", what, " dtype ", dtype_name(state.dtype()),
               " differs from the parameter's ", dtype_name(param.dtype()));
  TIMBRE_CHECK(state.device() == param.device(), op, ": ", what, " is on ", state.device().str(),
               " but the parameter is on ", param.device().str());
  TIMBRE_CHECK(state.is_contiguous(), op, ": ", what, " must be contiguous");
}

void check_parameter(const char* op, const Tensor& param) {
  TIMBRE_CHECK(param.defined(), op, ": the parameter is undefined");
  TIMBRE_CHECK(is_floating(param.dtype()), op, ": expected a float32 or float64 parameter, got ",
               dtype_name(param.dtype()));
  TIMBRE_CHECK(param.is_contiguous(), op,
               ": the parameter must be contiguous (it is updated in "
               "place as one flat array)");
}

}  // namespace

void sgd_update(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                const SgdHyperparameters& hyperparameters) {
  check_parameter("sgd_update", param);
  check_matches("sgd_update", param, grad, "gradient");
  if (hyperparameters.momentum != 0.0) {
    check_matches("sgd_update", param, momentum_buffer, "momentum buffer");
  }
  if (param.device().is_cuda()) {
    cuda::sgd_update(param, grad, momentum_buffer, hyperparameters);
  } else {
    cpu::sgd_update(param, grad, momentum_buffer, hyperparameters);
  }
}

void adam_update(const Tensor& param, const Tensor& grad, const Tensor& exp_avg,
                 const Tensor& exp_avg_sq, const AdamHyperparameters& hyperparameters) {
  check_parameter("adam_update", param);
  check_matches("adam_update", param, grad, "gradient");
  check_matches("adam_update", param, exp_avg, "exp_avg buffer");
  check_matches("adam_update", param, exp_avg_sq, "exp_avg_sq buffer");
  TIMBRE_CHECK(hyperparameters.step >= 1, "adam_update: step must be >= 1, got ",
               hyperparameters.step);
  if (param.device().is_cuda()) {
    cuda::adam_update(param, grad, exp_avg, exp_avg_sq, hyperparameters);
  } else {
    cpu::adam_update(param, grad, exp_avg, exp_avg_sq, hyperparameters);
  }
}

double sum_of_squares(const Tensor& x) {
  TIMBRE_CHECK(x.defined(), "sum_of_squares: the tensor is undefined");
  TIMBRE_CHECK(is_floating(x.dtype()), "sum_of_squares: expected a float32 or float64 tensor, got ",
               dtype_name(x.dtype()));
  if (x.device().is_cuda()) return cuda::sum_of_squares(contiguous(x));
  return cpu::sum_of_squares(contiguous(x));
}

}  // namespace timbre::kernels
