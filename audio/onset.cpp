// audio/onset.cpp - onset strength envelope (librosa 0.10.1 onset.onset_strength).
#include "audio/onset.h"

#include <algorithm>
#include <vector>

#include "audio/db.h"
#include "audio/mel.h"
#include "tensor/error.h"
#include "tensor/factories.h"
#include "tensor/kernels.h"

namespace timbre::audio {

namespace {

// The aggregated spectral flux, computed in the spectrogram's dtype T step by step as numpy does
// for a T array (so float32 results round like librosa's):
//   flux[f, t] = max(0, S[f, t + lag] - S[f, t])          t = 0 .. frames - lag - 1
//   mean:   (((flux[0, t] + flux[1, t]) + flux[2, t]) + ...) / bands   (numpy reduces the
//           non-contiguous band axis row by row, in T)
//   median: the middle value; for an even count T(a + b) / 2 of the two middle values.
// S: [bands, frames] -> aggregated: [frames - lag]
template <typename T>
std::vector<T> aggregated_flux(const T* S, int64_t bands, int64_t frames, int64_t lag,
                               OnsetAggregate aggregate) {
  const int64_t count = std::max<int64_t>(frames - lag, 0);
  std::vector<T> aggregated(static_cast<size_t>(count));
  std::vector<T> column(static_cast<size_t>(bands));
  for (int64_t t = 0; t < count; ++t) {
    for (int64_t f = 0; f < bands; ++f) {
      const T rise = S[f * frames + t + lag] - S[f * frames + t];
      column[f] = std::max(T(0), rise);
    }
    if (aggregate == OnsetAggregate::Mean) {
      T sum = T(0);
      for (int64_t f = 0; f < bands; ++f)
        sum += column[f];
      aggregated[t] = sum / static_cast<T>(bands);
    } else {
      // nth_element puts the value of rank `half` in place and the smaller ones before it.
      const int64_t half = bands / 2;
      std::nth_element(column.begin(), column.begin() + half, column.end());
      const T upper = column[half];
      if (bands % 2 == 1) {
        aggregated[t] = upper;
      } else {
        const T lower = *std::max_element(column.begin(), column.begin() + half);
        aggregated[t] = static_cast<T>(lower + upper) / T(2);
      }
    }
  }
  return aggregated;
}

}  // namespace

Tensor onset_strength_from_db(const Tensor& log_spectrogram, const OnsetOptions& options) {
  TIMBRE_CHECK(
      log_spectrogram.defined() && log_spectrogram.dim() == 2 && log_spectrogram.size(0) >= 1,
      "onset_strength: expected a 2-d spectrogram [bands, frames]");
  TIMBRE_CHECK(log_spectrogram.device().is_cpu(), "onset_strength: expected a CPU tensor");
  TIMBRE_CHECK(options.lag >= 1, "onset_strength: lag must be >= 1, got ", options.lag);
  TIMBRE_CHECK(options.stft.hop_length >= 1, "onset_strength: hop_length must be >= 1");
  const Tensor S = kernels::contiguous(log_spectrogram);
  const int64_t bands = S.size(0), frames = S.size(1);
  // An onset found between frames t and t + lag is reported at frame t + lag, and with center
  // a further n_fft / (2 hop) frames later (librosa's "counter-act framing effects" shift).
  const int64_t delay =
      options.lag + (options.stft.center ? options.stft.n_fft / (2 * options.stft.hop_length) : 0);
  return dispatch_floating(S.dtype(), "onset_strength", [&]<typename T>() {
    const std::vector<T> aggregated =
        aggregated_flux<T>(S.data_ptr<T>(), bands, frames, options.lag, options.aggregate);
    const int64_t count = static_cast<int64_t>(aggregated.size());
    // [delay zeros | aggregated], cut to `frames` values with center.
    const int64_t length = options.stft.center ? frames : count + delay;
    Tensor envelope = zeros({length}, {.dtype = dtype_of<T>()});
    T* out = envelope.data_ptr<T>();
    for (int64_t t = delay; t < length; ++t)
      out[t] = aggregated[t - delay];
    return envelope;
  });
}

Tensor onset_strength(const Tensor& y, double sample_rate, const OnsetOptions& options) {
  TIMBRE_CHECK(sample_rate > 0.0, "onset_strength: sample_rate must be > 0, got ", sample_rate);
  TIMBRE_CHECK(options.n_mels >= 1, "onset_strength: n_mels must be >= 1");
  // librosa: S = power_to_db(|melspectrogram(y, fmax = sr/2)|) with ref 1, amin 1e-10, 80 dB.
  const Tensor mel =
      melspectrogram(y, sample_rate, options.stft, {.n_mels = options.n_mels}, /*power=*/2.0);
  return onset_strength_from_db(power_to_db(mel), options);
}

}  // namespace timbre::audio
