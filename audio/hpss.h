// audio/hpss.h - harmonic/percussive source separation by median filtering (Fitzgerald 2010), as
// librosa 0.10.1's decompose.hpss and effects.hpss.
//
// In a magnitude spectrogram S[f, t], sustained (harmonic) sounds are horizontal lines (stable in
// time) and transients (percussive) are vertical lines (broadband, short). So
//   H = median of S over `kernel_size` frames      (smooths along time: keeps horizontal lines)
//   P = median of S over `kernel_size` frequencies (smooths along frequency: keeps vertical lines)
// and each cell of the complex STFT is shared out with Wiener-like soft masks
//   mask_H = H^p / (H^p + (margin P)^p),   mask_P = P^p / (P^p + (margin H)^p)
// harmonic = mask_H * STFT, percussive = mask_P * STFT (the phase is kept).
#pragma once

#include <cstdint>
#include <utility>

#include "audio/stft.h"
#include "tensor/tensor.h"

namespace timbre::audio {

struct HpssResult {
  ComplexSpectrogram harmonic;    // real, imag: [bins, frames]
  ComplexSpectrogram percussive;  // real, imag: [bins, frames]
};

// librosa.util.softmask(X, X_ref, power, split_zeros): X^p / (X^p + X_ref^p), computed after
// dividing both by Z = max(X, X_ref) so large values cannot overflow; where Z < the dtype's
// smallest normal number the mask is 0.5 with split_zeros, else 0.
// X, X_ref: [any shape, equal] -> mask: same shape, X's dtype
// Requires: equal shapes and dtypes (float32/float64), values >= 0; power > 0 (finite).
Tensor softmask(const Tensor& X, const Tensor& X_ref, double power, bool split_zeros);

// librosa.decompose.hpss(S, kernel_size, power, mask=False, margin) on a complex STFT:
// |S| is median-filtered along time (harmonic) and frequency (percussive) with
// scipy.ndimage.median_filter(mode='reflect'), then
//   harmonic   = |S| * softmask(H, margin * P, power, split_zeros) * phase(S)
//   percussive = |S| * softmask(P, margin * H, power, split_zeros) * phase(S)
// with split_zeros = (margin == 1), phase(S) = S / |S| (1 where |S| = 0), as librosa.magphase.
// spectrum: real, imag [bins, frames] -> harmonic, percussive: real, imag [bins, frames]
// Requires: real, imag 2-d of equal shape and dtype (float32/float64); kernel_size >= 1;
//           power > 0; margin >= 1.
// Ensures:  results in the spectrum's dtype (float32 work follows librosa's float32 steps).
//           With margin 1, harmonic + percussive == spectrum up to rounding.
HpssResult hpss(const ComplexSpectrogram& spectrum, int64_t kernel_size = 31, double power = 2.0,
                double margin = 1.0);

// The same, for a caller that already has |S| = magnitude(spectrum) (it is not computed again).
// Requires: as hpss; spectrum_magnitude is a CPU tensor of the spectrum's shape and dtype and
//           equals magnitude(spectrum) (otherwise the masks come from the wrong magnitudes).
// Ensures:  the parts hpss(spectrum, kernel_size, power, margin) gives, bit for bit.
HpssResult hpss(const ComplexSpectrogram& spectrum, const Tensor& spectrum_magnitude,
                int64_t kernel_size = 31, double power = 2.0, double margin = 1.0);

// librosa.effects.hpss(y, kernel_size=31, power=2, margin=1, n_fft, hop_length, ..., pad_mode):
// stft -> hpss -> istft(length = len(y)) for each part.
// y: [samples] -> (harmonic [samples], percussive [samples])
// Requires: as stft(y, stft_options) and hpss.
// Ensures:  y's dtype; harmonic + percussive == y up to rounding (with margin 1).
std::pair<Tensor, Tensor> hpss_waveforms(const Tensor& y, const StftOptions& stft_options = {},
                                         int64_t kernel_size = 31, double power = 2.0,
                                         double margin = 1.0);

}  // namespace timbre::audio
