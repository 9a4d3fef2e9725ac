// audio/db.cpp - decibel conversion (audio/db.h), reproducing numpy's float32/float64 rules.
//
// numpy detail that matters for float32 spectrograms: the per-cell arithmetic stays in float32
// (a Python float combined with a float32 array is cast to float32), while the reference term
// 10*log10(max(amin, ref)) combines two scalars and so is computed in float64, then rounded to
// float32 when it is subtracted from the array. The same holds for the top_db threshold.
#include "audio/db.h"

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <vector>

#include "audio/target_clones.h"

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

// out[i] = log10(values[i]) evaluated in double and rounded to float once: for every float (all
// 2^32 bit patterns were checked, for the AVX-512, AVX2 and baseline builds) the same value as
// static_cast<float>(std::log10(double(x))), so correctly rounded wherever the double log10 is.
// Written without calls or branches so that it vectorises (4, 8 or 16 values per instruction),
// where the C library's log10f is one call per value: a float spectrogram's dB conversion was
// three times slower through it. Neither glibc's log10f nor the SIMD routine numpy uses on
// AVX-512 CPUs is correctly rounded (about 11 % of the values 1 ulp off, and up to 2 ulp off),
// so float32 dB values can differ from librosa's in the last bits whichever log10 is used
// (docs/audio.md, "Decibels").
//
// x = 2^e * m with m in [1, 2) read from the bits, moved to [sqrt(1/2), sqrt(2)) (halved, e + 1)
// so that |f| <= 0.172 below; then, with f = (m - 1) / (m + 1),
//   ln(m) = 2 (f + f^3/3 + f^5/5 + ...),  9 terms: the first left out is below 1e-15 relative,
//   log10(x) = e log10(2) + ln(m) / ln(10),
// with log10(2) split in two parts so that e times the first is exact. Zero, subnormal, infinite,
// negative and NaN inputs have no such e and m; they go through std::log10 in double.
// Requires: values and out do not overlap (the special inputs are read again at the end).
// values: [count] -> out: [count]
TIMBRE_AVX512_AVX2_CLONES void log10_of_floats(const float* values, int64_t count, float* out) {
  constexpr double kLog10Of2High = 0x1.34413509f78p-2;    // log10(2) to 42 bits: e * it is exact
  constexpr double kLog10Of2Low = 0x1.fef311f12b358p-46;  // log10(2) - kLog10Of2High
  constexpr double kLog10OfE = 0x1.bcb7b1526e50ep-2;      // 1 / ln(10)
  int32_t special = 0;                                    // an input outside [FLT_MIN, FLT_MAX]
  for (int64_t i = 0; i < count; ++i) {
    const float x = values[i];
    const uint32_t bits = std::bit_cast<uint32_t>(x);
    const int32_t exponent = static_cast<int32_t>(bits >> 23) - 127;
    const double mantissa = std::bit_cast<float>((bits & 0x007fffffu) | 0x3f800000u);  // [1, 2)
    const int32_t halve = mantissa > std::numbers::sqrt2;
    const double m = halve ? 0.5 * mantissa : mantissa;
    const double e = static_cast<double>(exponent + halve);
    const double f = (m - 1.0) / (m + 1.0);
    const double f2 = f * f;
    // 1 + f2/3 + f2^2/5 + ... + f2^8/17, by Horner's rule.
    double series = 1.0 / 17;
    for (const double odd : {15.0, 13.0, 11.0, 9.0, 7.0, 5.0, 3.0, 1.0})
      series = series * f2 + 1.0 / odd;
    const double ln_m = 2.0 * f * series;
    out[i] = static_cast<float>(e * kLog10Of2High + (e * kLog10Of2Low + ln_m * kLog10OfE));
    special |= static_cast<int32_t>(!(x >= FLT_MIN && x <= FLT_MAX));
  }
  if (special) {
    for (int64_t i = 0; i < count; ++i) {
      const float x = values[i];
      if (!(x >= FLT_MIN && x <= FLT_MAX)) out[i] = static_cast<float>(std::log10(double{x}));
    }
  }
}

// log10 of each value: float through log10_of_floats, double through std::log10.
// values: [count] -> out: [count], not overlapping
void log10_of_values(const float* values, int64_t count, float* out) {
  log10_of_floats(values, count, out);
}
void log10_of_values(const double* values, int64_t count, double* out) {
  for (int64_t i = 0; i < count; ++i)
    out[i] = std::log10(values[i]);
}

// max(a, b) as numpy.maximum: NaN if either is NaN (std::max returns a when b is NaN).
template <typename T>
T numpy_maximum(T a, T b) {
  return (a != a || b != b) ? std::numeric_limits<T>::quiet_NaN() : std::max(a, b);
}

// The largest of values[0 .. count-1] as numpy.max: NaN if any is NaN. Requires: count >= 1.
template <typename T>
T numpy_max(const T* values, int64_t count) {
  T largest = values[0];
  for (int64_t i = 1; i < count; ++i)
    largest = numpy_maximum(largest, values[i]);
  return largest;
}

// power: [count] values of S's shape -> dB tensor of `sizes`.
//   dB = 10*log10(max(amin, power)) - 10*log10(max(amin, reference)), clipped below at
//   max(dB) - top_db.
// NaNs propagate as in numpy: a NaN power gives a NaN cell; a NaN reference, or a NaN cell when
// top_db is given (the largest value is then NaN), makes every cell NaN.
template <typename T>
Tensor power_values_to_db(const std::vector<T>& power, const Shape& sizes, double reference,
                          double amin, std::optional<double> top_db) {
  const double reference_db = 10.0 * std::log10(numpy_maximum(amin, reference));  // float64
  const T reference_db_cast = static_cast<T>(reference_db);
  const T amin_cast = static_cast<T>(amin);
  Tensor result = empty(sizes, {.dtype = dtype_of<T>()});
  T* out = result.data_ptr<T>();
  const int64_t count = static_cast<int64_t>(power.size());
  // Chunks of 16384 values spread over the threads: each takes max(amin, power) in T, its log10
  // (log10_of_values), then 10 * that - reference, each step rounded to T as numpy rounds it.
  constexpr int64_t kChunk = 16384;
#pragma omp parallel for schedule(static)
  for (int64_t start = 0; start < count; start += kChunk) {
    const int64_t size = std::min(kChunk, count - start);
    thread_local std::vector<T> clamped;
    clamped.resize(size);
    for (int64_t i = 0; i < size; ++i)
      clamped[i] = numpy_maximum(amin_cast, power[start + i]);
    T* chunk = out + start;
    log10_of_values(clamped.data(), size, chunk);
    for (int64_t i = 0; i < size; ++i)
      chunk[i] = T(10) * chunk[i] - reference_db_cast;
  }
  if (top_db.has_value()) {
    const T floor = static_cast<T>(static_cast<double>(numpy_max(out, count)) - *top_db);
    for (int64_t i = 0; i < count; ++i)
      out[i] = numpy_maximum(out[i], floor);
  }
  return result;
}

// The largest element (ref=np.max: NaN if any is NaN) or |ref|.
template <typename T>
T reference_value(const std::vector<T>& values, const DbReference& ref) {
  if (!std::holds_alternative<RefMax>(ref)) return static_cast<T>(std::fabs(std::get<double>(ref)));
  return numpy_max(values.data(), static_cast<int64_t>(values.size()));
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
