// CUDA tests: run only where a GPU is present; elsewhere each reports SKIPPED with the reason
// (timbre built without CUDA, or cudaGetDeviceCount's error string). They never pass silently.
#include "cuda_test_helpers.h"  // REQUIRE_GPU

using namespace timbre;

TEST(Cuda, ReportsWhyNoDeviceIsAvailable) {
  if (cuda::device_count() > 0) {
    EXPECT_TRUE(cuda::unavailable_reason().empty());
  } else {
    EXPECT_FALSE(cuda::unavailable_reason().empty());
    GTEST_SKIP() << "no CUDA device: " << cuda::unavailable_reason();
  }
}

TEST(Cuda, RoundTripKeepsValues) {
  REQUIRE_GPU();
  Tensor host = arange(1000, {.dtype = kFloat64});
  Tensor device = host.to(Device::cuda(0));
  EXPECT_EQ(device.device(), Device::cuda(0));
  EXPECT_EQ(device.to(Device::cpu()).to_vector<double>(), host.to_vector<double>());
}

TEST(Cuda, ElementAccessReadsDeviceMemory) {
  REQUIRE_GPU();
  Tensor device = arange(6).reshape({2, 3}).to(Device::cuda(0));
  EXPECT_EQ(device.at({1, 2}), 5.0);
  device.set_at({0, 0}, 9.0);
  EXPECT_EQ(device.at({0, 0}), 9.0);
}

TEST(Cuda, FactoriesPlaceTensorsOnTheDevice) {
  REQUIRE_GPU();
  Tensor t = ones({3}, {.device = Device::cuda(0)});
  EXPECT_EQ(t.device(), Device::cuda(0));
  EXPECT_EQ(t.to_vector<double>(), (std::vector<double>{1, 1, 1}));
}

TEST(Cuda, GradientFlowsBackAcrossDevices) {
  REQUIRE_GPU();
  Tensor x = ones({3}, {.requires_grad = true});
  Tensor on_gpu = x.to(Device::cuda(0));
  Tensor back = on_gpu.to(Device::cpu());
  sum(back * 2.0).backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{2, 2, 2}));
}
