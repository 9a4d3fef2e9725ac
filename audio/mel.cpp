// audio/mel.cpp - mel spectrogram (filterbank @ power spectrogram) and MFCC (DCT-II of log-mel).
#include "audio/mel.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <tuple>
#include <vector>

#include "audio/db.h"
#include "audio/fft_frames.h"
#include "audio/projection.h"
#include "audio/target_clones.h"
#include "tensor/error.h"
#include "tensor/kernels.h"

namespace timbre::audio {

namespace {

// The mel filterbank of the STFT's bins (float32 as librosa builds it by default even for float64
// audio: those values, widened exactly to double, are what librosa multiplies by), and for each
// band the bins where its triangle is not zero.
struct MelWeights {
  std::vector<double> weights;              // [n_mels, n_bins]
  std::vector<int64_t> first_bin, end_bin;  // [n_mels]: the non-zero weights of row m lie in
                                            // [first_bin[m], end_bin[m])
};

MelWeights compute_mel_weights(double sample_rate, int64_t n_fft, const MelOptions& mel) {
  MelWeights result;
  result.weights = mel_filterbank(sample_rate, n_fft, mel.n_mels, mel.fmin, mel.fmax, mel.htk,
                                  mel.norm, kFloat32)
                       .to_vector<double>();
  const int64_t n_bins = 1 + n_fft / 2;
  for (int64_t m = 0; m < mel.n_mels; ++m) {
    const double* row = result.weights.data() + m * n_bins;
    int64_t first = 0, end = n_bins;
    while (first < end && row[first] == 0.0)
      ++first;
    while (end > first && row[end - 1] == 0.0)
      --end;
    result.first_bin.push_back(first);
    result.end_bin.push_back(end);
  }
  return result;
}

// The mel weights for these parameters, computed once and then shared by every call and thread
// (as the FFT plans are): building the filterbank costs ~0.3 ms, a few % of a mel spectrogram.
std::shared_ptr<const MelWeights> mel_weights(double sample_rate, int64_t n_fft,
                                              const MelOptions& mel) {
  // A NaN cannot be a map key (it compares neither less nor greater than anything); such
  // parameters are rejected by mel_filterbank anyway.
  if (std::isnan(sample_rate) || std::isnan(mel.fmin) || std::isnan(mel.fmax)) {
    return std::make_shared<const MelWeights>(compute_mel_weights(sample_rate, n_fft, mel));
  }
  using Key = std::tuple<double, int64_t, int64_t, double, double, bool, MelNorm>;
  static std::mutex mutex;
  static std::map<Key, std::shared_ptr<const MelWeights>> cache;
  const Key key{sample_rate, n_fft, mel.n_mels, mel.fmin, mel.fmax, mel.htk, mel.norm};
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto found = cache.find(key); found != cache.end()) return found->second;
  }
  // Computed outside the lock (bad parameters throw from here, leaving the cache untouched).
  auto weights = std::make_shared<const MelWeights>(compute_mel_weights(sample_rate, n_fft, mel));
  std::lock_guard<std::mutex> lock(mutex);
  return cache.emplace(key, std::move(weights)).first->second;
}

// One mel band over `columns` spectra: sums[c] += weights[k] * S[k][c] for the band's bins k in
// increasing order, zero weights skipped (each triangle covers only a few dozen of the
// 1 + n_fft/2 bins, ~20x less work than the dense product). The one definition of the mel sum,
// shared by the whole-spectrogram and the block-by-block projections, so both give the same
// values.
// weights: [n_bins] (one band's row), S: [n_bins][stride] (its first `columns` columns)
//   -> sums: [columns], accumulated in double
template <typename T>
inline __attribute__((always_inline)) void add_mel_band(const double* weights, int64_t first_bin,
                                                        int64_t end_bin, const T* spectrum,
                                                        int64_t stride, int64_t columns,
                                                        double* sums) {
  for (int64_t k = first_bin; k < end_bin; ++k) {
    const double w = weights[k];
    if (w == 0.0) continue;
    const T* row = spectrum + k * stride;
    for (int64_t c = 0; c < columns; ++c)
      sums[c] += w * static_cast<double>(row[c]);
  }
}

