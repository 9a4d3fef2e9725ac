// audio/hpss.cpp - harmonic/percussive source separation (librosa 0.10.1 decompose.hpss,
// util.softmask, effects.hpss).
#include "audio/hpss.h"

#include <algorithm>
#include <cmath>
#include <limits>

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

// softmask of one cell, every step in T as numpy does:
//   Z = max(x, ref), or 1 where that is below T's smallest normal number ("bad" cells)
//   mask = (x / Z)^p / ((x / Z)^p + (ref / Z)^p)   on good cells
//   mask = split_zeros ? 0.5 : 0                    on bad cells
// Dividing by Z first keeps both terms in [0, 1], so x^p cannot overflow. Written without an
// early return, so that loops over cells vectorise (with kSquare, power 2, the only power HPSS
// uses by default).
template <typename T, bool kSquare>
inline T softmask_cell(T x, T ref, double power, bool split_zeros) {
  const T z = x > ref ? x : ref;
  const bool bad = z < std::numeric_limits<T>::min();
  const T safe_z = bad ? T(1) : z;
  const T x_scaled = x / safe_z, ref_scaled = ref / safe_z;
  T own, other;
  if constexpr (kSquare) {
    own = x_scaled * x_scaled;
    other = ref_scaled * ref_scaled;
  } else {
    own = raise(x_scaled, power);
    other = raise(ref_scaled, power);
  }
  const T good_mask = own / (own + other);
  const T bad_mask = split_zeros ? T(0.5) : T(0);
  return bad ? bad_mask : good_mask;
}

// softmask on raw arrays of T. x, ref, mask: [count]
template <typename T, bool kSquare>
void softmask_kernel(const T* x, const T* ref, int64_t count, double power, bool split_zeros,
                     T* mask) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < count; ++i)
    mask[i] = softmask_cell<T, kSquare>(x[i], ref[i], power, split_zeros);
}

// What hpss_cells reads: S (re, im), |S| (mag), the two median-filtered magnitudes H and P, each
// [count], and the mask parameters.
template <typename T>
struct HpssCellInputs {
  const T *re, *im, *mag, *harmonic_median, *percussive_median;
  T margin;
  double power;
  bool split_zeros;
};
// What it writes: the harmonic and percussive parts of S, each [count].
template <typename T>
struct HpssCellOutputs {
  T *harmonic_re, *harmonic_im, *percussive_re, *percussive_im;
};

// librosa.decompose.hpss from the median-filtered magnitudes on, one cell at a time, each step
// in T as numpy does it on whole arrays (so the values are the same), but with no array between
// the steps:
//   masks: mask_H = softmask(H, P * margin), mask_P = softmask(P, H * margin)
//   phase: S / |S|, or 1 where |S| = 0 (librosa.magphase)
//   parts: (|S| * mask) * phase, the masked magnitude rounded to T before the complex product,
//          whose real part is masked * phase_real exactly (the imaginary part of a real is 0).
// The loop runs on vectors, each lane doing exactly one cell's operations: `omp simd` says the
// cells are independent (GCC cannot prove the pointers of the outlined parallel loop apart), and
// the locals keep it from reloading the margin after every float store.
template <typename T, bool kSquare>
void hpss_cells(const HpssCellInputs<T>& in, int64_t count, const HpssCellOutputs<T>& out) {
  const T* __restrict re = in.re;
  const T* __restrict im = in.im;
  const T* __restrict mag = in.mag;
  const T* __restrict harmonic_median = in.harmonic_median;
  const T* __restrict percussive_median = in.percussive_median;
  T* __restrict harmonic_re = out.harmonic_re;
  T* __restrict harmonic_im = out.harmonic_im;
  T* __restrict percussive_re = out.percussive_re;
  T* __restrict percussive_im = out.percussive_im;
  const T margin = in.margin;
  const double power = in.power;
  const bool split_zeros = in.split_zeros;
#pragma omp parallel for simd schedule(static)
  for (int64_t i = 0; i < count; ++i) {
    const T harmonic = harmonic_median[i], percussive = percussive_median[i];
    const T mask_harmonic =
        softmask_cell<T, kSquare>(harmonic, percussive * margin, power, split_zeros);
    const T mask_percussive =
        softmask_cell<T, kSquare>(percussive, harmonic * margin, power, split_zeros);
    const T magnitude = mag[i];
    const bool zero = magnitude == T(0);
    const T nonzero = zero ? T(1) : magnitude;
    const T phase_real = re[i] / nonzero + (zero ? T(1) : T(0));
    const T phase_imag = im[i] / nonzero;
    const T harmonic_magnitude = magnitude * mask_harmonic;
    const T percussive_magnitude = magnitude * mask_percussive;
    harmonic_re[i] = harmonic_magnitude * phase_real;
    harmonic_im[i] = harmonic_magnitude * phase_imag;
    percussive_re[i] = percussive_magnitude * phase_real;
    percussive_im[i] = percussive_magnitude * phase_imag;
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
    if (power == 2.0) {
      softmask_kernel<T, true>(x.data_ptr<T>(), ref.data_ptr<T>(), x.numel(), power, split_zeros,
                               mask.data_ptr<T>());
    } else {
      softmask_kernel<T, false>(x.data_ptr<T>(), ref.data_ptr<T>(), x.numel(), power, split_zeros,
                                mask.data_ptr<T>());
    }
    return mask;
  });
}

