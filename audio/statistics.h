// audio/statistics.h - sums, means and variances added in numpy's order, so that statistics of
// features (the means and variances of the GTZAN CSV) come out as numpy computes them, bit for
// bit on float64 data.
#pragma once

#include <cstdint>
#include <vector>

#include "tensor/tensor.h"

namespace timbre::audio {

// Mean and population variance (numpy.mean, numpy.var with ddof 0), in double.
struct MeanVariance {
  double mean = 0.0;
  double variance = 0.0;
};

// values: [count] -> numpy.sum(values) of a contiguous float64 array: 0 + the pairwise sum
// (numpy's add.reduce starts from add's identity, then adds the pairwise sum of all the values).
// Requires: count >= 0 (0 gives 0).
double numpy_sum(const double* values, int64_t count);

// values: [count], widened to double -> their mean and population variance as numpy computes
// them on the float64 array: mean = numpy_sum(x) / n, variance = numpy_sum((x - mean)^2) / n
// (two passes, not E[x^2] - E[x]^2, which cancels when the mean is large against the spread).
// Requires: count >= 1.
MeanVariance mean_and_variance(const float* values, int64_t count);
MeanVariance mean_and_variance(const double* values, int64_t count);

// The same over a whole float32 or float64 CPU tensor, read in row-major order.
MeanVariance mean_and_variance(const Tensor& feature);

// The same for each row of a float32 or float64 CPU matrix. matrix: [rows, n] -> [rows]
std::vector<MeanVariance> mean_and_variance_of_rows(const Tensor& matrix);

}  // namespace timbre::audio