// mel[m, t] = sum_k weights[m, k] * S[k, t] (add_mel_band), rounded to T.
// S: [n_bins, frames] -> mel: [n_mels, frames]
template <typename T>
inline __attribute__((always_inline)) void mel_project_body(const MelWeights& mel,
                                                            const T* spectrogram, T* out,
                                                            int64_t n_mels, int64_t n_bins,
                                                            int64_t frames) {
  std::vector<double> row(static_cast<size_t>(frames));  // one output row, accumulated in double
  for (int64_t m = 0; m < n_mels; ++m) {
    std::fill(row.begin(), row.end(), 0.0);
    add_mel_band(mel.weights.data() + m * n_bins, mel.first_bin[m], mel.end_bin[m], spectrogram,
                 frames, frames, row.data());
    for (int64_t t = 0; t < frames; ++t)
      out[m * frames + t] = static_cast<T>(row[t]);
  }
}

// Compiled for AVX-512, AVX2 and baseline x86-64 (audio/target_clones.h): identical sums.
TIMBRE_AVX512_AVX2_CLONES void mel_project(const MelWeights& mel, const float* spectrogram,
                                           float* out, int64_t n_mels, int64_t n_bins,
                                           int64_t frames) {
  mel_project_body(mel, spectrogram, out, n_mels, n_bins, frames);
}
TIMBRE_AVX512_AVX2_CLONES void mel_project(const MelWeights& mel, const double* spectrogram,
                                           double* out, int64_t n_mels, int64_t n_bins,
                                           int64_t frames) {
  mel_project_body(mel, spectrogram, out, n_mels, n_bins, frames);
}

// The same sums for one block of 8 frames (see reduce_spectrogram_frames).
// block: [n_bins][8] -> reduced: [n_mels][8]
TIMBRE_AVX512_AVX2_CLONES void mel_project_block(const MelWeights& mel, int64_t n_mels,
                                                 int64_t n_bins, const double* block,
                                                 double* reduced) {
  for (int64_t m = 0; m < n_mels; ++m) {
    double sums[kFrameLanes] = {};  // one per frame, in registers
    add_mel_band(mel.weights.data() + m * n_bins, mel.first_bin[m], mel.end_bin[m], block,
                 kFrameLanes, kFrameLanes, sums);
    for (int64_t f = 0; f < kFrameLanes; ++f)
      reduced[m * kFrameLanes + f] = sums[f];
  }
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
  const std::shared_ptr<const MelWeights> weights = mel_weights(sample_rate, n_fft, mel);
  Tensor out = empty({mel.n_mels, frames}, {.dtype = s.dtype()});
  dispatch_floating(s.dtype(), "melspectrogram", [&]<typename T>() {
    mel_project(*weights, s.data_ptr<T>(), out.data_ptr<T>(), mel.n_mels, n_bins, frames);
  });
  return out;
}

// The same values as melspectrogram_from_spectrogram(spectrogram(y, stft, power)), bit for bit
// (for even n_fft, see below), but each block of 8 frames is projected onto the mel bands as
// soon as the STFT has it (while it is in cache): the [1 + n_fft/2, frames] spectrogram is never
// written out and read back. The filterbank is built for stft.n_fft, as librosa builds it; from
// a spectrogram alone n_fft can only be taken as 2 * (bins - 1), which differs for odd n_fft.
Tensor melspectrogram(const Tensor& y, double sample_rate, const StftOptions& stft,
                      const MelOptions& mel, double power) {
  const int64_t n_bins = 1 + stft.n_fft / 2;
  const std::shared_ptr<const MelWeights> weights = mel_weights(sample_rate, stft.n_fft, mel);
  return reduce_spectrogram_frames(
      y, stft, power, mel.n_mels, [&](const double* block, double* reduced) {
        mel_project_block(*weights, mel.n_mels, n_bins, block, reduced);
      });
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
