// Losses: values, reductions, class weights, label smoothing, stability and bad targets.
#include "layers/nn.h"
#include "test_helpers.h"

using namespace timbre;
using namespace timbre::nn;
using timbre::testing::all_close;

namespace {
Tensor labels(std::vector<int64_t> values) {
  const int64_t n = static_cast<int64_t>(values.size());
  return from_vector(values, {n});
}
// -log softmax(row)[t], computed directly in double.
double reference_ce(const std::vector<double>& row, int t) {
  double max_value = row[0];
  for (double v : row)
    max_value = std::max(max_value, v);
  double sum_exp = 0;
  for (double v : row)
    sum_exp += std::exp(v - max_value);
  return -(row[t] - max_value - std::log(sum_exp));
}
}  // namespace

TEST(CrossEntropy, MeanOfPerSampleLosses) {
  Tensor z = from_vector(std::vector<double>{1, 2, 3, 0, 0, 5}, {2, 3});
  const double expected = (reference_ce({1, 2, 3}, 0) + reference_ce({0, 0, 5}, 2)) / 2;
  EXPECT_NEAR(cross_entropy(z, labels({0, 2})).item(), expected, 1e-12);
}

TEST(CrossEntropy, ReductionsNoneAndSum) {
  Tensor z = from_vector(std::vector<double>{1, 2, 3, 0, 0, 5}, {2, 3});
  Tensor each = cross_entropy(z, labels({0, 2}), {.reduction = Reduction::None});
  EXPECT_EQ(each.sizes(), Shape{2});
  EXPECT_NEAR(each.at({1}), reference_ce({0, 0, 5}, 2), 1e-12);
  EXPECT_NEAR(cross_entropy(z, labels({0, 2}), {.reduction = Reduction::Sum}).item(),
              each.at({0}) + each.at({1}), 1e-12);
}

TEST(CrossEntropy, IsStableForHugeLogits) {
  Tensor z = from_vector(std::vector<float>{1000, -1000, 0, 3000, 0, 0}, {2, 3});
  const double loss = cross_entropy(z, labels({1, 0})).item();
  EXPECT_TRUE(std::isfinite(loss));
  EXPECT_NEAR(loss, (2000.0 + 0.0) / 2, 1e-3);
}

TEST(CrossEntropy, GradientIsSoftmaxMinusOneHotOverN) {
  Tensor z = from_vector(std::vector<double>{0.1, 0.2, 0.3, 1, -1, 0}, {2, 3},
                         {.dtype = kFloat64, .requires_grad = true});
  cross_entropy(z, labels({2, 0})).backward();
  Tensor expected =
      (softmax(z.detach(), 1) - from_vector(std::vector<double>{0, 0, 1, 1, 0, 0}, {2, 3})) / 2.0;
  EXPECT_TRUE(all_close(z.grad(), expected, 1e-12, 1e-14));
}

TEST(CrossEntropy, ClassWeightsNormaliseByTheTargetsWeights) {
  Tensor z = from_vector(std::vector<double>{1, 2, 3, 0, 0, 5}, {2, 3});
  Tensor w = from_vector(std::vector<double>{2, 1, 0.5}, {3});
  const double expected =
      (2 * reference_ce({1, 2, 3}, 0) + 0.5 * reference_ce({0, 0, 5}, 2)) / (2 + 0.5);
  EXPECT_NEAR(cross_entropy(z, labels({0, 2}), {.weight = w}).item(), expected, 1e-12);
}

TEST(CrossEntropy, LabelSmoothingMixesInTheUniformTarget) {
  Tensor z = from_vector(std::vector<double>{1, 2, 3}, {1, 3});
  const double e = 0.1;
  double uniform = 0;
  for (int c = 0; c < 3; ++c)
    uniform += reference_ce({1, 2, 3}, c);
  const double expected = (1 - e) * reference_ce({1, 2, 3}, 1) + e / 3 * uniform;
  EXPECT_NEAR(cross_entropy(z, labels({1}), {.label_smoothing = e}).item(), expected, 1e-12);
}

TEST(CrossEntropy, RejectsOutOfRangeTargets) {
  EXPECT_ERROR_CONTAINS(cross_entropy(zeros({2, 3}), labels({0, 3})),
                        "cross_entropy: target 3 is out of range for 3 classes");
}

TEST(CrossEntropy, RejectsFloatTargetsAndWrongBatch) {
  EXPECT_ERROR_CONTAINS(cross_entropy(zeros({2, 3}), zeros({2})), "targets must be int64");
  EXPECT_ERROR_CONTAINS(cross_entropy(zeros({2, 3}), labels({0})), "do not match input [2, 3]");
}

TEST(NllLoss, PicksTheTargetLogProbability) {
  Tensor log_probs = from_vector(std::vector<double>{-0.1, -2.0, -3.0, -0.5}, {2, 2});
  EXPECT_NEAR(nll_loss(log_probs, labels({1, 0})).item(), (2.0 + 3.0) / 2, 1e-12);
}

TEST(NllLoss, AfterLogSoftmaxEqualsCrossEntropy) {
  Tensor z = randn({4, 5}, {.dtype = kFloat64});
  Tensor t = labels({0, 4, 2, 2});
  EXPECT_NEAR(nll_loss(log_softmax(z, 1), t).item(), cross_entropy(z, t).item(), 1e-12);
}

TEST(MseLoss, MeanSquaredDifference) {
  EXPECT_NEAR(mse_loss(tensor({1, 2, 3}), tensor({1, 0, 0})).item(), (0 + 4 + 9) / 3.0, 1e-6);
  EXPECT_ERROR_CONTAINS(mse_loss(zeros({2}), zeros({3})), "differ in shape");
}

TEST(BinaryCrossEntropyWithLogits, MatchesTheDefinition) {
  const double x = 0.7, y = 0.3;
  const double s = 1 / (1 + std::exp(-x));
  const double expected = -(y * std::log(s) + (1 - y) * std::log(1 - s));
  EXPECT_NEAR(binary_cross_entropy_with_logits(tensor({x}, {.dtype = kFloat64}),
                                               tensor({y}, {.dtype = kFloat64}))
                  .item(),
              expected, 1e-12);
}

TEST(BinaryCrossEntropyWithLogits, IsStableForHugeLogits) {
  const double loss =
      binary_cross_entropy_with_logits(tensor({1000, -1000}), tensor({0, 1}), Reduction::Sum)
          .item();
  EXPECT_NEAR(loss, 2000.0, 1e-2);
}
