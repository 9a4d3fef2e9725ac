// audio/mel.cpp - mel spectrogram (filterbank @ power spectrogram) and MFCC (DCT-II of log-mel).
#include "audio/mel.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "audio/db.h"
#include "audio/projection.h"
#include "audio/target_clones.h"
#include "tensor/error.h"
#include "tensor/kernels.h"

namespace timbre::audio {

namespace {

// mel[m, t] = sum_k weights[m, k] * S[k, t], skipping the zero weights: each triangle covers only
// a few dozen of the 1 + n_fft/2 bins, so this is ~20x less work than the dense product.
// weights: [n_mels, n_bins] (double), S: [n_bins, frames] -> mel: [n_mels, frames]
template <typename T>
inline __attribute__((always_inline)) void mel_project_body(const double* weights,
                                                            const T* spectrogram, T* mel,
                                                            int64_t n_mels, int64_t n_bins,
                                                            int64_t frames) {
  std::vector<double> row(static_cast<size_t>(frames));  // one output row, accumulated in double
  for (int64_t m = 0; m < n_mels; ++m) {
    std::fill(row.begin(), row.end(), 0.0);
    for (int64_t k = 0; k < n_bins; ++k) {
      const double w = weights[m * n_bins + k];
      if (w == 0.0) continue;
      const T* s_row = spectrogram + k * frames;
      for (int64_t t = 0; t < frames; ++t)
        row[t] += w * static_cast<double>(s_row[t]);
    }
    for (int64_t t = 0; t < frames; ++t)
      mel[m * frames + t] = static_cast<T>(row[t]);
  }
}

// Compiled for AVX2 and baseline x86-64 (audio/target_clones.h): identical sums.
TIMBRE_AVX2_CLONES void mel_project(const double* weights, const float* spectrogram, float* mel,
                                    int64_t n_mels, int64_t n_bins, int64_t frames) {
  mel_project_body(weights, spectrogram, mel, n_mels, n_bins, frames);
}
TIMBRE_AVX2_CLONES void mel_project(const double* weights, const double* spectrogram, double* mel,
                                    int64_t n_mels, int64_t n_bins, int64_t frames) {
  mel_project_body(weights, spectrogram, mel, n_mels, n_bins, frames);
}

void check_spectrogram(const Tensor& spectrogram, const char* op) {
  TIMBRE_CHECK(spectrogram.defined() && spectrogram.dim() == 2 && spectrogram.size(0) >= 2, op,
               ": expected a 2-d spectrogram [1 + n_fft/2, frames]");
  TIMBRE_CHECK(spectrogram.device().is_cpu(), op, ": expected a CPU tensor");
}

}  // namespace

Tensor melspectrogram_from_spectrogram(const Tensor& spectrogram, double sample_rate,
                                       const MelOptions& mel) {
  check_spectrogram(spectrogram, "melspectrogram");
  const Tensor s = kernels::contiguous(spectrogram);
  const int64_t n_bins = s.size(0), frames = s.size(1);
  const int64_t n_fft = 2 * (n_bins - 1);
  // librosa.filters.mel's default dtype is float32, and melspectrogram uses that default even for
  // float64 audio: the float32 weights, widened exactly to double, are what librosa multiplies by.
  const std::vector<double> weights = mel_filterbank(sample_rate, n_fft, mel.n_mels, mel.fmin,
                                                     mel.fmax, mel.htk, mel.norm, kFloat32)
                                          .to_vector<double>();
  Tensor out = empty({mel.n_mels, frames}, {.dtype = s.dtype()});
  dispatch_floating(s.dtype(), "melspectrogram", [&]<typename T>() {
    mel_project(weights.data(), s.data_ptr<T>(), out.data_ptr<T>(), mel.n_mels, n_bins, frames);
  });
  return out;
}

Tensor melspectrogram(const Tensor& y, double sample_rate, const StftOptions& stft,
                      const MelOptions& mel, double power) {
  return melspectrogram_from_spectrogram(spectrogram(y, stft, power), sample_rate, mel);
}

Tensor mfcc_from_log_mel(const Tensor& log_mel, int64_t n_mfcc, double lifter) {
  check_spectrogram(log_mel, "mfcc");
  const int64_t n_mels = log_mel.size(0), frames = log_mel.size(1);
  TIMBRE_CHECK(n_mfcc >= 1 && n_mfcc <= n_mels, "mfcc: need 1 <= n_mfcc <= n_mels (", n_mels,
               "), got ", n_mfcc);
  TIMBRE_CHECK(lifter >= 0.0, "mfcc: lifter must be >= 0, got ", lifter);
  std::vector<double> dct = dct_matrix(n_mfcc, n_mels, kFloat64).to_vector<double>();
  if (lifter > 0.0) {
    // Liftering scales coefficient k by 1 + (L/2) sin(pi (k+1) / L), boosting the higher
    // (finer spectral detail) coefficients; folding it into the DCT rows is the same product.
    for (int64_t k = 0; k < n_mfcc; ++k) {
      const double gain =
          1.0 + (lifter / 2.0) * std::sin(std::numbers::pi * static_cast<double>(k + 1) / lifter);
      for (int64_t i = 0; i < n_mels; ++i)
        dct[k * n_mels + i] *= gain;
    }
  }
  const Tensor x = kernels::contiguous(log_mel);
  Tensor out = empty({n_mfcc, frames}, {.dtype = x.dtype()});
  dispatch_floating(x.dtype(), "mfcc", [&]<typename T>() {
    project_columns<T>(dct, x.data_ptr<T>(), n_mfcc, n_mels, frames, out.data_ptr<T>());
  });
  return out;
}

Tensor mfcc(const Tensor& y, double sample_rate, int64_t n_mfcc, const StftOptions& stft,
            const MelOptions& mel, double lifter) {
  const Tensor mel_power = melspectrogram(y, sample_rate, stft, mel, 2.0);
  return mfcc_from_log_mel(power_to_db(mel_power, 1.0, 1e-10, 80.0), n_mfcc, lifter);
}

}  // namespace timbre::audio
