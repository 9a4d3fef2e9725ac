// Sums, means and variances in numpy's order (audio/statistics.h) against numpy 1.24 itself:
// tests/data/numpy/pairwise_*.npy, made by make_pairwise_goldens.py there. Tolerance: none -
// the same additions in the same order give the same doubles, so every value is compared
// exactly (a different order changes the last bits of these large-mean arrays).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "audio/statistics.h"
#include "tensor/factories.h"
#include "tensor/npy.h"
#include "test_helpers.h"

namespace timbre::audio {
namespace {

using timbre::testing::data_path;

struct PairwiseGoldens {
  std::vector<int64_t> lengths;
  std::vector<double> values64;
  std::vector<float> values32;
  std::vector<double> expected;  // [arrays, 5]: sum, mean, var (float64), mean, var (float32)
};

const PairwiseGoldens& goldens() {
  static const PairwiseGoldens loaded = [] {
    PairwiseGoldens g;
    g.lengths = read_npy(data_path("numpy/pairwise_lengths.npy")).to_vector<int64_t>();
    g.values64 = read_npy(data_path("numpy/pairwise_float64.npy")).to_vector<double>();
    g.values32 = read_npy(data_path("numpy/pairwise_float32.npy")).to_vector<float>();
    g.expected = read_npy(data_path("numpy/pairwise_expected.npy")).to_vector<double>();
    return g;
  }();
  return loaded;
}

TEST(AudioStatistics, NumpySumAddsInNumpysPairwiseOrder) {
  const PairwiseGoldens& g = goldens();
  int64_t offset = 0;
  for (size_t a = 0; a < g.lengths.size(); ++a) {
    const int64_t n = g.lengths[a];
    EXPECT_EQ(numpy_sum(g.values64.data() + offset, n), g.expected[a * 5 + 0]) << "n = " << n;
    offset += n;
  }
}

// Each array of `values` (float64 or float32 goldens): mean and variance against numpy's, in
// columns mean_column and mean_column + 1 of the expected table.
template <typename T>
void expect_numpys_means_and_variances(const std::vector<T>& values, int64_t mean_column) {
  const PairwiseGoldens& g = goldens();
  int64_t offset = 0;
  for (size_t a = 0; a < g.lengths.size(); ++a) {
    const int64_t n = g.lengths[a];
    const MeanVariance statistics = mean_and_variance(values.data() + offset, n);
    EXPECT_EQ(statistics.mean, g.expected[a * 5 + mean_column]) << "n = " << n;
    EXPECT_EQ(statistics.variance, g.expected[a * 5 + mean_column + 1]) << "n = " << n;
    offset += n;
  }
}

TEST(AudioStatistics, MeanAndVarianceOfFloat64EqualNumpys) {
  expect_numpys_means_and_variances(goldens().values64, 1);
}

TEST(AudioStatistics, Float32ValuesAreWidenedToDoubleFirst) {
  expect_numpys_means_and_variances(goldens().values32, 3);
}

TEST(AudioStatistics, RowsOfAMatrixAndTensorsGiveTheSameStatistics) {
  // The 1000-value array as a [8, 125] matrix: each row's statistics are those of its values.
  const PairwiseGoldens& g = goldens();
  int64_t offset = 0;
  size_t a = 0;
  while (g.lengths[a] != 1000)
    offset += g.lengths[a++];
  const std::vector<double> values(g.values64.begin() + offset, g.values64.begin() + offset + 1000);
  const Tensor matrix = from_vector(values, {8, 125});
  const std::vector<MeanVariance> rows = mean_and_variance_of_rows(matrix);
  ASSERT_EQ(rows.size(), 8u);
  for (int64_t r = 0; r < 8; ++r) {
    const MeanVariance expected = mean_and_variance(values.data() + r * 125, 125);
    EXPECT_EQ(rows[r].mean, expected.mean);
    EXPECT_EQ(rows[r].variance, expected.variance);
  }
  const MeanVariance whole = mean_and_variance(matrix);
  EXPECT_EQ(whole.mean, g.expected[a * 5 + 1]);
  EXPECT_EQ(whole.variance, g.expected[a * 5 + 2]);
}

TEST(AudioStatistics, RejectsEmptyAndNonMatrixInput) {
  const std::vector<double> none;
  EXPECT_ERROR_CONTAINS(mean_and_variance(none.data(), 0), "no values");
  EXPECT_ERROR_CONTAINS(mean_and_variance_of_rows(zeros({4})), "matrix");
  EXPECT_EQ(numpy_sum(none.data(), 0), 0.0);
}

}  // namespace
}  // namespace timbre::audio
