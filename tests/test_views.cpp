// Views: no copies, correct strides, and the values they expose.
#include "test_helpers.h"

using namespace timbre;

namespace {
Tensor grid() {
  return arange(24).reshape({2, 3, 4});
}  // value = 12 i + 4 j + k
}  // namespace

TEST(Views, ReshapeOfContiguousIsAView) {
  Tensor a = grid();
  Tensor r = a.reshape({6, 4});
  EXPECT_EQ(r.storage(), a.storage());
  EXPECT_EQ(r.at({5, 3}), 23.0);
}

TEST(Views, ReshapeInfersMinusOne) {
  EXPECT_EQ(grid().reshape({-1, 8}).sizes(), (Shape{3, 8}));
  EXPECT_ERROR_CONTAINS(grid().reshape({-1, 5}), "cannot reshape [2, 3, 4]");
  EXPECT_ERROR_CONTAINS(grid().reshape({-1, -1}), "only one dimension can be -1");
}

TEST(Views, ReshapeOfNonContiguousCopies) {
  Tensor t = grid().transpose(0, 2);  // [4, 3, 2]
  Tensor r = t.reshape({24});
  EXPECT_NE(r.storage(), t.storage());
  EXPECT_EQ(r.to_vector<double>(), t.contiguous().to_vector<double>());
}

TEST(Views, ViewRefusesNonContiguous) {
  EXPECT_ERROR_CONTAINS(grid().transpose(0, 1).view({6, 4}), "not contiguous");
}

TEST(Views, PermuteReordersSizesAndStrides) {
  Tensor p = grid().permute({2, 0, 1});
  EXPECT_EQ(p.sizes(), (Shape{4, 2, 3}));
  EXPECT_EQ(p.strides(), (Shape{1, 12, 4}));
  EXPECT_EQ(p.at({3, 1, 2}), 12.0 + 8.0 + 3.0);
  EXPECT_ERROR_CONTAINS(grid().permute({0, 0, 1}), "appears twice");
}

TEST(Views, TransposeSwapsTwoDims) {
  Tensor t = grid().transpose(-1, 0);
  EXPECT_EQ(t.sizes(), (Shape{4, 3, 2}));
  EXPECT_EQ(t.at({1, 2, 1}), 12.0 + 8.0 + 1.0);
}

TEST(Views, NarrowSelectsARange) {
  Tensor n = grid().narrow(2, 1, 2);
  EXPECT_EQ(n.sizes(), (Shape{2, 3, 2}));
  EXPECT_EQ(n.at({1, 2, 0}), 12.0 + 8.0 + 1.0);
  EXPECT_ERROR_CONTAINS(grid().narrow(2, 3, 2), "out of range");
}

TEST(Views, SliceWithStepAndNegativeBounds) {
  Tensor v = arange(10);
  EXPECT_EQ(v.slice(0, 1, 8, 3).to_vector<double>(), (std::vector<double>{1, 4, 7}));
  EXPECT_EQ(v.slice(0, -3, 100).to_vector<double>(), (std::vector<double>{7, 8, 9}));
  EXPECT_EQ(v.slice(0, 5, 2).numel(), 0);
  EXPECT_ERROR_CONTAINS(v.slice(0, 0, 5, 0), "step must be positive");
}

TEST(Views, SelectDropsTheDimension) {
  Tensor s = grid().select(1, -1);
  EXPECT_EQ(s.sizes(), (Shape{2, 4}));
  EXPECT_EQ(s.at({1, 3}), 12.0 + 8.0 + 3.0);
  EXPECT_ERROR_CONTAINS(grid().select(1, 3), "out of range");
}

TEST(Views, SqueezeAndUnsqueeze) {
  Tensor t = zeros({1, 3, 1, 2});
  EXPECT_EQ(t.squeeze().sizes(), (Shape{3, 2}));
  EXPECT_EQ(t.squeeze(2).sizes(), (Shape{1, 3, 2}));
  EXPECT_EQ(t.squeeze(1).sizes(), (Shape{1, 3, 1, 2}));  // size 3: unchanged
  EXPECT_EQ(zeros({3}).unsqueeze(0).sizes(), (Shape{1, 3}));
  EXPECT_EQ(zeros({3}).unsqueeze(-1).sizes(), (Shape{3, 1}));
  EXPECT_ERROR_CONTAINS(zeros({3}).unsqueeze(3), "out of range");
}

TEST(Views, ExpandUsesZeroStrides) {
  Tensor e = arange(3).reshape({3, 1}).expand({2, 3, 4});
  EXPECT_EQ(e.sizes(), (Shape{2, 3, 4}));
  EXPECT_EQ(e.strides()[0], 0);
  EXPECT_EQ(e.strides()[2], 0);
  EXPECT_EQ(e.at({1, 2, 3}), 2.0);
  EXPECT_EQ(arange(3).expand({-1}).sizes(), (Shape{3}));
  EXPECT_ERROR_CONTAINS(arange(3).expand({4}), "cannot expand [3] to [4]");
}

TEST(Views, FlattenMergesARange) {
  EXPECT_EQ(grid().flatten().sizes(), (Shape{24}));
  EXPECT_EQ(grid().flatten(1).sizes(), (Shape{2, 12}));
  EXPECT_EQ(grid().flatten(0, 1).sizes(), (Shape{6, 4}));
}

TEST(Views, ViewOfViewComposesOffsets) {
  Tensor v = grid().select(0, 1).narrow(1, 2, 2).t();  // [2, 3] of the second block
  EXPECT_EQ(v.sizes(), (Shape{2, 3}));
  EXPECT_EQ(v.at({1, 2}), 12.0 + 8.0 + 3.0);
}

TEST(Views, CloneIsIndependent) {
  Tensor a = arange(3);
  Tensor c = a.clone();
  c.set_at({0}, 9.0);
  EXPECT_EQ(a.at({0}), 0.0);
}
