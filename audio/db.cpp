// audio/db.cpp - decibel conversion (audio/db.h), reproducing numpy's float32/float64 rules.
//
// numpy detail that matters for float32 spectrograms: the per-cell arithmetic stays in float32
// (a Python float combined with a float32 array is cast to float32), while the reference term
// 10*log10(max(amin, ref)) combines two scalars and so is computed in float64, then rounded to
// float32 when it is subtracted from the array. The same holds for the top_db threshold.
#include "audio/db.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace timbre::audio {

namespace {

void check_db_arguments(const Tensor& S, double amin, std::optional<double> top_db,
                        const char* op) {
  TIMBRE_CHECK(S.defined(), op, ": undefined tensor");
  TIMBRE_CHECK(S.device().is_cpu(), op, ": the tensor must be on the CPU");
  TIMBRE_CHECK(S.numel() >= 1, op, ": the tensor is empty");
  TIMBRE_CHECK(amin > 0.0, op, ": amin must be strictly positive, got ", amin);
  TIMBRE_CHECK(!top_db.has_value() || *top_db >= 0.0, op, ": top_db must be non-negative, got ",
               top_db.value_or(0.0));
}

// power: [count] values of S's shape -> dB tensor of `sizes`.
//   dB = 10*log10(max(amin, power)) - 10*log10(max(amin, reference)), clipped below at
//   max(dB) - top_db.
template <typename T>
Tensor power_values_to_db(const std::vector<T>& power, const Shape& sizes, double reference,
                          double amin, std::optional<double> top_db) {
  const double reference_db = 10.0 * std::log10(std::max(amin, reference));  // float64 scalar
  const T reference_db_cast = static_cast<T>(reference_db);
  const T amin_cast = static_cast<T>(amin);
  Tensor result = empty(sizes, {.dtype = dtype_of<T>()});
  T* out = result.data_ptr<T>();
  const int64_t count = static_cast<int64_t>(power.size());
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < count; ++i) {
    out[i] = T(10) * std::log10(std::max(amin_cast, power[i])) - reference_db_cast;
  }
  if (top_db.has_value()) {
    T largest = out[0];
    for (int64_t i = 1; i < count; ++i)
      largest = std::max(largest, out[i]);
    const T floor = static_cast<T>(static_cast<double>(largest) - *top_db);
    for (int64_t i = 0; i < count; ++i)
      out[i] = std::max(out[i], floor);
  }
  return result;
}

// The largest element (ref=np.max) or |ref|.
template <typename T>
T reference_value(const std::vector<T>& values, const DbReference& ref) {
  if (std::holds_alternative<RefMax>(ref)) return *std::max_element(values.begin(), values.end());
  return static_cast<T>(std::fabs(std::get<double>(ref)));
}

}  // namespace

Tensor power_to_db(const Tensor& S, DbReference ref, double amin, std::optional<double> top_db) {
  check_db_arguments(S, amin, top_db, "power_to_db");
  return dispatch_floating(S.dtype(), "power_to_db", [&]<typename T>() {
    const std::vector<T> power = S.to_vector<T>();
    // A numeric ref stays a float64 scalar (np.abs of a Python float); np.max gives a T.
    const double reference = std::holds_alternative<RefMax>(ref)
                                 ? static_cast<double>(reference_value(power, ref))
                                 : std::fabs(std::get<double>(ref));
    return power_values_to_db<T>(power, S.sizes(), reference, amin, top_db);
  });
}

Tensor amplitude_to_db(const Tensor& S, DbReference ref, double amin,
                       std::optional<double> top_db) {
  check_db_arguments(S, amin, top_db, "amplitude_to_db");
  return dispatch_floating(S.dtype(), "amplitude_to_db", [&]<typename T>() {
    std::vector<T> power = S.to_vector<T>();
    for (T& value : power)
      value = std::fabs(value);
    // librosa squares the reference in S's dtype when it is np.max (a numpy scalar of that
    // dtype), and in float64 when it is a Python number.
    double reference_power;
    if (std::holds_alternative<RefMax>(ref)) {
      const T largest = reference_value(power, ref);
      reference_power = static_cast<double>(static_cast<T>(largest * largest));
    } else {
      const double value = std::fabs(std::get<double>(ref));
      reference_power = value * value;
    }
    for (T& value : power)
      value = value * value;
    return power_values_to_db<T>(power, S.sizes(), reference_power, amin * amin, top_db);
  });
}

}  // namespace timbre::audio
