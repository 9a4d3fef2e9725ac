// audio/cwt.h - the continuous wavelet transform with the real Morlet wavelet, exactly as
// PyWavelets 1.1.1 computes it: pywt.cwt(data, scales, 'morl', sampling_period, method).
//
// The Morlet mother wavelet is a cosine under a Gaussian bell:
//
//   psi(x) = exp(-x^2 / 2) cos(5 x),     effectively zero outside [-8, 8]
//
// The CWT correlates the signal with stretched copies of psi, one per scale s:
//
//   W(s, n) = 1/sqrt(s) * sum_m data[m] psi((m - n) / s)
//
// pywt does not sample psi((m - n)/s) directly. It integrates psi once on a fine grid,
// int_psi(x) = integral_{-8}^{x} psi, samples the INTEGRAL at the stretched positions, convolves,
// and differentiates the result (a first difference). Integrating then differencing is the same
// as averaging psi over each sample's interval, which keeps small scales (a wavelet only a few
// samples long) from aliasing. In detail, for each scale s:
//
//   grid      x_i = linspace(-8, 8, 1024)[i],  step = x_1 - x_0           (precision 10: 2^10
//   points) int_psi   = cumsum(psi(x)) * step                                     (rectangle rule)
//   j_k       = floor(k / (s * step)),  k = 0, 1, .., ceil(16 s + 1) - 1,  keeping j_k < 1024
//   filter    = int_psi[j][::-1]                                          (L = len(j) taps)
//   conv      = data (*) filter                                           (full convolution, N + L
//   - 1) coef      = -sqrt(s) * diff(conv)                                     (N + L - 2 values)
//   W(s, :)   = coef[floor(d) : floor(d) + N],  d = (L - 2) / 2           (the centred N values)
//
// The frequency of scale s is central_frequency / s / sampling_period, where pywt finds the
// central frequency from the peak of |FFT(psi)| on the same grid: 13 / 16 = 0.8125 cycles per
// unit of x (a cosine of angular frequency 5 has 5 / (2 pi) = 0.796 cycles; the grid rounds it).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "tensor/tensor.h"

namespace timbre::audio {

// How the convolution of each scale is computed. Both give the same numbers up to rounding.
//   Convolution: direct sums, O(N L) per scale (pywt's method='conv', numpy.convolve).
//   Fft:         zero-padded FFTs, O((N + L) log(N + L)) per scale (pywt's method='fft'); the
//                only practical choice for long signals and large scales.
enum class CwtMethod { Convolution, Fft };

// The Morlet wavelet integrated on pywt's grid: int_psi[i] = step * sum_{m <= i} psi(x_m), with
// x = linspace(-8, 8, 2^precision).
// Requires: 1 <= precision <= 20.
// Ensures:  2^precision values; `step` = x_1 - x_0 as numpy computes it.
struct IntegratedWavelet {
  std::vector<double> values;
  double step = 0.0;
  double domain = 16.0;  // x[-1] - x[0]
};
IntegratedWavelet integrate_morlet(int precision = 10);

// pywt.central_frequency('morl', precision): the peak of |FFT(psi)| on the grid, in cycles per
// unit of x. 0.8125 for precision 10.
// Requires: 1 <= precision <= 20.
double morlet_central_frequency(int precision = 10);

// The number of taps L of the sampled, integrated wavelet at `scale` (see the header comment).
// Requires: scale > 0.
int64_t morlet_filter_length(double scale, int precision = 10);

// Calls row(index, coefficients) once per scale, in order, with the N coefficients W(s, :) of
// scales[index] (a buffer reused between calls). Lets a caller reduce each row (e.g. pool it
// into image columns) without holding the whole [scales, N] matrix, which for a 30-s clip at
// 22,050 Hz and 128 scales would take 680 MB.
// Requires: data.size() >= 1; every scale > 0 and with a filter of at least 2 taps (pywt raises
//           "Selected scale too small" otherwise; any scale >= 1/16 is fine).
void cwt_morlet_rows(const std::vector<double>& data, const std::vector<double>& scales,
                     CwtMethod method,
                     const std::function<void(int64_t, const std::vector<double>&)>& row);

struct CwtResult {
  Tensor coefficients;  // [scales, N] float64
  Tensor frequencies;   // [scales] float64: central_frequency / scale / sampling_period
};

// pywt.cwt(data, scales, 'morl', sampling_period, method) for a real signal.
// data: [N] -> coefficients [len(scales), N], frequencies [len(scales)]
// Requires: data a 1-d float32/float64 CPU tensor with >= 1 sample; scales non-empty, as
//           cwt_morlet_rows; sampling_period > 0. float32 data is widened to double and
//           transformed in double (pywt would stay in float32: expect float32 rounding apart).
// Ensures:  float64 results; agree with PyWavelets 1.1.1 to rounding (tests/test_audio_cwt.cpp).
CwtResult cwt_morlet(const Tensor& data, const std::vector<double>& scales,
                     double sampling_period = 1.0, CwtMethod method = CwtMethod::Convolution);

}  // namespace timbre::audio
