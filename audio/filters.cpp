// audio/filters.cpp - mel and chroma filterbanks, DCT-II matrix, frequency scales (librosa 0.10.1).
#include "audio/filters.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "tensor/error.h"

namespace timbre::audio {

namespace {

// Slaney's mel scale: linear up to 1 kHz with 3 mels per 200 Hz, so 1 kHz is mel 15; above it
// logarithmic with log(6.4) / 27 natural-log units per mel (27 mels per factor 6.4).
constexpr double kSlaneyHzPerMel = 200.0 / 3.0;
constexpr double kSlaneyLogStartHz = 1000.0;
constexpr double kSlaneyLogStartMel = kSlaneyLogStartHz / kSlaneyHzPerMel;  // 15
const double kSlaneyLogStep = std::log(6.4) / 27.0;

// Writes `values` (row-major, computed in double) into a new tensor of `sizes` and `dtype`.
Tensor tensor_from_doubles(const std::vector<double>& values, const Shape& sizes, DType dtype) {
  Tensor out = empty(sizes, {.dtype = dtype});
  dispatch_floating(dtype, "audio filters", [&]<typename T>() {
    T* data = out.data_ptr<T>();
    for (size_t i = 0; i < values.size(); ++i)
      data[i] = static_cast<T>(values[i]);
  });
  return out;
}

// numpy.linspace(start, stop, n): start + i * step, with the last value exactly `stop`.
std::vector<double> linspace(double start, double stop, int64_t n) {
  std::vector<double> values(static_cast<size_t>(n));
  const double step = (stop - start) / static_cast<double>(n - 1);
  for (int64_t i = 0; i < n; ++i)
    values[i] = static_cast<double>(i) * step + start;
  values[n - 1] = stop;
  return values;
}

}  // namespace

double hz_to_mel(double hz, bool htk) {
  if (htk) return 2595.0 * std::log10(1.0 + hz / 700.0);
  if (hz < kSlaneyLogStartHz) return hz / kSlaneyHzPerMel;
  return kSlaneyLogStartMel + std::log(hz / kSlaneyLogStartHz) / kSlaneyLogStep;
}

double mel_to_hz(double mel, bool htk) {
  if (htk) return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
  if (mel < kSlaneyLogStartMel) return kSlaneyHzPerMel * mel;
  return kSlaneyLogStartHz * std::exp(kSlaneyLogStep * (mel - kSlaneyLogStartMel));
}

std::vector<double> mel_frequencies(int64_t n_mels, double fmin, double fmax, bool htk) {
  TIMBRE_CHECK(n_mels >= 2 && fmin >= 0.0 && fmin < fmax, "mel_frequencies: need n_mels >= 2 and ",
               "0 <= fmin < fmax, got n_mels=", n_mels, " fmin=", fmin, " fmax=", fmax);
  std::vector<double> frequencies = linspace(hz_to_mel(fmin, htk), hz_to_mel(fmax, htk), n_mels);
  for (double& f : frequencies)
    f = mel_to_hz(f, htk);
  return frequencies;
}

std::vector<double> fft_frequencies(double sample_rate, int64_t n_fft) {
  TIMBRE_CHECK(sample_rate > 0.0 && n_fft >= 2, "fft_frequencies: need sample_rate > 0 and ",
               "n_fft >= 2, got ", sample_rate, " and ", n_fft);
  // numpy.fft.rfftfreq(n_fft, d=1/sr): k * (1 / (n_fft * d)), in that order of operations.
  const double bin_width = 1.0 / (static_cast<double>(n_fft) * (1.0 / sample_rate));
  std::vector<double> frequencies(static_cast<size_t>(n_fft / 2 + 1));
  for (size_t k = 0; k < frequencies.size(); ++k) {
    frequencies[k] = static_cast<double>(k) * bin_width;
  }
  return frequencies;
}

double hz_to_octs(double hz, double tuning, int64_t bins_per_octave) {
  // C0 is 4 octaves and 9 semitones below A4 = 440 Hz; librosa takes A4 / 16 (= A0) as the
  // reference, so octave numbers count from A0 and C falls at fractional octave 0.25 + k.
  const double a440 = 440.0 * std::pow(2.0, tuning / static_cast<double>(bins_per_octave));
  return std::log2(hz / (a440 / 16.0));
}

Tensor mel_filterbank(double sample_rate, int64_t n_fft, int64_t n_mels, double fmin, double fmax,
                      bool htk, MelNorm norm, DType dtype) {
  if (fmax <= 0.0) fmax = sample_rate / 2.0;
  TIMBRE_CHECK(sample_rate > 0.0 && n_fft >= 2 && n_mels >= 1, "mel_filterbank: need ",
               "sample_rate > 0, n_fft >= 2, n_mels >= 1, got ", sample_rate, ", ", n_fft, ", ",
               n_mels);
  TIMBRE_CHECK(fmin >= 0.0 && fmin < fmax && fmax <= sample_rate / 2.0, "mel_filterbank: need ",
               "0 <= fmin < fmax <= sample_rate / 2, got fmin=", fmin, " fmax=", fmax);
  TIMBRE_CHECK(is_floating(dtype), "mel_filterbank: dtype must be float32 or float64");
  const bool round_to_float = dtype == kFloat32;

  const std::vector<double> bin_hz = fft_frequencies(sample_rate, n_fft);           // [n_bins]
  const std::vector<double> points = mel_frequencies(n_mels + 2, fmin, fmax, htk);  // [n_mels+2]
  const int64_t n_bins = static_cast<int64_t>(bin_hz.size());

  // weights: [n_mels, n_bins]
  std::vector<double> weights(static_cast<size_t>(n_mels * n_bins));
  for (int64_t m = 0; m < n_mels; ++m) {
    const double left = points[m], centre = points[m + 1], right = points[m + 2];
    // Slaney: 2 / (width in Hz) makes the triangle's area 1 (in Hz, up to the bin spacing).
    const double slaney_scale = 2.0 / (right - left);
    for (int64_t k = 0; k < n_bins; ++k) {
      const double rising = -(left - bin_hz[k]) / (centre - left);    // 0 at left, 1 at centre
      const double falling = (right - bin_hz[k]) / (right - centre);  // 1 at centre, 0 at right
      double w = std::max(0.0, std::min(rising, falling));
      // librosa stores the triangle into a float32 array, then multiplies that array in place by
      // the float64 scale: two roundings to float32, which we repeat to match it bit for bit.
      if (round_to_float) w = static_cast<double>(static_cast<float>(w));
      if (norm == MelNorm::Slaney) w *= slaney_scale;
      weights[m * n_bins + k] = w;
    }
  }
  return tensor_from_doubles(weights, {n_mels, n_bins}, dtype);
}

Tensor chroma_filterbank(double sample_rate, int64_t n_fft, int64_t n_chroma, double tuning,
                         DType dtype) {
  TIMBRE_CHECK(sample_rate > 0.0 && n_fft >= 4 && n_chroma >= 1, "chroma_filterbank: need ",
               "sample_rate > 0, n_fft >= 4, n_chroma >= 1, got ", sample_rate, ", ", n_fft, ", ",
               n_chroma);
  TIMBRE_CHECK(is_floating(dtype), "chroma_filterbank: dtype must be float32 or float64");
  const double chroma_count = static_cast<double>(n_chroma);
  const int64_t n_bins = n_fft / 2 + 1;  // only the non-negative frequencies are kept

  // pitch[k]: bin k's pitch in chroma bins (n_chroma per octave) above A0, k = 0 .. n_bins - 1.
  // librosa spaces the bins as numpy.linspace(0, sr, n_fft, endpoint=False) = k * (sr / n_fft).
  std::vector<double> pitch(static_cast<size_t>(n_bins + 1));
  const double bin_hz = sample_rate / static_cast<double>(n_fft);
  for (int64_t k = 1; k <= n_bins; ++k) {
    pitch[k] = chroma_count * hz_to_octs(static_cast<double>(k) * bin_hz, tuning, n_chroma);
  }
  // 0 Hz has no pitch: put it 1.5 octaves below bin 1 (a broad bump, half a turn away).
  pitch[0] = pitch[1] - 1.5 * chroma_count;

  // width[k]: how many chroma bins bin k covers, at least 1 (the bump is never narrower).
  std::vector<double> width(static_cast<size_t>(n_bins));
  for (int64_t k = 0; k < n_bins; ++k)
    width[k] = std::max(pitch[k + 1] - pitch[k], 1.0);

  const double half = std::round(chroma_count / 2.0);
  // weights: [n_chroma, n_bins] before the roll to C
  std::vector<double> weights(static_cast<size_t>(n_chroma * n_bins));
  for (int64_t c = 0; c < n_chroma; ++c) {
    for (int64_t k = 0; k < n_bins; ++k) {
      // Signed distance from bin k's pitch to chroma c, wrapped into [-half, half): the + 10
      // octaves keeps fmod's argument positive, so fmod is the mathematical modulo.
      const double distance =
          std::fmod(pitch[k] - static_cast<double>(c) + half + 10.0 * chroma_count, chroma_count) -
          half;
      const double z = 2.0 * distance / width[k];  // 2 D: bumps half as wide
      weights[c * n_bins + k] = std::exp(-0.5 * z * z);
    }
  }
  for (int64_t k = 0; k < n_bins; ++k) {
    // Unit L2 norm per column (librosa.util.normalize(norm=2, axis=0)), then the octave weight:
    // a Gaussian in octaves centred on octave 5 with a width of 2 octaves.
    double sum_squares = 0.0;
    for (int64_t c = 0; c < n_chroma; ++c)
      sum_squares += weights[c * n_bins + k] * weights[c * n_bins + k];
    double length = std::sqrt(sum_squares);
    if (length < std::numeric_limits<double>::min()) length = 1.0;
    const double octave_offset = (pitch[k] / chroma_count - 5.0) / 2.0;
    const double octave_weight = std::exp(-0.5 * octave_offset * octave_offset);
    for (int64_t c = 0; c < n_chroma; ++c) {
      weights[c * n_bins + k] = weights[c * n_bins + k] / length * octave_weight;
    }
  }
  // Roll the rows up by 3 (per 12 chroma) so that row 0 is C instead of A.
  const int64_t shift = 3 * (n_chroma / 12);
  std::vector<double> rolled(weights.size());
  for (int64_t c = 0; c < n_chroma; ++c) {
    const int64_t source = (c + shift) % n_chroma;
    std::copy_n(weights.begin() + source * n_bins, n_bins, rolled.begin() + c * n_bins);
  }
  return tensor_from_doubles(rolled, {n_chroma, n_bins}, dtype);
}

Tensor dct_matrix(int64_t n_out, int64_t n_in, DType dtype) {
  TIMBRE_CHECK(n_in >= 1 && n_out >= 1 && n_out <= n_in, "dct_matrix: need 1 <= n_out <= n_in, ",
               "got n_out=", n_out, " n_in=", n_in);
  TIMBRE_CHECK(is_floating(dtype), "dct_matrix: dtype must be float32 or float64");
  const double n = static_cast<double>(n_in);
  std::vector<double> matrix(static_cast<size_t>(n_out * n_in));  // [n_out, n_in]
  for (int64_t k = 0; k < n_out; ++k) {
    // Orthonormal scaling: row 0 (the mean) by sqrt(1/N), the cosines by sqrt(2/N).
    const double scale = k == 0 ? std::sqrt(1.0 / n) : std::sqrt(2.0 / n);
    for (int64_t i = 0; i < n_in; ++i) {
      const double angle = std::numbers::pi * static_cast<double>(k * (2 * i + 1)) / (2.0 * n);
      matrix[k * n_in + i] = scale * std::cos(angle);
    }
  }
  return tensor_from_doubles(matrix, {n_out, n_in}, dtype);
}

}  // namespace timbre::audio
