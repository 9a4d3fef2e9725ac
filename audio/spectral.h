// audio/spectral.h - per-frame spectral shape features and frame energy features
// (librosa.feature.spectral_centroid, spectral_bandwidth, spectral_rolloff, spectral_contrast,
// zero_crossing_rate, rms; librosa 0.10.1).
//
// The spectral features read a magnitude spectrogram S = |stft(y)| (power 1, librosa's default
// for them): S: [1 + n_fft/2, frames] -> [rows, frames]. Each comes in two forms: one taking the
// signal (it runs the STFT), one `*_from_spectrogram` taking S, so that several features can
// share one STFT. As in librosa they return float64 whatever S's dtype (the frequency axis is
// float64 and carries the result), while the float32 steps librosa takes on float32 input
// (normalising S, cumulative sums, band means) are repeated in float32 so the results agree.
// zero_crossing_rate and rms work on the signal's frames directly.
#pragma once

#include <cstdint>

#include "audio/stft.h"
#include "tensor/tensor.h"

namespace timbre::audio {

// Spectral centroid: the centre of mass of each frame's spectrum, in Hz,
//   centroid[t] = sum_k f_k S[k, t] / sum_k S[k, t]     (f_k = k sr / n_fft).
// A frame of zeros gives 0.
// S: [1 + n_fft/2, frames] -> [1, frames] float64
// Requires: S 2-d float32/float64 CPU, >= 2 rows, no negative entries; sample_rate > 0.
Tensor spectral_centroid_from_spectrogram(const Tensor& spectrogram, double sample_rate);
Tensor spectral_centroid(const Tensor& y, double sample_rate, const StftOptions& stft = {});

// Spectral bandwidth of order p: the spread of the spectrum around its centroid, in Hz,
//   bandwidth[t] = (sum_k s[k, t] |f_k - centroid[t]|^p)^(1/p)
// with s = S / sum_k S (norm = true, librosa's default) or s = S (norm = false).
// S: [1 + n_fft/2, frames] -> [1, frames] float64
// Requires: as spectral_centroid; p > 0.
Tensor spectral_bandwidth_from_spectrogram(const Tensor& spectrogram, double sample_rate,
                                           double p = 2.0, bool norm = true);
Tensor spectral_bandwidth(const Tensor& y, double sample_rate, const StftOptions& stft = {},
                          double p = 2.0, bool norm = true);

// Spectral roll-off: the lowest bin frequency below which (inclusive) at least roll_percent of
// the frame's spectral sum lies: f_j for the first j with sum_{k<=j} S[k, t] >= roll_percent *
// sum_k S[k, t]. The running sums are taken in S's dtype, as librosa's numpy.cumsum does, since
// the answer jumps by a whole bin (10.8 Hz at 22050 / 2048) when a sum lands on the other side.
// S: [1 + n_fft/2, frames] -> [1, frames] float64
// Requires: as spectral_centroid; 0 < roll_percent < 1.
Tensor spectral_rolloff_from_spectrogram(const Tensor& spectrogram, double sample_rate,
                                         double roll_percent = 0.85);
Tensor spectral_rolloff(const Tensor& y, double sample_rate, const StftOptions& stft = {},
                        double roll_percent = 0.85);

// Spectral contrast (Jiang et al. 2002, as librosa): the spectrum is split into n_bands + 1
// octave bands with edges 0, fmin, 2 fmin, 4 fmin, ..., 2^n_bands fmin (the last band runs to
// Nyquist). In each band and frame the q = max(1, rint(quantile * band size)) smallest values
// average to the valley and the q largest to the peak; contrast = power_to_db(peak) -
// power_to_db(valley) (ref 1, amin 1e-10, top_db 80, each over the whole clip), or peak - valley
// with linear = true. librosa's band bookkeeping is kept exactly: each band also takes the bin
// just below its lower edge, every band but the last drops its top bin, and q counts the bins
// before that drop.
// S: [1 + n_fft/2, frames] -> [n_bands + 1, frames] float64
// Requires: as spectral_centroid; fmin > 0; n_bands >= 1; 0 < quantile < 1;
//           fmin 2^(n_bands-1) < sample_rate / 2 (every band edge below Nyquist); no NaN in S
//           (a NaN spreads to its frame's peak and valley).
Tensor spectral_contrast_from_spectrogram(const Tensor& spectrogram, double sample_rate,
                                          double fmin = 200.0, int64_t n_bands = 6,
                                          double quantile = 0.02, bool linear = false);
Tensor spectral_contrast(const Tensor& y, double sample_rate, const StftOptions& stft = {},
                         double fmin = 200.0, int64_t n_bands = 6, double quantile = 0.02,
                         bool linear = false);

// Zero-crossing rate: the fraction of sample pairs in each frame whose signs differ,
//   zcr[t] = (1 / frame_length) * #{n in 1 .. frame_length-1 : sign(x[n]) != sign(x[n-1])}
// where x is frame t and samples with |x| <= 1e-10 count as positive (librosa's zero_crossings
// with threshold 1e-10, zero_pos = true). With center the signal is padded by frame_length/2
// copies of its first and last sample (numpy.pad mode='edge': librosa ignores the STFT pad_mode
// here), so frame t is centred on sample t hop_length.
// y: [samples] -> [1, frames] float64, frames = 1 + samples / hop_length (center) or
//    1 + (samples - frame_length) / hop_length.
// Requires: y 1-d float32/float64 CPU, non-empty; frame_length >= 1; hop_length >= 1;
//           without center samples >= frame_length.
Tensor zero_crossing_rate(const Tensor& y, int64_t frame_length = 2048, int64_t hop_length = 512,
                          bool center = true);

// Root-mean-square energy of each frame (no window): rms[t] = sqrt(mean(x_t[n]^2)).
// With center the signal is padded by frame_length/2 samples on each side with pad_mode (librosa
// passes the same pad_mode as the STFT: zeros by default, a mirror image for Reflect).
// librosa.feature.rms returns float32 unless asked otherwise, also for float64 audio; `dtype`
// is that choice. Squares are summed in double and rounded once.
// y: [samples] -> [1, frames] of dtype (frames as zero_crossing_rate)
// Requires: y 1-d float32/float64 CPU; frame_length >= 1; hop_length >= 1; with Reflect
//           samples > frame_length/2; without center samples >= frame_length.
Tensor rms(const Tensor& y, int64_t frame_length = 2048, int64_t hop_length = 512,
           bool center = true, PadMode pad_mode = PadMode::Constant, DType dtype = kFloat32);

}  // namespace timbre::audio
