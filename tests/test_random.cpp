// The counter-based Philox generator (tensor/philox.h) and the dropout mask built on it. The
// same arithmetic runs in the CUDA kernel, so these CPU tests check the GPU's numbers too.
#include "tensor/kernels.h"
#include "tensor/philox.h"
#include "test_helpers.h"

using namespace timbre;

namespace {
void expect_words(const Philox4x32& bits, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
  EXPECT_EQ(bits.word[0], w0);
  EXPECT_EQ(bits.word[1], w1);
  EXPECT_EQ(bits.word[2], w2);
  EXPECT_EQ(bits.word[3], w3);
}
}  // namespace

// Known-answer vectors of Random123 (kat_vectors, philox4x32 with 10 rounds).
TEST(Philox, MatchesRandom123ForZeroCounterAndKey) {
  expect_words(philox4x32({{0, 0, 0, 0}}, 0, 0), 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu,
               0x9b00dbd8u);
}

TEST(Philox, MatchesRandom123ForAllOnes) {
  const uint32_t ones = 0xffffffffu;
  expect_words(philox4x32({{ones, ones, ones, ones}}, ones, ones), 0x408f276du, 0x41c83b0eu,
               0xa20bc7c6u, 0x6d5451fdu);
}

TEST(Philox, MatchesRandom123ForPiDigits) {
  expect_words(
      philox4x32({{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}}, 0xa4093822u, 0x299f31d0u),
      0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u);
}

TEST(Philox, UniformDrawsLieInTheUnitInterval) {
  for (uint64_t i = 0; i < 10000; ++i) {
    const double u = philox_uniform(42, i);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(Philox, UniformDrawsHaveMeanOneHalf) {
  double sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i)
    sum += philox_uniform(7, static_cast<uint64_t>(i));
  // The standard deviation of the mean of n uniforms is 1 / sqrt(12 n) = 0.00065.
  EXPECT_NEAR(sum / n, 0.5, 0.004);
}

TEST(DropoutMask, HoldsOnlyZeroAndTheInverseKeepProbability) {
  const Tensor mask = kernels::dropout_mask({1000}, {.dtype = kFloat64}, 0.2, 1);
  for (double value : mask.to_vector<double>()) {
    EXPECT_TRUE(value == 0.0 || value == 1.0 / 0.8) << value;
  }
}

TEST(DropoutMask, KeepsAboutOneMinusPOfTheElements) {
  const int64_t n = 1000000;
  const Tensor mask = kernels::dropout_mask({n}, {.dtype = kFloat32}, 0.3, 99);
  int64_t kept = 0;
  for (float value : mask.to_vector<float>())
    kept += value != 0.0f;
  // Binomial(n, 0.7): standard deviation sqrt(n * 0.7 * 0.3) = 458; allow 6 of them.
  EXPECT_NEAR(static_cast<double>(kept), 0.7 * n, 6 * 458.0);
}

TEST(DropoutMask, IsTheSameForTheSameSeed) {
  const Tensor a = kernels::dropout_mask({4, 257}, {.dtype = kFloat32}, 0.5, 1234);
  const Tensor b = kernels::dropout_mask({4, 257}, {.dtype = kFloat32}, 0.5, 1234);
  EXPECT_EQ(a.to_vector<float>(), b.to_vector<float>());
}

TEST(DropoutMask, DiffersForAnotherSeed) {
  const Tensor a = kernels::dropout_mask({1000}, {.dtype = kFloat32}, 0.5, 1);
  const Tensor b = kernels::dropout_mask({1000}, {.dtype = kFloat32}, 0.5, 2);
  EXPECT_NE(a.to_vector<float>(), b.to_vector<float>());
}

TEST(DropoutMask, KeepsTheSameElementsInFloat32AndFloat64) {
  const std::vector<float> single =
      kernels::dropout_mask({500}, {.dtype = kFloat32}, 0.4, 5).to_vector<float>();
  const std::vector<double> twice =
      kernels::dropout_mask({500}, {.dtype = kFloat64}, 0.4, 5).to_vector<double>();
  for (size_t i = 0; i < single.size(); ++i)
    EXPECT_EQ(single[i] == 0.0f, twice[i] == 0.0) << i;
}

TEST(DropoutMask, DoesNotDependOnTheThreadCount) {
  // Large enough for the OpenMP loop to split it; the mask depends only on (seed, index).
  const Tensor mask = kernels::dropout_mask({300000}, {.dtype = kFloat32}, 0.5, 3);
  const std::vector<float> values = mask.to_vector<float>();
  for (uint64_t i : {0ull, 1ull, 4ull, 131071ull, 299999ull}) {
    EXPECT_EQ(values[i], static_cast<float>(dropout_mask_value(3, i, 0.5))) << i;
  }
}

TEST(DropoutMask, RejectsAProbabilityOfOne) {
  EXPECT_ERROR_CONTAINS(kernels::dropout_mask({3}, {.dtype = kFloat32}, 1.0, 0), "[0, 1)");
}

TEST(DropoutMask, RejectsIntegerDtypes) {
  EXPECT_ERROR_CONTAINS(kernels::dropout_mask({3}, {.dtype = kInt64}, 0.5, 0), "float32");
}
