// audio/onset.h - the onset strength envelope (spectral flux on a log-mel spectrogram), as
// librosa 0.10.1's onset.onset_strength with its defaults (feature=melspectrogram, power_to_db,
// lag=1, max_size=1, ref=None, detrend=False, center=True).
//
//   S = power_to_db(melspectrogram(y))                  [n_mels, frames]   (ref 1, top_db 80)
//   flux[f, t] = max(0, S[f, t] - S[f, t - lag])         (only rises count: an onset adds energy)
//   envelope[t] = aggregate over f of flux[f, t]          (mean, or median as beat_track uses)
// and then the envelope is delayed by lag + n_fft / (2 hop) frames (zeros in front) so that an
// onset is reported at the frame centred on it, and cut back to `frames` values.
#pragma once

#include <cstdint>

#include "audio/stft.h"
#include "tensor/tensor.h"

namespace timbre::audio {

// How the per-band flux of one frame is reduced to one number.
//   Mean:   librosa's default (aggregate=np.mean).
//   Median: aggregate=np.median (even band counts: mean of the two middle values) - what
//           librosa.beat.beat_track uses when it computes the envelope itself.
enum class OnsetAggregate { Mean, Median };

struct OnsetOptions {
  StftOptions stft = {};  // n_fft 2048, hop 512, center, pad mode of the mel spectrogram
  int64_t n_mels = 128;   // mel bands (Slaney, fmin 0, fmax sr/2, as librosa)
  int64_t lag = 1;        // frames between the compared spectra
  OnsetAggregate aggregate = OnsetAggregate::Mean;
};

// librosa.onset.onset_strength(y=y, sr=sr, n_fft, hop_length, lag, aggregate, center, pad_mode).
// y: [samples] -> envelope: [frames]   (frames = stft_frame_count(samples, options.stft))
// Requires: y a 1-d float32/float64 CPU tensor as audio::stft needs; sample_rate > 0;
//           lag >= 1; n_mels >= 1.
// Ensures:  y's dtype (float32 computed with librosa's float32 steps); entries >= 0; with
//           center the first lag + n_fft / (2 hop) entries are 0.
Tensor onset_strength(const Tensor& y, double sample_rate, const OnsetOptions& options = {});

// The same envelope from a log-power (dB) spectrogram you already have (librosa's S= argument).
// log_spectrogram: [bands, frames] -> [frames]
// Requires: 2-d float32/float64; lag >= 1. `center` and n_fft/hop (for the delay) come from
//           options.stft.
Tensor onset_strength_from_db(const Tensor& log_spectrogram, const OnsetOptions& options = {});

}  // namespace timbre::audio
