// audio/chroma.h - chroma features and tuning estimation (librosa.feature.chroma_stft,
// librosa.piptrack, librosa.pitch_tuning, librosa.estimate_tuning; librosa 0.10.1).
//
// A chroma vector says how much energy each of the 12 pitch classes (C, C#, ..., B) holds in a
// frame, folding all octaves together:
//
//   y --stft--> |S|^2 --chroma filterbank--> raw chroma --/ max per frame--> chroma
//   [samples]   [1 + n_fft/2, frames]        [12, frames]                    [12, frames]
//
// The filterbank places the pitch classes on the frequency axis; if the recording is tuned a
// little off A440, `tuning` (in fractions of a chroma bin) shifts them, and estimate_tuning
// measures it from the spectral peaks.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "audio/stft.h"
#include "tensor/tensor.h"

namespace timbre::audio {

// Pitches and magnitudes of the spectral peaks found by piptrack, in S's layout.
// pitches, magnitudes: [1 + n_fft/2, frames], S's dtype; 0 where no peak was found.
struct PitchTrack {
  Tensor pitches;     // interpolated peak frequency in Hz
  Tensor magnitudes;  // interpolated peak height (in S's units)
};

// librosa.piptrack(S=S, sr, fmin, fmax, threshold): in each frame, the bins k with
// fmin <= f_k < fmax that are local maxima (S[k-1] < S[k] >= S[k+1]) of S with every value not
// above threshold * (the frame's maximum) set to 0. Each peak is refined by fitting a parabola
// through bins k-1, k, k+1:
//   a = S[k+1] + S[k-1] - 2 S[k],  b = (S[k+1] - S[k-1]) / 2,
//   shift = -b / a  (0 when |b| >= |a|: the vertex would lie outside [k-1, k+1])
//   pitch = (k + shift) sr / n_fft,  magnitude = S[k] + 0.5 b shift.
// S: [1 + n_fft/2, frames] -> pitches, magnitudes: [1 + n_fft/2, frames]
// Requires: S 2-d float32/float64 CPU, >= 3 rows, non-negative; sample_rate > 0; 0 <= fmin < fmax.
PitchTrack piptrack(const Tensor& spectrogram, double sample_rate, double fmin = 150.0,
                    double fmax = 4000.0, double threshold = 0.1);

// librosa.pitch_tuning: the most common deviation of `frequencies` from the equal-tempered grid
// (A440), in fractions of a bin: each f > 0 gives the residual of bins_per_octave * log2(f / A0)
// wrapped into [-0.5, 0.5); the residuals are counted in a histogram with edges
// -0.5, -0.5 + resolution, ..., 0.5, and the left edge of the fullest bin is returned (the first
// such bin on ties; 0 with no positive frequency).
// Requires: 0 < resolution < 1; bins_per_octave >= 1.
// Ensures:  a value in [-0.5, 0.5).
// (The float overload repeats librosa's float32 arithmetic for float32 pitches.)
double pitch_tuning(const std::vector<double>& frequencies, double resolution = 0.01,
                    int64_t bins_per_octave = 12);
double pitch_tuning(const std::vector<float>& frequencies, double resolution = 0.01,
                    int64_t bins_per_octave = 12);

// librosa.estimate_tuning(S=S, sr): piptrack(S), keep the peaks whose magnitude is at least the
// median peak magnitude, and return pitch_tuning of their pitches.
// S: [1 + n_fft/2, frames] (chroma_stft passes the power spectrogram |stft|^2)
// Requires: as piptrack; 0 < resolution < 1; bins_per_octave >= 1.
// Ensures:  a value in [-0.5, 0.5), a multiple of resolution (up to rounding).
double estimate_tuning_from_spectrogram(const Tensor& spectrogram, double sample_rate,
                                        double resolution = 0.01, int64_t bins_per_octave = 12);

// librosa.estimate_tuning(y=y, sr, n_fft, ...): on the magnitude spectrogram |stft(y)|.
// y: [samples] -> a tuning in [-0.5, 0.5)
double estimate_tuning(const Tensor& y, double sample_rate, const StftOptions& stft = {},
                       double resolution = 0.01, int64_t bins_per_octave = 12);

// How chroma_stft scales each frame (librosa.util.normalize along the chroma axis):
// infinity (librosa's default) divides by the frame's largest entry, p > 0 by its L^p norm,
// std::nullopt leaves the raw energies.
inline constexpr double kChromaMaxNorm = std::numeric_limits<double>::infinity();

// Chroma of a power spectrogram: raw = chroma_filterbank(sr, n_fft, n_chroma, tuning) @ S, then
// each frame divided by its norm (a frame whose norm is below the smallest normal number of S's
// dtype is left as it is). Without a tuning it is first estimated with
// estimate_tuning_from_spectrogram(S). As in librosa, the filterbank is built in float32 even
// for float64 spectrograms; products are summed in double and rounded to S's dtype.
// S: [1 + n_fft/2, frames] -> chroma: [n_chroma, frames]
// Requires: S 2-d float32/float64 CPU, >= 3 rows, non-negative; sample_rate > 0; n_chroma >= 1;
//           norm, when given, > 0 (or infinity); tuning, when given, in [-0.5, 0.5).
// Ensures:  S's dtype; with the default norm entries lie in [0, 1] and each frame's largest is 1
//           (or the frame is all 0 for silence).
Tensor chroma_stft_from_spectrogram(const Tensor& power_spectrogram, double sample_rate,
                                    std::optional<double> tuning = std::nullopt,
                                    int64_t n_chroma = 12,
                                    std::optional<double> norm = kChromaMaxNorm);

// librosa.feature.chroma_stft(y=y, sr, n_fft, hop_length, win_length, center, pad_mode, tuning,
// n_chroma, norm): chroma_stft_from_spectrogram(|stft(y)|^2, ...).
// y: [samples] -> chroma: [n_chroma, frames], y's dtype
// Requires: as audio::spectrogram and chroma_stft_from_spectrogram.
Tensor chroma_stft(const Tensor& y, double sample_rate, const StftOptions& stft = {},
                   std::optional<double> tuning = std::nullopt, int64_t n_chroma = 12,
                   std::optional<double> norm = kChromaMaxNorm);

}  // namespace timbre::audio
