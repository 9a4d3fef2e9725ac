// audio/cwt.cpp - the Morlet continuous wavelet transform of PyWavelets 1.1.1 (see cwt.h for the
// algorithm and why pywt integrates the wavelet before sampling it).
#include "audio/cwt.h"

#include <algorithm>
#include <cmath>

#include "audio/fft.h"
#include "tensor/error.h"
#include "tensor/factories.h"

namespace timbre::audio {
namespace {

constexpr double kLowerBound = -8.0;  // pywt's support of 'morl'
constexpr double kUpperBound = 8.0;

void check_precision(int precision) {
  TIMBRE_CHECK(precision >= 1 && precision <= 20,
               "Morlet wavelet: precision must lie in [1, 20], got ", precision);
}

// psi sampled on numpy.linspace(-8, 8, points), computed as numpy does it:
// x_i = i * step + start, the last point set to exactly `stop`.
std::vector<double> morlet_on_grid(int precision, double* step_out) {
  const int64_t points = int64_t{1} << precision;
  const double step = (kUpperBound - kLowerBound) / static_cast<double>(points - 1);
  std::vector<double> psi(points);
  double x1 = kLowerBound;
  for (int64_t i = 0; i < points; ++i) {
    const double x = (i == points - 1) ? kUpperBound : static_cast<double>(i) * step + kLowerBound;
    if (i == 1) x1 = x;
    psi[i] = std::exp(-(x * x) / 2.0) * std::cos(5.0 * x);
  }
  // pywt's step is x[1] - x[0] of the grid, which can differ from `step` in the last bit.
  *step_out = x1 - kLowerBound;
  return psi;
}

// The integrated wavelet at scale s, reversed: filter[L-1-k] = int_psi[j_k], where
// j_k = floor(k / (s * step)) for k = 0 .. ceil(s * domain + 1) - 1, dropping j_k >= len(int_psi).
// (numpy.arange(stop) has ceil(stop) elements; astype(int) truncates.)
std::vector<double> scaled_filter(const IntegratedWavelet& wavelet, double scale) {
  const double stop = scale * wavelet.domain + 1.0;
  const int64_t count = static_cast<int64_t>(std::ceil(stop));
  const int64_t size = static_cast<int64_t>(wavelet.values.size());
  std::vector<double> taps;
  taps.reserve(count);
  for (int64_t k = 0; k < count; ++k) {
    const int64_t j = static_cast<int64_t>(static_cast<double>(k) / (scale * wavelet.step));
    if (j < size) taps.push_back(wavelet.values[j]);
  }
  std::reverse(taps.begin(), taps.end());
  return taps;
}

// Next power of two >= n.
int64_t power_of_two_at_least(int64_t n) {
  int64_t size = 1;
  while (size < n)
    size *= 2;
  return size;
}

}  // namespace

IntegratedWavelet integrate_morlet(int precision) {
  check_precision(precision);
  IntegratedWavelet wavelet;
  std::vector<double> psi = morlet_on_grid(precision, &wavelet.step);
  // numpy.cumsum (sequential running sum), THEN multiplied by the step (pywt's _integrate).
  double running = 0.0;
  wavelet.values.resize(psi.size());
  for (size_t i = 0; i < psi.size(); ++i) {
    running += psi[i];
    wavelet.values[i] = running;
  }
  for (double& value : wavelet.values)
    value *= wavelet.step;
  wavelet.domain = kUpperBound - kLowerBound;
  return wavelet;
}

double morlet_central_frequency(int precision) {
  check_precision(precision);
  double step = 0.0;
  std::vector<double> real = morlet_on_grid(precision, &step);
  const int64_t points = static_cast<int64_t>(real.size());
  std::vector<double> imag(points, 0.0);
  fft(real.data(), imag.data(), points);
  // pywt: index = argmax(|fft(psi)[1:]|) + 2 (1-based bin number of the peak, skipping DC);
  // a peak in the upper (mirrored) half is folded back; frequency = (index - 1) / domain.
  int64_t best = 1;
  double best_magnitude = -1.0;
  for (int64_t k = 1; k < points; ++k) {
    const double magnitude = std::hypot(real[k], imag[k]);
    if (magnitude > best_magnitude) {  // strict: the first maximum wins, as numpy.argmax
      best_magnitude = magnitude;
      best = k;
    }
  }
  int64_t index = best + 1;
  if (static_cast<double>(index) > static_cast<double>(points) / 2.0) index = points - index + 2;
  const double domain = kUpperBound - kLowerBound;
  return 1.0 / (domain / static_cast<double>(index - 1));
}

int64_t morlet_filter_length(double scale, int precision) {
  TIMBRE_CHECK(scale > 0.0, "Morlet wavelet: scale must be positive, got ", scale);
  return static_cast<int64_t>(scaled_filter(integrate_morlet(precision), scale).size());
}

void cwt_morlet_rows(const std::vector<double>& data, const std::vector<double>& scales,
                     CwtMethod method,
                     const std::function<void(int64_t, const std::vector<double>&)>& row) {
  const int64_t n = static_cast<int64_t>(data.size());
  TIMBRE_CHECK(n >= 1, "cwt_morlet: the signal is empty");
  TIMBRE_CHECK(!scales.empty(), "cwt_morlet: no scales given");
  for (double scale : scales) {
    TIMBRE_CHECK(scale > 0.0 && std::isfinite(scale), "cwt_morlet: scales must be positive, got ",
                 scale);
  }
  const IntegratedWavelet wavelet = integrate_morlet(10);  // pywt.cwt's fixed precision

  // For the FFT method: one transform size large enough for the longest filter, so the data is
  // transformed once. Zero padding to any size >= N + L - 1 gives the same linear convolution.
  int64_t fft_size = 0;
  std::vector<double> data_real, data_imag;
  if (method == CwtMethod::Fft) {
    int64_t longest = 1;
    for (double scale : scales) {
      longest = std::max(longest, static_cast<int64_t>(scaled_filter(wavelet, scale).size()));
    }
    fft_size = power_of_two_at_least(n + longest - 1);
    std::vector<double> padded(fft_size, 0.0);
    std::copy(data.begin(), data.end(), padded.begin());
    data_real.resize(fft_size / 2 + 1);
    data_imag.resize(fft_size / 2 + 1);
    rfft(padded.data(), fft_size, data_real.data(), data_imag.data());
  }

  std::vector<double> coefficients(n);
  std::vector<double> convolution;  // conv[first .. first + n]: the n + 1 values the diffs need
  for (size_t index = 0; index < scales.size(); ++index) {
    const double scale = scales[index];
    const std::vector<double> filter = scaled_filter(wavelet, scale);
    const int64_t taps = static_cast<int64_t>(filter.size());
    TIMBRE_CHECK(taps >= 2, "cwt_morlet: selected scale of ", scale, " too small");
    // The full convolution has n + L - 1 values; after the diff, n + L - 2; pywt keeps the n
    // values starting at floor(d), d = (L - 2) / 2, i.e. it needs conv[first .. first + n].
    const int64_t first = (taps - 2) / 2;
    convolution.assign(n + 1, 0.0);
    if (method == CwtMethod::Convolution) {
      // conv[t] = sum_m data[m] * filter[t - m], over 0 <= m < n and 0 <= t - m < L.
#pragma omp parallel for schedule(static)
      for (int64_t i = 0; i <= n; ++i) {
        const int64_t t = first + i;
        const int64_t m_begin = std::max<int64_t>(0, t - taps + 1);
        const int64_t m_end = std::min<int64_t>(n - 1, t);
        double sum = 0.0;
        for (int64_t m = m_begin; m <= m_end; ++m)
          sum += data[m] * filter[t - m];
        convolution[i] = sum;
      }
    } else {
      // conv = irfft(rfft(data) * rfft(filter)), both zero-padded to fft_size.
      std::vector<double> padded(fft_size, 0.0);
      std::copy(filter.begin(), filter.end(), padded.begin());
      const int64_t bins = fft_size / 2 + 1;
      std::vector<double> real(bins), imag(bins);
      rfft(padded.data(), fft_size, real.data(), imag.data());
      for (int64_t k = 0; k < bins; ++k) {
        const double re = real[k] * data_real[k] - imag[k] * data_imag[k];
        const double im = real[k] * data_imag[k] + imag[k] * data_real[k];
        real[k] = re;
        imag[k] = im;
      }
      irfft(real.data(), imag.data(), fft_size, padded.data());
      for (int64_t i = 0; i <= n; ++i)
        convolution[i] = padded[first + i];
    }
    // coef = -sqrt(s) * diff(conv)
    const double factor = std::sqrt(scale);
    for (int64_t i = 0; i < n; ++i) {
      coefficients[i] = -factor * (convolution[i + 1] - convolution[i]);
    }
    row(static_cast<int64_t>(index), coefficients);
  }
}

CwtResult cwt_morlet(const Tensor& data, const std::vector<double>& scales, double sampling_period,
                     CwtMethod method) {
  TIMBRE_CHECK(data.defined() && data.dim() == 1, "cwt_morlet: data must be a 1-d tensor");
  TIMBRE_CHECK(data.device().is_cpu(), "cwt_morlet: data must be on the CPU");
  TIMBRE_CHECK(data.dtype() == DType::Float32 || data.dtype() == DType::Float64,
               "cwt_morlet: data must be float32 or float64");
  TIMBRE_CHECK(sampling_period > 0.0, "cwt_morlet: sampling_period must be positive, got ",
               sampling_period);
  const std::vector<double> signal = data.to_vector<double>();
  const int64_t n = static_cast<int64_t>(signal.size());
  const int64_t rows = static_cast<int64_t>(scales.size());

  CwtResult result;
  result.coefficients = empty({rows, n}, {.dtype = DType::Float64});
  double* out = result.coefficients.data_ptr<double>();  // [rows, n]
  cwt_morlet_rows(signal, scales, method, [&](int64_t row, const std::vector<double>& values) {
    std::copy(values.begin(), values.end(), out + row * n);
  });

  // pywt: frequencies = central_frequency / scales, then /= sampling_period (in that order).
  const double central = morlet_central_frequency(10);
  std::vector<double> frequencies(rows);
  for (int64_t i = 0; i < rows; ++i)
    frequencies[i] = central / scales[i] / sampling_period;
  result.frequencies = from_vector(frequencies, {rows}, {.dtype = DType::Float64});
  return result;
}

}  // namespace timbre::audio
