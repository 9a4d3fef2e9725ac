// audio/hpss.cpp - harmonic/percussive source separation (librosa 0.10.1 decompose.hpss,
// util.softmask, effects.hpss).
#include "audio/hpss.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "audio/median_filter.h"
#include "tensor/error.h"
#include "tensor/factories.h"
#include "tensor/kernels.h"

namespace timbre::audio {

namespace {

// x^power as numpy evaluates it for an array of T: x ** 2 is the product x * x (numpy's fast
// path for the exponent 2), any other exponent goes through pow.
template <typename T>
T raise(T x, double power) {
  return power == 2.0 ? x * x : static_cast<T>(std::pow(x, static_cast<T>(power)));
}

// softmask on raw arrays of T, every step in T as numpy does:
//   Z = max(x, ref), or 1 where that is below T's smallest normal number ("bad" cells)
//   mask = (x / Z)^p / ((x / Z)^p + (ref / Z)^p)   on good cells
//   mask = split_zeros ? 0.5 : 0                    on bad cells
// Dividing by Z first keeps both terms in [0, 1], so x^p cannot overflow.
// x, ref, mask: [count]
template <typename T>
void softmask_kernel(const T* x, const T* ref, int64_t count, double power, bool split_zeros,
                     T* mask) {
  const T tiny = std::numeric_limits<T>::min();
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < count; ++i) {
    const T z = std::max(x[i], ref[i]);
    if (z < tiny) {
      mask[i] = split_zeros ? T(0.5) : T(0);
      continue;
    }
    const T own = raise(x[i] / z, power);
    const T other = raise(ref[i] / z, power);
    mask[i] = own / (own + other);
  }
}

void check_spectrum(const ComplexSpectrogram& spectrum) {
  TIMBRE_CHECK(spectrum.real.defined() && spectrum.imag.defined() && spectrum.real.dim() == 2 &&
                   spectrum.real.sizes() == spectrum.imag.sizes() &&
                   spectrum.real.dtype() == spectrum.imag.dtype(),
               "hpss: expected real and imag parts of equal 2-d shape and dtype");
  TIMBRE_CHECK(spectrum.real.device().is_cpu() && spectrum.imag.device().is_cpu(),
               "hpss: expected CPU tensors");
}

}  // namespace

Tensor softmask(const Tensor& X, const Tensor& X_ref, double power, bool split_zeros) {
  TIMBRE_CHECK(
      X.defined() && X_ref.defined() && X.sizes() == X_ref.sizes() && X.dtype() == X_ref.dtype(),
      "softmask: X and X_ref must have equal shapes and dtypes");
  TIMBRE_CHECK(X.device().is_cpu() && X_ref.device().is_cpu(), "softmask: expected CPU tensors");
  TIMBRE_CHECK(power > 0.0 && std::isfinite(power), "softmask: power must be finite and > 0, ",
               "got ", power);
  const Tensor x = kernels::contiguous(X), ref = kernels::contiguous(X_ref);
  return dispatch_floating(x.dtype(), "softmask", [&]<typename T>() {
    Tensor mask = empty(x.sizes(), {.dtype = dtype_of<T>()});
    softmask_kernel<T>(x.data_ptr<T>(), ref.data_ptr<T>(), x.numel(), power, split_zeros,
                       mask.data_ptr<T>());
    return mask;
  });
}

