// Tensor basics: storage sharing, metadata, element access, dtype conversion, devices.
#include <unistd.h>

#include <cstdio>

#include "test_helpers.h"

using namespace timbre;

TEST(Tensor, DefaultConstructedIsUndefined) {
  Tensor t;
  EXPECT_FALSE(t.defined());
  EXPECT_THROW(t.sizes(), Error);
}

TEST(Tensor, EmptyIsContiguousWithRowMajorStrides) {
  Tensor t = empty({2, 3, 4});
  EXPECT_EQ(t.sizes(), (Shape{2, 3, 4}));
  EXPECT_EQ(t.strides(), (Shape{12, 4, 1}));
  EXPECT_EQ(t.numel(), 24);
  EXPECT_EQ(t.dim(), 3);
  EXPECT_TRUE(t.is_contiguous());
  EXPECT_EQ(t.dtype(), kFloat32);
  EXPECT_EQ(t.device(), Device::cpu());
}

TEST(Tensor, CopyingAHandleSharesTheTensor) {
  Tensor a = zeros({2});
  Tensor b = a;
  b.set_at({1}, 5.0);
  EXPECT_EQ(a.at({1}), 5.0);
  EXPECT_TRUE(a.is_same(b));
}

TEST(Tensor, ViewsShareStorage) {
  Tensor a = arange(6).reshape({2, 3});
  Tensor t = a.t();
  EXPECT_EQ(a.storage(), t.storage());
  a.set_at({0, 2}, 42.0);
  EXPECT_EQ(t.at({2, 0}), 42.0);
}

TEST(Tensor, ZeroDimensionalTensorHoldsOneItem) {
  Tensor s = scalar_tensor(3.5);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.numel(), 1);
  EXPECT_EQ(s.item(), 3.5);
}

TEST(Tensor, ItemRequiresOneElement) {
  EXPECT_ERROR_CONTAINS(zeros({2}).item(), "one-element");
}

TEST(Tensor, AtChecksIndexLengthAndRange) {
  Tensor t = zeros({2, 3});
  EXPECT_ERROR_CONTAINS(t.at({1}), "index has 1 entries");
  EXPECT_ERROR_CONTAINS(t.at({0, 3}), "out of range");
  EXPECT_ERROR_CONTAINS(t.at({-1, 0}), "out of range");
}

TEST(Tensor, DataPtrChecksDtype) {
  Tensor t = zeros({2});
  EXPECT_NO_THROW(t.data_ptr<float>());
  EXPECT_ERROR_CONTAINS(t.data_ptr<double>(), "float32");
}

TEST(Tensor, ToVectorFollowsViewOrder) {
  Tensor t = arange(6).reshape({2, 3}).t();
  EXPECT_EQ(t.to_vector<double>(), (std::vector<double>{0, 3, 1, 4, 2, 5}));
}

TEST(Tensor, ToDtypeConvertsValues) {
  Tensor t = tensor({1.5, -2.25});
  Tensor d = t.to(kFloat64);
  EXPECT_EQ(d.dtype(), kFloat64);
  EXPECT_EQ(d.to_vector<double>(), (std::vector<double>{1.5, -2.25}));
  Tensor i = t.to(kInt64);
  EXPECT_EQ(i.to_vector<int64_t>(), (std::vector<int64_t>{1, -2}));  // truncation, as C++ casts
}

TEST(Tensor, ToSameDtypeReturnsTheSameTensor) {
  Tensor t = zeros({2});
  EXPECT_TRUE(t.to(kFloat32).is_same(t));
}

TEST(Tensor, ContiguousCopiesOnlyWhenNeeded) {
  Tensor a = arange(6).reshape({2, 3});
  EXPECT_TRUE(a.contiguous().is_same(a));
  Tensor t = a.t();
  EXPECT_FALSE(t.is_contiguous());
  Tensor c = t.contiguous();
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_NE(c.storage(), a.storage());
  EXPECT_EQ(c.to_vector<double>(), t.to_vector<double>());
}

TEST(Tensor, DetachSharesDataButNotTheGraph) {
  Tensor x = ones({2}, {.requires_grad = true});
  Tensor y = x * 2.0;
  Tensor d = y.detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_EQ(d.grad_fn(), nullptr);
  EXPECT_EQ(d.storage(), y.storage());
}

TEST(Device, ParsesNames) {
  EXPECT_EQ(Device::parse("cpu"), Device::cpu());
  EXPECT_EQ(Device::parse("cuda"), Device::cuda(0));
  EXPECT_EQ(Device::parse("cuda:1"), Device::cuda(1));
  EXPECT_EQ(Device::cuda(2).str(), "cuda:2");
  EXPECT_ERROR_CONTAINS(Device::parse("gpu"), "unknown device 'gpu'");
  EXPECT_ERROR_CONTAINS(Device::parse("cuda:x"), "unknown device");
}

TEST(Npy, RoundTripsEveryDtype) {
  const std::string path = ::testing::TempDir() + "/roundtrip.npy";
  for (DType dtype : {kFloat32, kFloat64, kInt64}) {
    Tensor t = arange(-3, 9, 1.0, {.dtype = dtype}).reshape({3, 4});
    write_npy(path, t);
    Tensor back = read_npy(path);
    EXPECT_EQ(back.dtype(), dtype);
    EXPECT_EQ(back.sizes(), (Shape{3, 4}));
    EXPECT_EQ(back.to_vector<double>(), t.to_vector<double>());
  }
}

TEST(Npy, RoundTripsScalarsAndVectors) {
  const std::string path = ::testing::TempDir() + "/shapes.npy";
  write_npy(path, scalar_tensor(2.5, {.dtype = kFloat64}));
  EXPECT_EQ(read_npy(path).sizes(), Shape{});
  write_npy(path, arange(5));
  EXPECT_EQ(read_npy(path).sizes(), Shape{5});
}

TEST(Npy, ReadsPyTorchReferenceFiles) {
  Tensor y = read_npy(timbre::testing::data_path("torch/cross_entropy_f64/y.npy"));
  EXPECT_EQ(y.dtype(), kInt64);
  EXPECT_EQ(y.sizes(), Shape{5});
}

TEST(Npy, RejectsMissingFileNamingIt) {
  EXPECT_ERROR_CONTAINS(read_npy("/nonexistent/x.npy"), "/nonexistent/x.npy: cannot open");
}

TEST(Npy, RejectsTruncatedData) {
  const std::string path = ::testing::TempDir() + "/truncated.npy";
  write_npy(path, arange(100, {.dtype = kFloat64}));
  std::FILE* file = std::fopen(path.c_str(), "r+b");
  ASSERT_NE(file, nullptr);
  std::fseek(file, 0, SEEK_END);
  const long size = std::ftell(file);
  std::fclose(file);
  ASSERT_EQ(truncate(path.c_str(), size - 8), 0);
  EXPECT_ERROR_CONTAINS(read_npy(path), "truncated .npy data");
}

TEST(Npy, RejectsNonNpyFile) {
  const std::string path = ::testing::TempDir() + "/not.npy";
  std::FILE* file = std::fopen(path.c_str(), "wb");
  std::fputs("hello world, not numpy", file);
  std::fclose(file);
  EXPECT_ERROR_CONTAINS(read_npy(path), "bad magic");
}
