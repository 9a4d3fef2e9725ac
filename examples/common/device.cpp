// examples/common/device.cpp - the --device flag.
#include "examples/common/device.h"

#include <cstdio>

#include "tensor/cuda_runtime_info.h"
#include "tensor/error.h"

namespace timbre::examples {

namespace {

// Why the GPU cannot train here, or "" when it can. The CUDA build so far moves tensors to and
// from the GPU but has no CUDA kernels for the ops (the CUDA backend issue), so training on a GPU
// is refused with that reason rather than failing in the middle of the first batch.
std::string why_no_cuda_training() {
  if (!cuda::compiled_with_cuda()) return "timbre was built without CUDA";
  if (cuda::device_count() == 0) return "no CUDA device: " + cuda::unavailable_reason();
  return "timbre's CUDA kernels for training are not written yet; the CUDA build only moves "
         "tensors to and from the GPU";
}

}  // namespace

Device select_device(const std::string& flag) {
  if (flag == "auto") {
    const std::string reason = why_no_cuda_training();
    const Device device = reason.empty() ? Device::cuda(0) : Device::cpu();
    std::printf("device: %s (%s)\n", device.str().c_str(),
                reason.empty() ? "a CUDA device is available" : reason.c_str());
    return device;
  }
  const Device device = Device::parse(flag);
  if (device.is_cuda()) {
    const std::string reason = why_no_cuda_training();
    TIMBRE_CHECK(reason.empty(), "cannot train on --device ", flag, ": ", reason,
                 "; use --device cpu");
  }
  std::printf("device: %s (asked for with --device)\n", device.str().c_str());
  return device;
}

}  // namespace timbre::examples