// Both public hpss: the separation itself, once spectrum_magnitude is checked to match the
// (already checked) spectrum.
static HpssResult hpss_of_checked_spectrum(const ComplexSpectrogram& spectrum,
                                           const Tensor& spectrum_magnitude, int64_t kernel_size,
                                           double power, double margin) {
  TIMBRE_CHECK(spectrum_magnitude.defined() &&
                   spectrum_magnitude.sizes() == spectrum.real.sizes() &&
                   spectrum_magnitude.dtype() == spectrum.real.dtype() &&
                   spectrum_magnitude.device().is_cpu(),
               "hpss: the magnitude must be a CPU tensor of the spectrum's shape and dtype");
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
    const Tensor magnitude_tensor = kernels::contiguous(spectrum_magnitude);  // [bins, frames]
    const T* mag = magnitude_tensor.data_ptr<T>();
    // Harmonic sounds are smooth along time, percussive ones along frequency.
    const Tensor harmonic_median =
        median_filter_2d(magnitude_tensor, kernel_size, MedianAxis::Time);
    const Tensor percussive_median =
        median_filter_2d(magnitude_tensor, kernel_size, MedianAxis::Frequency);
    HpssResult result{
        {empty(sizes, {.dtype = dtype_of<T>()}), empty(sizes, {.dtype = dtype_of<T>()})},
        {empty(sizes, {.dtype = dtype_of<T>()}), empty(sizes, {.dtype = dtype_of<T>()})}};
    const bool split_zeros = margin == 1.0;  // librosa: margin_harm == 1 and margin_perc == 1
    const HpssCellInputs<T> inputs = {re,
                                      im,
                                      mag,
                                      harmonic_median.data_ptr<T>(),
                                      percussive_median.data_ptr<T>(),
                                      static_cast<T>(margin),
                                      power,
                                      split_zeros};
    const HpssCellOutputs<T> outputs = {result.harmonic.real.template data_ptr<T>(),
                                        result.harmonic.imag.template data_ptr<T>(),
                                        result.percussive.real.template data_ptr<T>(),
                                        result.percussive.imag.template data_ptr<T>()};
    if (power == 2.0) {
      hpss_cells<T, true>(inputs, count, outputs);
    } else {
      hpss_cells<T, false>(inputs, count, outputs);
    }
    return result;
  });
}

HpssResult hpss(const ComplexSpectrogram& spectrum, int64_t kernel_size, double power,
                double margin) {
  check_spectrum(spectrum);
  // librosa.magphase: magnitude |S| (magnitude(), numpy's abs). S: [bins, frames] -> [bins, frames]
  // (magnitude() takes contiguous parts; the spectrum may be a view.)
  const Tensor magnitude_tensor =
      magnitude({kernels::contiguous(spectrum.real), kernels::contiguous(spectrum.imag)});
  return hpss_of_checked_spectrum(spectrum, magnitude_tensor, kernel_size, power, margin);
}

HpssResult hpss(const ComplexSpectrogram& spectrum, const Tensor& spectrum_magnitude,
                int64_t kernel_size, double power, double margin) {
  check_spectrum(spectrum);
  return hpss_of_checked_spectrum(spectrum, spectrum_magnitude, kernel_size, power, margin);
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