HpssResult hpss(const ComplexSpectrogram& spectrum, int64_t kernel_size, double power,
                double margin) {
  check_spectrum(spectrum);
  TIMBRE_CHECK(kernel_size >= 1, "hpss: kernel_size must be >= 1, got ", kernel_size);
  TIMBRE_CHECK(power > 0.0 && std::isfinite(power), "hpss: power must be finite and > 0");
  TIMBRE_CHECK(margin >= 1.0, "hpss: margin must be >= 1, got ", margin);
  const Tensor real = kernels::contiguous(spectrum.real);
  const Tensor imag = kernels::contiguous(spectrum.imag);
  const Shape sizes = real.sizes();
  const int64_t count = real.numel();
  return dispatch_floating(real.dtype(), "hpss", [&]<typename T>() {
    const T* re = real.data_ptr<T>();
    const T* im = imag.data_ptr<T>();
    // librosa.magphase: magnitude |S| (hypot in T) and unit phase S / |S| (1 where |S| = 0).
    // S: [bins, frames] -> magnitude, phase_real, phase_imag: [bins, frames]
    Tensor magnitude = empty(sizes, {.dtype = dtype_of<T>()});
    std::vector<T> phase_real(static_cast<size_t>(count)), phase_imag(static_cast<size_t>(count));
    T* mag = magnitude.data_ptr<T>();
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < count; ++i) {
      if constexpr (std::is_same_v<T, float>) {
        // hypotf as glibc (2.35+) computes it: the double sqrt of the double sum of squares,
        // rounded to float (exact squares, no overflow); unlike the call, it vectorises.
        const double x = re[i], y = im[i];
        mag[i] = static_cast<float>(std::sqrt(x * x + y * y));
      } else {
        mag[i] = std::hypot(re[i], im[i]);
      }
      const bool zero = mag[i] == T(0);
      const T nonzero = zero ? T(1) : mag[i];
      phase_real[i] = re[i] / nonzero + (zero ? T(1) : T(0));
      phase_imag[i] = im[i] / nonzero;
    }
    // Harmonic sounds are smooth along time, percussive ones along frequency.
    const Tensor harmonic_median = median_filter_2d(magnitude, kernel_size, MedianAxis::Time);
    const Tensor percussive_median =
        median_filter_2d(magnitude, kernel_size, MedianAxis::Frequency);
    const T* H = harmonic_median.data_ptr<T>();
    const T* P = percussive_median.data_ptr<T>();
    // The reference of each mask is the other part times the margin (numpy: array * scalar in T).
    std::vector<T> H_margin(static_cast<size_t>(count)), P_margin(static_cast<size_t>(count));
    const T margin_t = static_cast<T>(margin);
    for (int64_t i = 0; i < count; ++i) {
      H_margin[i] = H[i] * margin_t;
      P_margin[i] = P[i] * margin_t;
    }
    const bool split_zeros = margin == 1.0;  // librosa: margin_harm == 1 and margin_perc == 1
    std::vector<T> mask_harmonic(static_cast<size_t>(count)),
        mask_percussive(static_cast<size_t>(count));
    softmask_kernel<T>(H, P_margin.data(), count, power, split_zeros, mask_harmonic.data());
    softmask_kernel<T>(P, H_margin.data(), count, power, split_zeros, mask_percussive.data());
    // (|S| * mask) * phase: the masked magnitude is rounded to T before the complex product,
    // whose real part is masked * phase_real exactly (the imaginary part of a real number is 0).
    HpssResult result{
        {empty(sizes, {.dtype = dtype_of<T>()}), empty(sizes, {.dtype = dtype_of<T>()})},
        {empty(sizes, {.dtype = dtype_of<T>()}), empty(sizes, {.dtype = dtype_of<T>()})}};
    T* harmonic_re = result.harmonic.real.template data_ptr<T>();
    T* harmonic_im = result.harmonic.imag.template data_ptr<T>();
    T* percussive_re = result.percussive.real.template data_ptr<T>();
    T* percussive_im = result.percussive.imag.template data_ptr<T>();
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < count; ++i) {
      const T harmonic_magnitude = mag[i] * mask_harmonic[i];
      const T percussive_magnitude = mag[i] * mask_percussive[i];
      harmonic_re[i] = harmonic_magnitude * phase_real[i];
      harmonic_im[i] = harmonic_magnitude * phase_imag[i];
      percussive_re[i] = percussive_magnitude * phase_real[i];
      percussive_im[i] = percussive_magnitude * phase_imag[i];
    }
    return result;
  });
}

std::pair<Tensor, Tensor> hpss_waveforms(const Tensor& y, const StftOptions& stft_options,
                                         int64_t kernel_size, double power, double margin) {
  TIMBRE_CHECK(y.defined() && y.dim() == 1, "hpss_waveforms: expected a 1-d signal [samples]");
  const HpssResult parts = hpss(stft(y, stft_options), kernel_size, power, margin);
  const int64_t length = y.numel();
  return {istft(parts.harmonic, stft_options, length),
          istft(parts.percussive, stft_options, length)};
}

}  // namespace timbre::audio
