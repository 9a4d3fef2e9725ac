// data/standardize.cpp - StandardScaler: column means and population standard deviations, the
// scaling, and its safetensors file.
#include "data/standardize.h"

#include <cmath>
#include <limits>
#include <vector>

#include "layers/checkpoint.h"
#include "tensor/error.h"
#include "tensor/factories.h"
#include "tensor/shape.h"

namespace timbre::data {

namespace {

void check_rows(const Tensor& rows, const char* who) {
  TIMBRE_CHECK(rows.defined() && rows.dim() == 2, who, ": rows must be a 2-d tensor [N, F]");
  TIMBRE_CHECK(rows.device().is_cpu(), who, ": rows must be on the CPU");
  TIMBRE_CHECK(rows.dtype() == DType::Float32 || rows.dtype() == DType::Float64, who,
               ": rows must be float32 or float64, got ", dtype_name(rows.dtype()));
}

}  // namespace

void StandardScaler::fit(const Tensor& rows) {
  check_rows(rows, "StandardScaler::fit");
  const int64_t count = rows.size(0), columns = rows.size(1);
  TIMBRE_CHECK(count >= 1 && columns >= 1, "StandardScaler::fit: rows of shape ",
               shape_str(rows.sizes()), " hold no values");
  const std::vector<double> values = rows.to_vector<double>();  // [N, F]
  for (size_t i = 0; i < values.size(); ++i) {
    TIMBRE_CHECK(std::isfinite(values[i]), "StandardScaler::fit: the value at row ",
                 static_cast<int64_t>(i) / columns, ", column ", static_cast<int64_t>(i) % columns,
                 " is ", values[i]);
  }
  // Two passes (mean, then squared deviations from it) rather than sum x^2 - N mean^2, which
  // cancels catastrophically for columns like spectral_centroid_var (~1e6 +- small spread).
  std::vector<double> mean(static_cast<size_t>(columns), 0.0);
  std::vector<double> variance(static_cast<size_t>(columns), 0.0);
  for (int64_t i = 0; i < count; ++i) {
    for (int64_t j = 0; j < columns; ++j)
      mean[j] += values[i * columns + j];
  }
  for (double& m : mean)
    m /= static_cast<double>(count);
  for (int64_t i = 0; i < count; ++i) {
    for (int64_t j = 0; j < columns; ++j) {
      const double deviation = values[i * columns + j] - mean[j];
      variance[j] += deviation * deviation;
    }
  }
  std::vector<double> scale(static_cast<size_t>(columns));
  const double eps = std::numeric_limits<double>::epsilon();
  const auto n = static_cast<double>(count);
  for (int64_t j = 0; j < columns; ++j) {
    variance[j] /= n;
    // scikit-learn's _is_constant_feature: the variance is no bigger than its rounding error.
    const double bound = n * eps * variance[j] + std::pow(n * mean[j] * eps, 2);
    scale[j] = variance[j] <= bound ? 1.0 : std::sqrt(variance[j]);
  }
  mean_ = from_vector(mean, {columns}, {.dtype = DType::Float64});
  scale_ = from_vector(scale, {columns}, {.dtype = DType::Float64});
}

Tensor StandardScaler::transform(const Tensor& rows) const {
  TIMBRE_CHECK(fitted(), "StandardScaler::transform: call fit (or load) first");
  check_rows(rows, "StandardScaler::transform");
  TIMBRE_CHECK(rows.size(1) == columns(), "StandardScaler::transform: the rows have ", rows.size(1),
               " columns but the scaler was fitted on ", columns());
  const int64_t count = rows.size(0), width = rows.size(1);
  std::vector<double> values = rows.to_vector<double>();  // [N, F]
  const double* mean = mean_.data_ptr<double>();
  const double* scale = scale_.data_ptr<double>();
  for (int64_t i = 0; i < count; ++i) {
    for (int64_t j = 0; j < width; ++j) {
      double& value = values[i * width + j];
      value = (value - mean[j]) / scale[j];
    }
  }
  return from_vector(values, rows.sizes(), {.dtype = rows.dtype()});
}

const Tensor& StandardScaler::mean() const {
  TIMBRE_CHECK(fitted(), "StandardScaler::mean: call fit (or load) first");
  return mean_;
}

const Tensor& StandardScaler::scale() const {
  TIMBRE_CHECK(fitted(), "StandardScaler::scale: call fit (or load) first");
  return scale_;
}

void StandardScaler::save(const std::string& path) const {
  TIMBRE_CHECK(fitted(), "StandardScaler::save: call fit first (", path, ")");
  nn::write_safetensors(path, {{"mean", mean_}, {"scale", scale_}},
                        {{"format", "timbre StandardScaler"}});
}

StandardScaler StandardScaler::load(const std::string& path) {
  Tensor mean, scale;
  for (const auto& [name, tensor] : nn::read_safetensors(path)) {
    TIMBRE_CHECK(name == "mean" || name == "scale", "StandardScaler::load: ", path,
                 " holds an unexpected tensor '", name, "' (a scaler file holds mean and scale)");
    TIMBRE_CHECK(tensor.dim() == 1 && tensor.dtype() == DType::Float64,
                 "StandardScaler::load: ", path, ": '", name, "' must be a float64 vector, got ",
                 dtype_name(tensor.dtype()), " ", shape_str(tensor.sizes()));
    (name == "mean" ? mean : scale) = tensor;
  }
  TIMBRE_CHECK(mean.defined() && scale.defined(), "StandardScaler::load: ", path,
               " lacks the tensor '", mean.defined() ? "scale" : "mean", "'");
  TIMBRE_CHECK(mean.size(0) == scale.size(0) && mean.size(0) >= 1, "StandardScaler::load: ", path,
               " holds ", mean.size(0), " means but ", scale.size(0), " scales");
  for (double value : scale.to_vector<double>()) {
    TIMBRE_CHECK(value > 0.0 && std::isfinite(value), "StandardScaler::load: ", path,
                 " holds the scale ", value, " (every scale must be positive)");
  }
  StandardScaler scaler;
  scaler.mean_ = mean;
  scaler.scale_ = scale;
  return scaler;
}

}  // namespace timbre::data
