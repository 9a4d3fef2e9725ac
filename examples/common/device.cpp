// examples/common/device.cpp - the --device flag.
#include "examples/common/device.h"

#include <cstdio>

#include "tensor/cuda_runtime_info.h"
#include "tensor/error.h"

namespace timbre::examples {

namespace {

// Why the GPU cannot train here, or "" when it can: checked before training starts, so that a
// missing GPU is one clear sentence rather than a failure in the middle of the first batch.
std::string why_no_cuda_training() {
  if (!cuda::compiled_with_cuda()) return "timbre was built without CUDA";
  if (cuda::device_count() == 0) return "no CUDA device: " + cuda::unavailable_reason();
  return "";
}

}  // namespace

Device select_device(const std::string& flag, std::FILE* out) {
  if (flag == "auto") {
    const std::string reason = why_no_cuda_training();
    const Device device = reason.empty() ? Device::cuda(0) : Device::cpu();
    const std::string why =
        reason.empty() ? cuda::device_properties(0).name + ", the default when a GPU is usable"
                       : reason;
    std::fprintf(out, "device: %s (%s)\n", device.str().c_str(), why.c_str());
    return device;
  }
  const Device device = Device::parse(flag);
  if (device.is_cuda()) {
    const std::string reason = why_no_cuda_training();
    TIMBRE_CHECK(reason.empty(), "cannot run on --device ", flag, ": ", reason,
                 "; use --device cpu");
    TIMBRE_CHECK(device.index < cuda::device_count(), "cannot run on --device ", flag,
                 ": this machine has ", cuda::device_count(), " CUDA device(s), numbered from 0");
  }
  std::fprintf(out, "device: %s (asked for with --device)\n", device.str().c_str());
  return device;
}

}  // namespace timbre::examples
