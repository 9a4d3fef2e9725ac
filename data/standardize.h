// data/standardize.h - scikit-learn's StandardScaler: every feature column shifted and scaled to
// mean 0 and standard deviation 1 over the training rows (docs/loading.md).
//
// The GTZAN CSV features span eleven orders of magnitude (spectral_centroid_var ~ 1e5..1e6,
// zero_crossing_rate_mean ~ 0.1); unscaled, the large columns dominate the first dense layer's
// sums and the gradient steps. The Clairvoyant and UConn reports standardise before training.
//
//   data::StandardScaler scaler;
//   scaler.fit(train_rows);                      // statistics of the TRAINING rows only
//   Tensor train = scaler.transform(train_rows);
//   Tensor test = scaler.transform(test_rows);   // the same mean and scale, never refitted
//   scaler.save("run/scaler.safetensors");       // travels with the trained model
#pragma once

#include <string>

#include "tensor/tensor.h"

namespace timbre::data {

class StandardScaler {
 public:
  // Learns each column's mean and scale from `rows`, in float64:
  //   mean_j  = (1 / N) sum_i x_ij
  //   var_j   = (1 / N) sum_i (x_ij - mean_j)^2          (population variance, ddof 0)
  //   scale_j = sqrt(var_j), or 1 for a constant column
  // A column counts as constant, as in scikit-learn (_is_constant_feature), when its variance is
  // within the rounding error of the two-pass computation:
  //   var_j <= N * eps * var_j + (N * mean_j * eps)^2,   eps = 2^-52
  // so it is only shifted, never divided by ~0 (e.g. GTZAN's `length` column, always 661794).
  // rows: [N, F]
  // Requires: rows a 2-d float32/float64 CPU tensor with N >= 1, F >= 1, all values finite.
  // Ensures:  fitted(); a refit replaces the earlier statistics.
  void fit(const Tensor& rows);

  // (x_ij - mean_j) / scale_j, computed in float64.
  // rows: [N, F] -> [N, F] of the same dtype (float32 or float64)
  // Requires: fitted(); rows 2-d float32/float64 CPU with F == columns() (else timbre::Error
  //           naming both column counts).
  Tensor transform(const Tensor& rows) const;

  bool fitted() const { return mean_.defined(); }
  int64_t columns() const { return fitted() ? mean_.size(0) : 0; }
  // float64 [F] each. Requires: fitted().
  const Tensor& mean() const;
  const Tensor& scale() const;

  // Writes the tensors "mean" and "scale" (float64 [F]) to a safetensors file, atomically.
  // Requires: fitted().
  void save(const std::string& path) const;
  // Reads what save wrote.
  // Throws timbre::Error naming the file when it is not a safetensors file, or does not hold
  // exactly "mean" and "scale" as float64 vectors of one length with every scale > 0.
  static StandardScaler load(const std::string& path);

 private:
  Tensor mean_;   // float64 [F]; undefined until fitted
  Tensor scale_;  // float64 [F]
};

}  // namespace timbre::data
