// tests/test_audio_resample.cpp - resample (librosa.resample) through libsoxr and libsamplerate:
// librosa's length, a sine's frequency and shape, rows resampled independently, dtypes, names.
//
// No golden: librosa's resampled values come from python-soxr, which is not installed where the
// goldens were made. timbre calls libsoxr as python-soxr's resample() does (same quality recipe,
// chunking and flush; audio/resample.cpp), so the tests check what a resampler must do: a 1 kHz
// sine stays a 1 kHz sine without delay, within a tolerance per converter measured here (the
// filters' passband ripple and the interpolators' error), and librosa's length.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "audio/fft.h"
#include "audio/resample.h"
#include "tensor/factories.h"
#include "test_helpers.h"

namespace timbre::audio {
namespace {

// amplitude * sin(2 pi frequency n / rate), n = 0 .. count-1.
std::vector<double> sine(double amplitude, double frequency, double rate, int64_t count) {
  std::vector<double> values(static_cast<size_t>(count));
  for (int64_t n = 0; n < count; ++n)
    values[n] = amplitude * std::sin(2.0 * std::numbers::pi * frequency * n / rate);
  return values;
}

// The largest |y[n] - ideal[n]| away from the edges (the filters' transients): n in
// [rate / 16, size - rate / 16).
double largest_error_inside(const std::vector<double>& y, const std::vector<double>& ideal,
                            int64_t rate) {
  double largest = 0.0;
  for (size_t n = rate / 16; n + rate / 16 < y.size(); ++n)
    largest = std::max(largest, std::abs(y[n] - ideal[n]));
  return largest;
}

// The bin of the largest |X[k]| of y's spectrum (k in 0 .. n/2), n = size of y.
int64_t peak_bin(const std::vector<double>& y) {
  const auto n = static_cast<int64_t>(y.size());
  std::vector<double> real(n / 2 + 1), imag(n / 2 + 1);
  rfft(y.data(), n, real.data(), imag.data());
  int64_t peak = 0;
  for (int64_t k = 1; k <= n / 2; ++k) {
    if (std::hypot(real[k], imag[k]) > std::hypot(real[peak], imag[peak])) peak = k;
  }
  return peak;
}

TEST(AudioResample, EveryTypeGivesLibrosasLengthAndKeepsTheFrequency) {
  // One second of a 1 kHz sine at 22050 Hz, to 16 kHz: 16000 samples whose spectrum (1 Hz
  // bins) peaks at 1000 Hz.
  const Tensor y = from_vector(sine(0.5, 1000.0, 22050.0, 22050), {22050});
  for (const std::string& name : resample_type_names()) {
    const Tensor z = resample(y, 22050, 16000, parse_resample_type(name));
    ASSERT_EQ(z.sizes(), Shape{16000}) << name;  // ceil(22050 * 16000 / 22050)
    ASSERT_EQ(z.dtype(), kFloat64) << name;
    EXPECT_EQ(peak_bin(z.to_vector<double>()), 1000) << name;
  }
}

TEST(AudioResample, TheFiltersKeepTheSineWithoutDelay) {
  // Away from the edges, the resampled sine follows the ideal one at the new rate. Tolerances:
  // about three times the error measured here (soxr: its quality's bits; libsamplerate: float32
  // inside). libsamplerate's linear and zero-order-hold converters lag by a fraction of a sample
  // and are left out.
  const struct {
    ResampleType type;
    double tolerance;
  } cases[] = {
      {ResampleType::SoxrVhq, 1e-9},    {ResampleType::SoxrHq, 1e-6},
      {ResampleType::SoxrMq, 6e-6},     {ResampleType::SoxrLq, 6e-6},
      {ResampleType::SoxrQq, 2.5e-4},   {ResampleType::SincBest, 2e-7},
      {ResampleType::SincMedium, 2e-6}, {ResampleType::SincFastest, 1.2e-5},
  };
  const Tensor y = from_vector(sine(0.5, 1000.0, 22050.0, 22050), {22050});
  const std::vector<double> ideal = sine(0.5, 1000.0, 16000.0, 16000);
  for (const auto& [type, tolerance] : cases) {
    const std::vector<double> z = resample(y, 22050, 16000, type).to_vector<double>();
    EXPECT_LE(largest_error_inside(z, ideal, 16000), tolerance) << resample_type_name(type);
  }
}

TEST(AudioResample, Float32ComesBackFloat32AndKeepsTheSine) {
  // python-soxr works in the array's dtype (libsoxr's float32 input and output here);
  // librosa.load's signal is float32.
  const std::vector<double> wave = sine(0.5, 1000.0, 44100.0, 44100);
  const Tensor y = from_vector(std::vector<float>(wave.begin(), wave.end()), {44100});
  const Tensor z = resample(y, 44100, 22050);
  ASSERT_EQ(z.dtype(), kFloat32);
  ASSERT_EQ(z.sizes(), Shape{22050});
  const std::vector<float> values = z.to_vector<float>();
  const std::vector<double> ideal = sine(0.5, 1000.0, 22050.0, 22050);
  EXPECT_LE(largest_error_inside(std::vector<double>(values.begin(), values.end()), ideal, 22050),
            1e-5);
}

TEST(AudioResample, TheLengthIsLibrosasCeilingForAnyRatio) {
  // ceil(samples * target / native), padded with zeros where a resampler produced fewer.
  const struct {
    int64_t samples;
    int native, target;
    int64_t expected;
  } cases[] = {{1001, 44100, 22050, 501},
               {1, 22050, 16000, 1},
               {7, 8000, 44100, 39},
               {22050, 22050, 16000, 16000},
               {100, 48000, 44100, 92}};
  for (const std::string& name : {std::string("soxr_hq"), std::string("sinc_best")}) {
    for (const auto& [samples, native, target, expected] : cases) {
      // A constant 0.25 stays 0.25 away from the ends (where the filter meets the silence
      // around the signal), so the middle shows that the resampler produced the samples rather
      // than the zero padding.
      const Tensor y = from_vector(std::vector<double>(samples, 0.25), {samples});
      const std::vector<double> z =
          resample(y, native, target, parse_resample_type(name)).to_vector<double>();
      EXPECT_EQ(std::ssize(z), expected)
          << name << ": " << samples << " samples, " << native << " -> " << target;
      if (samples >= 1000) {
        EXPECT_NEAR(z[z.size() / 2], 0.25, 1e-3) << name;
      }
    }
  }
}

TEST(AudioResample, RowsAreResampledIndependentlyAndMayBeStrided) {
  // [channels, samples]: each row as if resampled alone (librosa resamples along the last axis),
  // whether the rows are contiguous or columns of a [samples, channels] array.
  const std::vector<double> first = sine(0.5, 440.0, 22050.0, 5000);
  const std::vector<double> second = sine(0.25, 3000.0, 22050.0, 5000);
  std::vector<double> both(first), interleaved;
  both.insert(both.end(), second.begin(), second.end());
  for (size_t i = 0; i < first.size(); ++i)
    interleaved.insert(interleaved.end(), {first[i], second[i]});
  for (const ResampleType type : {ResampleType::SoxrHq, ResampleType::SincBest}) {
    const std::vector<double> alone_first =
        resample(from_vector(first, {5000}), 22050, 16000, type).to_vector<double>();
    const std::vector<double> alone_second =
        resample(from_vector(second, {5000}), 22050, 16000, type).to_vector<double>();
    for (const Tensor& rows :
         {from_vector(both, {2, 5000}), from_vector(interleaved, {5000, 2}).t()}) {
      const Tensor z = resample(rows, 22050, 16000, type);
      ASSERT_EQ(z.sizes(), (Shape{2, 3629})) << resample_type_name(type);
      const std::vector<double> values = z.to_vector<double>();
      EXPECT_EQ(std::vector<double>(values.begin(), values.begin() + 3629), alone_first)
          << resample_type_name(type);
      EXPECT_EQ(std::vector<double>(values.begin() + 3629, values.end()), alone_second)
          << resample_type_name(type);
    }
  }
}

TEST(AudioResample, AnEmptySignalGivesAnEmptyOne) {
  for (const std::string& name : resample_type_names()) {
    const Tensor z =
        resample(from_vector(std::vector<double>{}, {0}), 44100, 22050, parse_resample_type(name));
    EXPECT_EQ(z.sizes(), Shape{0}) << name;
  }
}

TEST(AudioResample, EqualRatesReturnTheSignalItself) {
  const Tensor y = from_vector(sine(0.5, 440.0, 22050.0, 100), {100});
  const Tensor z = resample(y, 22050, 22050);
  EXPECT_EQ(z.raw_data_ptr(), y.raw_data_ptr());
}

TEST(AudioResample, NamesAreLibrosasAndUnknownOnesAreListed) {
  for (const std::string& name : resample_type_names())
    EXPECT_EQ(resample_type_name(parse_resample_type(name)), name);
  EXPECT_EQ(parse_resample_type("soxr_hq"), ResampleType::SoxrHq);
  EXPECT_EQ(parse_resample_type("sinc_best"), ResampleType::SincBest);
  EXPECT_ERROR_CONTAINS(parse_resample_type("kaiser_best"), "kaiser_best");
  EXPECT_ERROR_CONTAINS(parse_resample_type("kaiser_best"), "soxr_hq, soxr_mq");
}

TEST(AudioResample, BadArgumentsAreRefused) {
  const Tensor y = from_vector(sine(0.5, 440.0, 22050.0, 100), {100});
  EXPECT_ERROR_CONTAINS(resample(y, 0, 16000), "rates");
  EXPECT_ERROR_CONTAINS(resample(y, 22050, -1), "rates");
  EXPECT_EQ(resample(y, 1, 48001).numel(), 4800100);  // chunks of at least one sample
  EXPECT_ERROR_CONTAINS(resample(from_vector(std::vector<double>(8, 0.0), {2, 2, 2}), 2, 1),
                        "[samples] or [channels, samples]");
}

}  // namespace
}  // namespace timbre::audio
