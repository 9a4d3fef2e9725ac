// autograd/ops_batchnorm.cpp - batch normalisation, composed from differentiable ops.
//
// Per channel c, over the m = N (or N * H * W) values of that channel:
//   mean = sum(x) / m,   var = sum((x - mean)^2) / m   (biased: what normalises the batch)
//   x_hat = (x - mean) / sqrt(var + eps),   y = weight * x_hat + bias
// Because mean and var are built from mean/sub/mul/sqrt/div, autograd differentiates through
// the batch statistics by itself; docs/layers.md derives the closed form it amounts to.
#include <algorithm>

#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "autograd/ops_conv.h"
#include "tensor/kernels.h"

namespace timbre {

namespace {

// Checks that an optional per-channel tensor is [C] and matches x's dtype.
void check_channel_tensor(const char* name, const Tensor& t, const Tensor& x) {
  if (!t.defined()) return;
  TIMBRE_CHECK(t.dim() == 1 && t.size(0) == x.size(1), "batch_norm: ", name, " ",
               shape_str(t.sizes()), " must have shape [", x.size(1), "] for input ",
               shape_str(x.sizes()));
  TIMBRE_CHECK(t.dtype() == x.dtype(), "batch_norm: ", name, " is ", dtype_name(t.dtype()),
               " but the input is ", dtype_name(x.dtype()));
}

}  // namespace

Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, bool training, double momentum,
                  double eps) {
  TIMBRE_CHECK(x.dim() == 2 || x.dim() == 4,
               "batch_norm: expected input [N, C] or [N, C, H, W], "
               "got ",
               shape_str(x.sizes()));
  check_channel_tensor("running_mean", running_mean, x);
  check_channel_tensor("running_var", running_var, x);
  check_channel_tensor("weight", weight, x);
  check_channel_tensor("bias", bias, x);
  const int64_t channels = x.size(1);
  // Statistics are taken over every dim but the channel dim, and kept with shape [1, C(, 1, 1)]
  // so that they broadcast against x.
  const std::vector<int64_t> dims =
      x.dim() == 2 ? std::vector<int64_t>{0} : std::vector<int64_t>{0, 2, 3};
  const Shape channel_shape = x.dim() == 2 ? Shape{1, channels} : Shape{1, channels, 1, 1};

  Tensor normalized;
  if (training) {
    const int64_t count = x.numel() / std::max<int64_t>(channels, 1);  // m
    TIMBRE_CHECK(count > 1,
                 "batch_norm: expected more than 1 value per channel when training, "
                 "got input ",
                 shape_str(x.sizes()));
    const Tensor batch_mean = mean(x, dims, true);
    const Tensor centered = x - batch_mean;
    const Tensor batch_var = mean(centered * centered, dims, true);  // biased: divided by m
    normalized = centered / sqrt(batch_var + eps);
    if (running_mean.defined() && running_var.defined()) {
      // The running statistics are state, not part of the graph: update them without recording.
      // PyTorch keeps the UNBIASED variance (divided by m - 1) as the estimate for evaluation.
      NoGradGuard no_grad;
      const double unbias = static_cast<double>(count) / static_cast<double>(count - 1);
      const Tensor new_mean =
          (1.0 - momentum) * running_mean + momentum * batch_mean.detach().reshape({channels});
      const Tensor new_var = (1.0 - momentum) * running_var +
                             (momentum * unbias) * batch_var.detach().reshape({channels});
      kernels::copy(running_mean, new_mean);
      kernels::copy(running_var, new_var);
    }
  } else {
    TIMBRE_CHECK(running_mean.defined() && running_var.defined(),
                 "batch_norm: evaluation mode needs running_mean and running_var");
    normalized =
        (x - running_mean.reshape(channel_shape)) / sqrt(running_var.reshape(channel_shape) + eps);
  }
  Tensor y = normalized;
  if (weight.defined()) y = y * weight.reshape(channel_shape);
  if (bias.defined()) y = y + bias.reshape(channel_shape);
  return y;
}

}  // namespace timbre
