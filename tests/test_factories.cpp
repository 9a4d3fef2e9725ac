// Factories: constants, ranges, seeded random numbers.
#include "test_helpers.h"

using namespace timbre;

TEST(Factories, ZerosOnesFull) {
  EXPECT_EQ(zeros({2, 2}).to_vector<double>(), (std::vector<double>(4, 0.0)));
  EXPECT_EQ(ones({3}).to_vector<double>(), (std::vector<double>(3, 1.0)));
  EXPECT_EQ(full({2}, 7.5, {.dtype = kFloat64}).to_vector<double>(),
            (std::vector<double>{7.5, 7.5}));
}

TEST(Factories, OptionsSetDtypeAndRequiresGrad) {
  Tensor t = zeros({2}, {.dtype = kFloat64, .requires_grad = true});
  EXPECT_EQ(t.dtype(), kFloat64);
  EXPECT_TRUE(t.requires_grad());
  EXPECT_TRUE(t.is_leaf());
}

TEST(Factories, Int64TensorsCannotRequireGrad) {
  EXPECT_ERROR_CONTAINS(zeros({2}, {.dtype = kInt64, .requires_grad = true}),
                        "only floating-point tensors");
}

TEST(Factories, ArangeLikePython) {
  EXPECT_EQ(arange(5).to_vector<double>(), (std::vector<double>{0, 1, 2, 3, 4}));
  EXPECT_EQ(arange(1, 2, 0.25).to_vector<double>(), (std::vector<double>{1, 1.25, 1.5, 1.75}));
  EXPECT_EQ(arange(3, 0, -1).to_vector<double>(), (std::vector<double>{3, 2, 1}));
  EXPECT_EQ(arange(0, 0).numel(), 0);
  EXPECT_ERROR_CONTAINS(arange(0, 1, 0), "step non-zero");
}

TEST(Factories, LinspaceIncludesBothEnds) {
  EXPECT_EQ(linspace(0, 1, 5).to_vector<double>(), (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
}

TEST(Factories, FromVectorChecksCount) {
  Tensor t = from_vector(std::vector<float>{1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(t.at({1, 0}), 4.0);
  EXPECT_ERROR_CONTAINS(from_vector(std::vector<float>{1, 2}, {3}), "2 values do not fill");
}

TEST(Factories, SameSeedGivesSameNumbers) {
  manual_seed(7);
  const auto a = randn({100}).to_vector<double>();
  manual_seed(7);
  const auto b = randn({100}).to_vector<double>();
  EXPECT_EQ(a, b);
  Generator g1(3), g2(3);
  EXPECT_EQ(rand({10}, {}, &g1).to_vector<double>(), rand({10}, {}, &g2).to_vector<double>());
}

TEST(Factories, DifferentSeedsGiveDifferentNumbers) {
  Generator g1(1), g2(2);
  EXPECT_NE(rand({10}, {}, &g1).to_vector<double>(), rand({10}, {}, &g2).to_vector<double>());
}

TEST(Factories, UniformStaysInRange) {
  Generator g(11);
  for (double v : uniform({10000}, -2.0, 3.0, {.dtype = kFloat64}, &g).to_vector<double>()) {
    EXPECT_GE(v, -2.0);
    EXPECT_LT(v, 3.0);
  }
}

TEST(Factories, RandnHasUnitMomentsOnLargeSamples) {
  Generator g(5);
  const auto v = randn({200000}, {.dtype = kFloat64}, &g).to_vector<double>();
  double sum = 0, sum_sq = 0;
  for (double x : v) {
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / v.size();
  EXPECT_NEAR(mean, 0.0, 0.01);
  EXPECT_NEAR(sum_sq / v.size() - mean * mean, 1.0, 0.02);
}

TEST(Factories, RandintCoversTheRangeOnly) {
  Generator g(9);
  std::vector<int> seen(4, 0);
  for (int64_t v : randint(2, 6, {1000}, {.dtype = kInt64}, &g).to_vector<int64_t>()) {
    ASSERT_GE(v, 2);
    ASSERT_LT(v, 6);
    seen[v - 2]++;
  }
  for (int count : seen)
    EXPECT_GT(count, 150);
}
