// tensor/cuda/optimizer_update.cpp - host half of the fused optimizer updates: the per-step
// constants are made here (in double, then converted to the parameter's type, as on the CPU).
#include "tensor/cuda/cuda_kernels.h"
#include "tensor/cuda/optimizer_update_launch.h"

namespace timbre::cuda {

void sgd_update(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                const math::SgdHyperparameters& hyperparameters) {
  dispatch_floating(param.dtype(), "sgd_update", [&]<typename T>() {
    const math::SgdConstants<T> constants = math::make_sgd_constants<T>(hyperparameters);
    T* buffer = constants.momentum != T(0) ? momentum_buffer.data_ptr<T>() : nullptr;
    launch::sgd_update(param.device().index, param.numel(), param.data_ptr<T>(), grad.data_ptr<T>(),
                       buffer, constants);
  });
}

void adam_update(const Tensor& param, const Tensor& grad, const Tensor& exp_avg,
                 const Tensor& exp_avg_sq, const math::AdamHyperparameters& hyperparameters) {
  dispatch_floating(param.dtype(), "adam_update", [&]<typename T>() {
    const math::AdamConstants<T> constants = math::make_adam_constants<T>(hyperparameters);
    launch::adam_update(param.device().index, param.numel(), param.data_ptr<T>(),
                        grad.data_ptr<T>(), exp_avg.data_ptr<T>(), exp_avg_sq.data_ptr<T>(),
                        constants);
  });
}

}  // namespace timbre::cuda
