// tests/cuda_test_helpers.h - what the CUDA tests (label `cuda`) share: skipping without a GPU,
// and comparing a CUDA result with the CPU result of the same op.
//
// Without a GPU every CUDA test reports SKIPPED with the reason (timbre built without CUDA, or
// cudaGetDeviceCount's error string): never a silent pass, never a failure.
#pragma once

#include <cmath>
#include <string>

#include "tensor/cuda_runtime_info.h"
#include "test_helpers.h"

#define REQUIRE_GPU()                                                             \
  do {                                                                            \
    if (::timbre::cuda::device_count() == 0) {                                    \
      GTEST_SKIP() << "no CUDA device: " << ::timbre::cuda::unavailable_reason(); \
    }                                                                             \
  } while (false)

namespace timbre::testing {

// The GPU every CUDA test runs on.
inline Device gpu() {
  return Device::cuda(0);
}

// Checks |gpu_result - cpu_result| <= atol + rtol * |cpu_result| for every element, after moving
// gpu_result to the CPU; also that both have the same shape and dtype and that gpu_result really
// is on a GPU. `what` names the tensor in the failure message.
inline void expect_matches_cpu(const Tensor& gpu_result, const Tensor& cpu_result, double rtol,
                               double atol, const std::string& what = "result") {
  ASSERT_TRUE(gpu_result.device().is_cuda()) << what << " is not on a GPU";
  ASSERT_EQ(gpu_result.sizes(), cpu_result.sizes()) << what;
  ASSERT_EQ(gpu_result.dtype(), cpu_result.dtype()) << what;
  const std::vector<double> got = gpu_result.to(Device::cpu()).to_vector<double>();
  const std::vector<double> want = cpu_result.to_vector<double>();
  int reported = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    const bool both_nan = std::isnan(got[i]) && std::isnan(want[i]);
    const bool close = std::fabs(got[i] - want[i]) <= atol + rtol * std::fabs(want[i]);
    if (!both_nan && !close && reported++ < 5) {
      ADD_FAILURE() << what << "[" << i << "]: CUDA " << got[i] << " vs CPU " << want[i]
                    << " (rtol " << rtol << ", atol " << atol << ")";
    }
  }
}

}  // namespace timbre::testing
