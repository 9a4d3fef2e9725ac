// Bad arguments give a timbre::Error naming the op and the values involved, never a crash.
#include "tensor/cuda_runtime_info.h"
#include "test_helpers.h"

using namespace timbre;

TEST(Errors, MismatchedShapesNameTheOpAndBothShapes) {
  EXPECT_ERROR_CONTAINS(zeros({2, 3}) + zeros({4}),
                        "add: shapes [2, 3] and [4] cannot be broadcast");
  EXPECT_ERROR_CONTAINS(zeros({2, 3}) * zeros({3, 2}), "mul: shapes [2, 3] and [3, 2]");
}

TEST(Errors, MismatchedDtypesNameBothDtypes) {
  EXPECT_ERROR_CONTAINS(zeros({2}) + zeros({2}, {.dtype = kFloat64}),
                        "add: dtypes differ: float32 [2] and float64 [2]");
}

TEST(Errors, MatmulWithIncompatibleInnerSizes) {
  EXPECT_ERROR_CONTAINS(matmul(zeros({2, 3}), zeros({4, 5})),
                        "matmul: shapes [2, 3] and [4, 5] cannot be multiplied");
}

TEST(Errors, MatmulOfZeroDimensionalTensors) {
  EXPECT_ERROR_CONTAINS(matmul(scalar_tensor(1.0), zeros({2})), "at least one dimension");
}

TEST(Errors, DimensionOutOfRange) {
  EXPECT_ERROR_CONTAINS(sum(zeros({2, 3}), {2}), "sum: dimension 2 is out of range");
  EXPECT_ERROR_CONTAINS(softmax(zeros({2, 3}), -3), "softmax: dimension -3");
}

TEST(Errors, RepeatedReductionDimension) {
  EXPECT_ERROR_CONTAINS(sum(zeros({2, 3}), {1, -1}), "listed twice");
}

TEST(Errors, FloatOnlyOpsRejectIntegers) {
  EXPECT_ERROR_CONTAINS(exp(arange(3, {.dtype = kInt64})), "exp: expected a float32 or float64");
  EXPECT_ERROR_CONTAINS(arange(3, {.dtype = kInt64}) / arange(3, {.dtype = kInt64}),
                        "div: expected float32 or float64");
}

TEST(Errors, IndexMustBeInt64) {
  EXPECT_ERROR_CONTAINS(gather(zeros({2, 3}), 1, zeros({2, 1})), "index must be int64");
}

TEST(Errors, LabelOutOfRangeIsReportedNotRead) {
  Tensor labels = from_vector(std::vector<int64_t>{0, 7}, {2, 1});
  EXPECT_ERROR_CONTAINS(gather(zeros({2, 3}), 1, labels), "gather: index 7 is out of range");
  Tensor negative = from_vector(std::vector<int64_t>{-1}, {1});
  EXPECT_ERROR_CONTAINS(index_select(zeros({2, 3}), 0, negative), "index -1 is out of range");
}

TEST(Errors, ConcatOfMismatchedShapes) {
  EXPECT_ERROR_CONTAINS(concat({zeros({2, 3}), zeros({2, 4})}, 0), "differ outside dimension 0");
  EXPECT_ERROR_CONTAINS(concat({}, 0), "at least one tensor");
}

TEST(Errors, GpuTensorsWithoutCudaGiveAClearError) {
  if (cuda::compiled_with_cuda() && cuda::device_count() > 0) GTEST_SKIP() << "a GPU is present";
  EXPECT_THROW(zeros({2}).to(Device::cuda(0)), Error);
}

TEST(Errors, NegativeSizesAreRejected) {
  EXPECT_ERROR_CONTAINS(zeros({2, -1}), "negative size");
}

TEST(Errors, ClampWithCrossedBounds) {
  EXPECT_ERROR_CONTAINS(clamp(zeros({2}), 1.0, -1.0), "clamp: low 1 is above high -1");
}
