// layers/batchnorm.cpp - BatchNorm1d/2d: parameters, running statistics, and timbre::batch_norm.
#include "layers/batchnorm.h"

#include <sstream>

namespace timbre::nn {

BatchNorm::BatchNorm(const char* type_name, int64_t num_features, double eps, double momentum,
                     bool affine, bool track_running_stats)
    : Module(type_name), num_features(num_features), eps(eps), momentum(momentum) {
  TIMBRE_CHECK(num_features > 0, type_name, ": num_features must be positive, got ", num_features);
  if (affine) {
    weight = register_parameter("weight", ones({num_features}));
    bias = register_parameter("bias", zeros({num_features}));
  }
  if (track_running_stats) {
    running_mean = register_buffer("running_mean", zeros({num_features}));
    running_var = register_buffer("running_var", ones({num_features}));
    num_batches_tracked =
        register_buffer("num_batches_tracked", zeros({}, {.dtype = DType::Int64}));
  }
}

Tensor BatchNorm::normalize(const Tensor& x) {
  const bool use_batch_statistics = is_training() || !running_mean.defined();
  if (is_training() && running_mean.defined()) {
    // Counted as PyTorch does; written in place so every handle to the buffer sees it.
    assign_data(num_batches_tracked,
                full({}, num_batches_tracked.item() + 1.0,
                     {.dtype = DType::Int64, .device = num_batches_tracked.device()}));
  }
  return batch_norm(x, running_mean, running_var, weight, bias, use_batch_statistics, momentum,
                    eps);
}

std::string BatchNorm::extra_repr() const {
  std::ostringstream out;
  out << num_features << ", eps=" << eps << ", momentum=" << momentum
      << ", affine=" << (weight.defined() ? "true" : "false")
      << ", track_running_stats=" << (running_mean.defined() ? "true" : "false");
  return out.str();
}

BatchNorm1d::BatchNorm1d(int64_t num_features, double eps, double momentum, bool affine,
                         bool track_running_stats)
    : BatchNorm("BatchNorm1d", num_features, eps, momentum, affine, track_running_stats) {}

Tensor BatchNorm1d::forward(const Tensor& x) {
  TIMBRE_CHECK((x.dim() == 2 || x.dim() == 3) && x.size(1) == num_features, "BatchNorm1d(",
               num_features, "): expected input [N, ", num_features, "] or [N, ", num_features,
               ", L], got ", shape_str(x.sizes()));
  if (x.dim() == 2) return normalize(x);
  // [N, C, L] is normalised like an image [N, C, L, 1]: statistics over N and L.
  return normalize(x.unsqueeze(3)).squeeze(3);
}

BatchNorm2d::BatchNorm2d(int64_t num_features, double eps, double momentum, bool affine,
                         bool track_running_stats)
    : BatchNorm("BatchNorm2d", num_features, eps, momentum, affine, track_running_stats) {}

Tensor BatchNorm2d::forward(const Tensor& x) {
  TIMBRE_CHECK(x.dim() == 4 && x.size(1) == num_features, "BatchNorm2d(", num_features,
               "): expected input [N, ", num_features, ", H, W], got ", shape_str(x.sizes()));
  return normalize(x);
}

}  // namespace timbre::nn
