// audio/chroma.cpp - chroma from a power spectrogram; piptrack, pitch_tuning, estimate_tuning.
#include "audio/chroma.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "audio/filters.h"
#include "audio/projection.h"
#include "audio/target_clones.h"
#include "tensor/error.h"
#include "tensor/kernels.h"

namespace timbre::audio {

namespace {

void check_spectrogram(const Tensor& spectrogram, double sample_rate, const char* op) {
  TIMBRE_CHECK(spectrogram.defined() && spectrogram.dim() == 2 && spectrogram.size(0) >= 3, op,
               ": expected a 2-d spectrogram [1 + n_fft/2, frames] with at least 3 rows");
  TIMBRE_CHECK(spectrogram.device().is_cpu(), op, ": expected a CPU tensor");
  TIMBRE_CHECK(sample_rate > 0.0, op, ": sample_rate must be > 0, got ", sample_rate);
}

// is_peak[t] = 1 where `here` is a peak of its frame against its neighbours `below` and `above`
// among the kept values (those above the frame's floor; the others count as 0), else 0:
//   kept_here > kept_below && kept_here >= kept_above.
// Written without branches so that it vectorises: most cells are not peaks, and a branch per
// cell (mispredicted at every peak) made the search several times slower.
// below, here, above, floor: [frames] -> is_peak: [frames]
template <typename T>
inline __attribute__((always_inline)) void mark_peaks_body(const T* below, const T* here,
                                                           const T* above, const T* floor,
                                                           int64_t frames, uint8_t* is_peak) {
  for (int64_t t = 0; t < frames; ++t) {
    const T kept_below = below[t] > floor[t] ? below[t] : T(0);
    const T kept_here = here[t] > floor[t] ? here[t] : T(0);
    const T kept_above = above[t] > floor[t] ? above[t] : T(0);
    is_peak[t] = (kept_here > kept_below) & (kept_here >= kept_above);
  }
}
// Compiled for AVX2 and baseline x86-64 (audio/target_clones.h).
TIMBRE_AVX2_CLONES void mark_peaks(const float* below, const float* here, const float* above,
                                   const float* floor, int64_t frames, uint8_t* is_peak) {
  mark_peaks_body(below, here, above, floor, frames, is_peak);
}
TIMBRE_AVX2_CLONES void mark_peaks(const double* below, const double* here, const double* above,
                                   const double* floor, int64_t frames, uint8_t* is_peak) {
  mark_peaks_body(below, here, above, floor, frames, is_peak);
}

// The peak search of piptrack for one dtype T, with librosa's arithmetic: S, the thresholds, the
// slopes and the magnitudes in T; the parabola's a and b in double (numba promotes `2 * x` and
// `x / 2` for float32 x to float64); the pitch in double, rounded to T. Calls
// peak(k, t, pitch, magnitude) for every peak, bin by bin (row-major order). The loops run over
// bins outside and frames inside, reading S in memory order (see audio/spectral.cpp); every
// frame's values are the ones a column-by-column search computes.
// S: [n_bins, frames]
template <typename T, typename Peak>
void for_each_pitch_peak(const T* s, int64_t n_bins, int64_t frames, double sample_rate,
                         double fmin, double fmax, double threshold, const Peak& peak) {
  const int64_t n_fft = 2 * (n_bins - 1);
  const std::vector<double> frequency = fft_frequencies(sample_rate, n_fft);
  // floor[t] = threshold * max_k S[k, t]; values <= the floor count as 0 ("kept" values).
  std::vector<T> floor(s, s + frames);
  for (int64_t k = 1; k < n_bins; ++k) {
    const T* row = s + k * frames;
    for (int64_t t = 0; t < frames; ++t)
      floor[t] = std::max(floor[t], row[t]);
  }
  for (T& value : floor)
    value = static_cast<T>(threshold) * value;
  // is_peak: [frames], padded with zeros to whole groups of 8 (read 8 at a time below)
  std::vector<uint8_t> is_peak(static_cast<size_t>((frames + 7) / 8 * 8), 0);
  // Bins 0 and n_bins-1 are never peaks here: bin 0 compares with itself (edge padding), and
  // the shift there is defined as 0; the frequency range excludes them in practice anyway.
  for (int64_t k = 1; k < n_bins - 1; ++k) {
    if (!(frequency[k] >= fmin && frequency[k] < fmax)) continue;
    const T* below_row = s + (k - 1) * frames;
    const T* row = s + k * frames;
    const T* above_row = s + (k + 1) * frames;
    mark_peaks(below_row, row, above_row, floor.data(), frames, is_peak.data());
    for (int64_t t = 0; t < frames; ++t) {
      // Eight frames without a peak (the common case) are skipped with one test.
      if (t % 8 == 0) {
        uint64_t eight;
        std::memcpy(&eight, is_peak.data() + t, sizeof(eight));
        if (eight == 0) {
          t += 7;
          continue;
        }
      }
      if (!is_peak[t]) continue;
      const T below = below_row[t], here = row[t], above = above_row[t];
      const double a = static_cast<double>(static_cast<T>(above + below)) - 2.0 * here;
      const double b = static_cast<double>(static_cast<T>(above - below)) / 2.0;
      const T shift = std::fabs(b) >= std::fabs(a) ? T(0) : static_cast<T>(-b / a);
      const T slope = static_cast<T>((above - below) / T(2));  // numpy.gradient, in T
      const T skew = static_cast<T>(static_cast<T>(T(0.5) * slope) * shift);
      const T pitch = static_cast<T>((static_cast<double>(k) + static_cast<double>(shift)) *
                                     sample_rate / static_cast<double>(n_fft));
      peak(k, t, pitch, static_cast<T>(here + skew));
    }
  }
}

// piptrack's arrays: zero except at the peaks.
// S: [n_bins, frames] -> pitches, magnitudes: [n_bins, frames]
template <typename T>
void piptrack_kernel(const T* s, T* pitches, T* magnitudes, int64_t n_bins, int64_t frames,
                     double sample_rate, double fmin, double fmax, double threshold) {
  std::fill(pitches, pitches + n_bins * frames, T(0));
  std::fill(magnitudes, magnitudes + n_bins * frames, T(0));
  for_each_pitch_peak(s, n_bins, frames, sample_rate, fmin, fmax, threshold,
                      [&](int64_t k, int64_t t, T pitch, T magnitude) {
                        pitches[k * frames + t] = pitch;
                        magnitudes[k * frames + t] = magnitude;
                      });
}

// pitch_tuning for pitches of type T, computing the residuals in T as numpy does for a T array.
template <typename T>
double pitch_tuning_kernel(const std::vector<T>& frequencies, double resolution,
                           int64_t bins_per_octave) {
  TIMBRE_CHECK(resolution > 0.0 && resolution < 1.0, "pitch_tuning: resolution must lie in ",
               "(0, 1), got ", resolution);
  TIMBRE_CHECK(bins_per_octave >= 1, "pitch_tuning: bins_per_octave must be >= 1");
  // Histogram edges: numpy.linspace(-0.5, 0.5, ceil(1 / resolution) + 1).
  const int64_t n_edges = static_cast<int64_t>(std::ceil(1.0 / resolution)) + 1;
  std::vector<double> edges(static_cast<size_t>(n_edges));
  const double step = 1.0 / static_cast<double>(n_edges - 1);
  for (int64_t i = 0; i < n_edges; ++i)
    edges[i] = static_cast<double>(i) * step - 0.5;
  edges[n_edges - 1] = 0.5;

  std::vector<int64_t> counts(static_cast<size_t>(n_edges - 1), 0);
  bool any = false;
  for (const T f : frequencies) {
    if (!(f > T(0))) continue;
    any = true;
    // Octaves above A0 = 27.5 Hz, times bins per octave, modulo 1: the distance above the
    // nearest grid pitch below, in bins; >= 0.5 means closer to the grid pitch above.
    const T octaves = std::log2(static_cast<T>(f / static_cast<T>(27.5)));
    const T position = static_cast<T>(static_cast<T>(bins_per_octave) * octaves);
    T residual = std::fmod(position, T(1));
    if (residual < T(0)) residual += T(1);
    if (residual >= T(0.5)) residual -= T(1);
    // numpy.histogram: bin i holds edges[i] <= r < edges[i+1]; the last bin also holds 0.5.
    const double r = static_cast<double>(residual);
    if (r < edges[0] || r > edges[n_edges - 1]) continue;
    int64_t bin = std::upper_bound(edges.begin(), edges.end(), r) - edges.begin() - 1;
    bin = std::min<int64_t>(bin, n_edges - 2);
    ++counts[bin];
  }
  if (!any) return 0.0;
  const int64_t best = std::max_element(counts.begin(), counts.end()) - counts.begin();
  return edges[best];
}

// estimate_tuning for one dtype T.
template <typename T>
double estimate_tuning_kernel(const Tensor& s, double sample_rate, double resolution,
                              int64_t bins_per_octave) {
  const int64_t n_bins = s.size(0), frames = s.size(1);
  // The peaks of piptrack (pitch > 0), without its two mostly-zero [n_bins, frames] arrays: the
  // median and the histogram below do not depend on the order of the peaks.
  std::vector<T> peak_pitches, peak_magnitudes;
  for_each_pitch_peak(s.data_ptr<T>(), n_bins, frames, sample_rate, 150.0, 4000.0, 0.1,
                      [&](int64_t, int64_t, T pitch, T magnitude) {
                        if (!(pitch > T(0))) return;
                        peak_pitches.push_back(pitch);
                        peak_magnitudes.push_back(magnitude);
                      });
  // The median magnitude of the peaks; numpy averages the two middle values in T.
  T median = 0;
  if (!peak_magnitudes.empty()) {
    std::vector<T> sorted = peak_magnitudes;
    std::sort(sorted.begin(), sorted.end());
    const size_t n = sorted.size();
    median = n % 2 == 1 ? sorted[n / 2]
                        : static_cast<T>(static_cast<T>(sorted[n / 2 - 1] + sorted[n / 2]) / T(2));
  }
  std::vector<T> strong;  // pitches of the peaks at least as loud as the median
  for (size_t i = 0; i < peak_pitches.size(); ++i) {
    if (peak_magnitudes[i] >= median) strong.push_back(peak_pitches[i]);
  }
  return pitch_tuning_kernel<T>(strong, resolution, bins_per_octave);
}

}  // namespace

PitchTrack piptrack(const Tensor& spectrogram, double sample_rate, double fmin, double fmax,
                    double threshold) {
  check_spectrogram(spectrogram, sample_rate, "piptrack");
  fmin = std::max(fmin, 0.0);
  fmax = std::min(fmax, sample_rate / 2.0);
  TIMBRE_CHECK(fmin < fmax, "piptrack: need fmin < fmax, got ", fmin, " and ", fmax);
  const Tensor s = kernels::contiguous(spectrogram);
  const int64_t n_bins = s.size(0), frames = s.size(1);
  PitchTrack track{empty({n_bins, frames}, {.dtype = s.dtype()}),
                   empty({n_bins, frames}, {.dtype = s.dtype()})};
  dispatch_floating(s.dtype(), "piptrack", [&]<typename T>() {
    piptrack_kernel<T>(s.data_ptr<T>(), track.pitches.data_ptr<T>(), track.magnitudes.data_ptr<T>(),
                       n_bins, frames, sample_rate, fmin, fmax, threshold);
  });
  return track;
}

double pitch_tuning(const std::vector<double>& frequencies, double resolution,
                    int64_t bins_per_octave) {
  return pitch_tuning_kernel<double>(frequencies, resolution, bins_per_octave);
}

double pitch_tuning(const std::vector<float>& frequencies, double resolution,
                    int64_t bins_per_octave) {
  return pitch_tuning_kernel<float>(frequencies, resolution, bins_per_octave);
}

double estimate_tuning_from_spectrogram(const Tensor& spectrogram, double sample_rate,
                                        double resolution, int64_t bins_per_octave) {
  check_spectrogram(spectrogram, sample_rate, "estimate_tuning");
  const Tensor s = kernels::contiguous(spectrogram);
  return dispatch_floating(s.dtype(), "estimate_tuning", [&]<typename T>() {
    return estimate_tuning_kernel<T>(s, sample_rate, resolution, bins_per_octave);
  });
}

double estimate_tuning(const Tensor& y, double sample_rate, const StftOptions& stft,
                       double resolution, int64_t bins_per_octave) {
  return estimate_tuning_from_spectrogram(spectrogram(y, stft, 1.0), sample_rate, resolution,
                                          bins_per_octave);
}

Tensor chroma_stft_from_spectrogram(const Tensor& power_spectrogram, double sample_rate,
                                    std::optional<double> tuning, int64_t n_chroma,
                                    std::optional<double> norm) {
  check_spectrogram(power_spectrogram, sample_rate, "chroma_stft");
  TIMBRE_CHECK(n_chroma >= 1, "chroma_stft: n_chroma must be >= 1, got ", n_chroma);
  TIMBRE_CHECK(!norm.has_value() || *norm > 0.0, "chroma_stft: norm must be > 0 (or infinity, ",
               "or none), got ", norm.value_or(0.0));
  const Tensor s = kernels::contiguous(power_spectrogram);
  const int64_t n_bins = s.size(0), frames = s.size(1);
  const double used_tuning = tuning.has_value()
                                 ? *tuning
                                 : estimate_tuning_from_spectrogram(s, sample_rate, 0.01, n_chroma);
  // librosa.filters.chroma's default dtype float32 is used even for float64 audio.
  const std::vector<double> weights =
      chroma_filterbank(sample_rate, 2 * (n_bins - 1), n_chroma, used_tuning, kFloat32)
          .to_vector<double>();  // [n_chroma, n_bins]
  Tensor out = empty({n_chroma, frames}, {.dtype = s.dtype()});
  dispatch_floating(s.dtype(), "chroma_stft", [&]<typename T>() {
    const T* data = s.data_ptr<T>();
    T* result = out.data_ptr<T>();
    // raw[c, t] = sum_k weights[c, k] S[k, t]   [n_chroma, n_bins] @ [n_bins, frames], summed in
    // double and rounded to T (librosa's einsum result is in T).
    std::vector<T> raw_t(static_cast<size_t>(n_chroma * frames));
    project_columns<T>(weights, data, n_chroma, n_bins, frames, raw_t.data());
    // librosa.util.normalize then takes each frame's length in double (the largest |entry| for
    // norm = inf, else (sum |entry|^p)^(1/p)), divides, and stores the quotient in T. Frames
    // shorter than T's smallest normal number stay as they are.
    for (int64_t t = 0; t < frames; ++t) {
      double length = 1.0;
      if (norm.has_value() && std::isinf(*norm)) {
        length = 0.0;
        for (int64_t c = 0; c < n_chroma; ++c) {
          length = std::max(length, std::fabs(static_cast<double>(raw_t[c * frames + t])));
        }
      } else if (norm.has_value()) {
        double sum = 0.0;
        for (int64_t c = 0; c < n_chroma; ++c) {
          sum += std::pow(std::fabs(static_cast<double>(raw_t[c * frames + t])), *norm);
        }
        length = std::pow(sum, 1.0 / *norm);
      }
      if (length < static_cast<double>(std::numeric_limits<T>::min())) length = 1.0;
      for (int64_t c = 0; c < n_chroma; ++c) {
        result[c * frames + t] =
            static_cast<T>(static_cast<double>(raw_t[c * frames + t]) / length);
      }
    }
  });
  return out;
}

Tensor chroma_stft(const Tensor& y, double sample_rate, const StftOptions& stft,
                   std::optional<double> tuning, int64_t n_chroma, std::optional<double> norm) {
  return chroma_stft_from_spectrogram(spectrogram(y, stft, 2.0), sample_rate, tuning, n_chroma,
                                      norm);
}

}  // namespace timbre::audio
