// audio/statistics.cpp - numpy's pairwise summation and the mean and variance built on it
// (audio/statistics.h).
#include "audio/statistics.h"

#include "tensor/dtype.h"
#include "tensor/error.h"
#include "tensor/kernels.h"

namespace timbre::audio {

namespace {

// numpy's pairwise summation (pairwise_sum in numpy 1.24's numpy/core/src/umath/loops_utils.h.src),
// the order in which np.sum, np.mean and np.var add a contiguous float64 array: fewer than 8 terms
// one after another; up to 128 terms in 8 interleaved partial sums r0..r7 (term i into r[i % 8]),
// combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the terms past the last
// multiple of 8 in order; more terms split in two halves, the first a multiple of 8, each summed
// the same way. Besides giving numpy's very sums, the partial sums are independent chains of
// additions the processor overlaps (a single running sum waits on every addition).
// term(i): the i-th term (double) -> sum of terms first .. first + count - 1
template <typename Term>
double pairwise_sum(const Term& term, int64_t first, int64_t count) {
  constexpr int64_t kBlock = 128;
  if (count < 8) {
    double sum = 0.0;
    for (int64_t i = 0; i < count; ++i)
      sum += term(first + i);
    return sum;
  }
  if (count <= kBlock) {
    double partial[8];
    for (int64_t j = 0; j < 8; ++j)
      partial[j] = term(first + j);
    int64_t i = 8;
    for (; i < count - count % 8; i += 8) {
      for (int64_t j = 0; j < 8; ++j)
        partial[j] += term(first + i + j);
    }
    double sum = ((partial[0] + partial[1]) + (partial[2] + partial[3])) +
                 ((partial[4] + partial[5]) + (partial[6] + partial[7]));
    for (; i < count; ++i)
      sum += term(first + i);
    return sum;
  }
  int64_t half = count / 2;
  half -= half % 8;
  return pairwise_sum(term, first, half) + pairwise_sum(term, first + half, count - half);
}

// See mean_and_variance in statistics.h: both dtypes, values widened to double as read.
template <typename T>
MeanVariance mean_and_variance_typed(const T* values, int64_t count) {
  TIMBRE_CHECK(count > 0, "mean_and_variance: no values");
  const double n = static_cast<double>(count);
  const double mean =
      (0.0 + pairwise_sum([&](int64_t i) { return static_cast<double>(values[i]); }, 0, count)) / n;
  const double squared_deviations = pairwise_sum(
      [&](int64_t i) {
        const double deviation = static_cast<double>(values[i]) - mean;
        return deviation * deviation;
      },
      0, count);
  return {mean, (0.0 + squared_deviations) / n};
}

// The statistics of each of `runs` consecutive runs of n values of a contiguous CPU tensor (its
// rows when it is a [runs, n] matrix). values: [runs * n] -> [runs]
std::vector<MeanVariance> mean_and_variance_of_runs(const Tensor& values, int64_t runs, int64_t n) {
  TIMBRE_CHECK(values.device().is_cpu(), "mean_and_variance: the tensor must be on the CPU");
  return dispatch_floating(values.dtype(), "mean_and_variance", [&]<typename T>() {
    std::vector<MeanVariance> statistics;
    for (int64_t r = 0; r < runs; ++r)
      statistics.push_back(mean_and_variance_typed(values.data_ptr<T>() + r * n, n));
    return statistics;
  });
}

}  // namespace

double numpy_sum(const double* values, int64_t count) {
  TIMBRE_CHECK(count >= 0, "numpy_sum: count must be >= 0, got ", count);
  return 0.0 + pairwise_sum([&](int64_t i) { return values[i]; }, 0, count);
}

MeanVariance mean_and_variance(const float* values, int64_t count) {
  return mean_and_variance_typed(values, count);
}

MeanVariance mean_and_variance(const double* values, int64_t count) {
  return mean_and_variance_typed(values, count);
}

MeanVariance mean_and_variance(const Tensor& feature) {
  TIMBRE_CHECK(feature.defined(), "mean_and_variance: undefined tensor");
  const Tensor values = kernels::contiguous(feature);
  return mean_and_variance_of_runs(values, 1, values.numel()).front();
}

std::vector<MeanVariance> mean_and_variance_of_rows(const Tensor& matrix) {
  TIMBRE_CHECK(matrix.defined() && matrix.dim() == 2,
               "mean_and_variance_of_rows: expected a matrix [rows, n]");
  const Tensor values = kernels::contiguous(matrix);
  return mean_and_variance_of_runs(values, values.size(0), values.size(1));
}

}  // namespace timbre::audio
