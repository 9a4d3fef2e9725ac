// audio/mel.h - the mel spectrogram and the MFCCs built on it (librosa.feature.melspectrogram,
// librosa.feature.mfcc, librosa 0.10.1).
//
//   y --stft--> |S|^power --mel filterbank--> mel --power_to_db--> log-mel --DCT-II--> mfcc
//   [samples]   [1 + n_fft/2, frames]         [n_mels, frames]    [n_mels, frames]   [n_mfcc,
//   frames]
//
// Functions come in pairs: one takes the signal y and computes the spectrogram itself, the other
// (`*_from_spectrogram`) takes a spectrogram you already have, so that several features can share
// one STFT.
#pragma once

#include <cstdint>

#include "audio/filters.h"
#include "audio/stft.h"
#include "tensor/tensor.h"

namespace timbre::audio {

// The mel filterbank's parameters (see mel_filterbank in audio/filters.h).
struct MelOptions {
  int64_t n_mels = 128;
  double fmin = 0.0;
  double fmax = 0.0;  // <= 0 means sample_rate / 2
  bool htk = false;
  MelNorm norm = MelNorm::Slaney;
};

// The mel spectrogram of a (power) spectrogram: mel = mel_filterbank @ S.
// As librosa does by default, the filterbank is built in float32 even for float64 spectrograms
// (its values are then used exactly, widened to double); the product is accumulated in double
// and rounded to S's dtype.
// S: [1 + n_fft/2, frames] -> mel: [n_mels, frames]   (n_fft = 2 (bins - 1))
// Requires: S a 2-d float32/float64 CPU tensor with >= 2 rows; valid mel options for that n_fft.
// Ensures:  a contiguous tensor of S's dtype, entries >= 0 when S >= 0.
Tensor melspectrogram_from_spectrogram(const Tensor& spectrogram, double sample_rate,
                                       const MelOptions& mel = {});

// librosa.feature.melspectrogram(y=y, sr, n_fft, hop_length, win_length, window='hann', center,
// pad_mode, power, n_mels, fmin, fmax, htk, norm): mel filterbank @ |stft(y)|^power.
// y: [samples] -> mel: [n_mels, frames]
// Requires: as audio::spectrogram (y 1-d float32/float64) and melspectrogram_from_spectrogram.
// Ensures:  y's dtype; frames = stft_frame_count(samples, stft).
Tensor melspectrogram(const Tensor& y, double sample_rate, const StftOptions& stft = {},
                      const MelOptions& mel = {}, double power = 2.0);

// MFCCs of a log-mel spectrogram (in dB): the orthonormal DCT-II along the mel axis, keeping the
// first n_mfcc coefficients (scipy.fftpack.dct(type=2, norm='ortho', axis=0)[:n_mfcc]), then
// with lifter > 0 librosa's sinusoidal liftering
//   mfcc[k] *= 1 + (lifter / 2) sin(pi (k + 1) / lifter).
// log_mel: [n_mels, frames] -> mfcc: [n_mfcc, frames]
// Requires: log_mel 2-d float32/float64 CPU; 1 <= n_mfcc <= n_mels; lifter >= 0.
// Ensures:  log_mel's dtype (computed in double, rounded once).
Tensor mfcc_from_log_mel(const Tensor& log_mel, int64_t n_mfcc = 20, double lifter = 0.0);

// librosa.feature.mfcc(y=y, sr, n_mfcc, lifter, n_mels, ...):
// mfcc_from_log_mel(power_to_db(melspectrogram(y, power=2), ref=1, amin=1e-10, top_db=80)).
// The 80 dB floor is relative to the loudest mel cell of the whole clip, so MFCCs of a clip are
// not the concatenation of MFCCs of its pieces.
// y: [samples] -> mfcc: [n_mfcc, frames]
// Requires: as melspectrogram and mfcc_from_log_mel.  Ensures: y's dtype.
Tensor mfcc(const Tensor& y, double sample_rate, int64_t n_mfcc = 20, const StftOptions& stft = {},
            const MelOptions& mel = {}, double lifter = 0.0);

}  // namespace timbre::audio
