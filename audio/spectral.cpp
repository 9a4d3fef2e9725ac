// audio/spectral.cpp - spectral centroid, bandwidth, roll-off and contrast; zero-crossing rate and
// RMS energy (librosa 0.10.1).
#include "audio/spectral.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "audio/db.h"
#include "audio/filters.h"
#include "audio/padding_index.h"
#include "audio/target_clones.h"
#include "tensor/error.h"
#include "tensor/factories.h"
#include "tensor/kernels.h"

namespace timbre::audio {

namespace {

void check_magnitude_spectrogram(const Tensor& spectrogram, double sample_rate, const char* op) {
  TIMBRE_CHECK(spectrogram.defined() && spectrogram.dim() == 2 && spectrogram.size(0) >= 2, op,
               ": expected a 2-d spectrogram [1 + n_fft/2, frames]");
  TIMBRE_CHECK(spectrogram.device().is_cpu(), op, ": expected a CPU tensor");
  TIMBRE_CHECK(sample_rate > 0.0, op, ": sample_rate must be > 0, got ", sample_rate);
}

void check_signal(const Tensor& y, const char* op) {
  TIMBRE_CHECK(y.defined() && y.dim() == 1 && y.numel() >= 1, op,
               ": expected a non-empty 1-d signal [samples]");
  TIMBRE_CHECK(y.device().is_cpu(), op, ": expected a CPU tensor");
}

// The centre frequencies of the rows of a spectrogram with n_bins = 1 + n_fft/2 rows.
std::vector<double> bin_frequencies(double sample_rate, int64_t n_bins) {
  return fft_frequencies(sample_rate, 2 * (n_bins - 1));
}

// The per-frame features below are sums over the bins of each frame. numpy reduces a
// [bins, frames] array along axis 0 row by row (each frame's sum runs over k in order), and so do
// these kernels: the loops run over rows k outside and frames t inside, which reads S in memory
// order and keeps many independent sums in flight (one per frame), where summing one column at
// a time would wait on every addition in turn and touch a new cache line per bin. Each frame's
// sum still adds the same values in the same order.

// The L1 length of each frame as librosa.util.normalize(S, norm=1, axis=0) computes it, in
// double; a silent frame (length below the smallest normal number of T) gets 1 (left as it is).
// S: [n_bins, frames] -> length: [frames]
template <typename T>
std::vector<double> l1_lengths(const T* s, int64_t n_bins, int64_t frames) {
  std::vector<double> length(static_cast<size_t>(frames), 0.0);
  for (int64_t k = 0; k < n_bins; ++k) {
    const T* row = s + k * frames;
    for (int64_t t = 0; t < frames; ++t)
      length[t] += std::fabs(static_cast<double>(row[t]));
  }
  for (double& value : length) {
    if (value < static_cast<double>(std::numeric_limits<T>::min())) value = 1.0;
  }
  return length;
}

// The normalised S[k, t] as librosa has it: the quotient rounded back to S's dtype T (numpy
// writes it into an array like S), read as double.
template <typename T>
inline double l1_normalized(T value, double length) {
  return static_cast<double>(static_cast<T>(static_cast<double>(value) / length));
}

// centroid[t] = sum_k f_k s[k, t] with s = S normalised to sum 1 per frame.
// S: [n_bins, frames], length: [frames] (l1_lengths of S) -> centroid: [frames] (double)
template <typename T>
std::vector<double> centroid_kernel(const T* s, const std::vector<double>& frequency,
                                    const std::vector<double>& length, int64_t n_bins,
                                    int64_t frames) {
  std::vector<double> centroid(static_cast<size_t>(frames), 0.0);
  for (int64_t k = 0; k < n_bins; ++k) {
    const T* row = s + k * frames;
    for (int64_t t = 0; t < frames; ++t)
      centroid[t] += frequency[k] * l1_normalized(row[t], length[t]);
  }
  return centroid;
}

// Tensor [1, frames] float64 holding `values`.
Tensor row_tensor(const std::vector<double>& values) {
  return from_vector(values, {1, static_cast<int64_t>(values.size())}, {.dtype = kFloat64});
}

// The frames of a signal as librosa.util.frame sees them after the optional centre padding:
// frame t covers padded samples t*hop .. t*hop + frame_length - 1, where padded sample i is
// y[i - pad] inside the signal and, beyond its ends, zero, a copy of the end sample or a mirror
// image (edge_index below, numpy_reflect_index of audio/padding_index.h) depending on the feature.
struct Framing {
  int64_t pad = 0;     // samples added before the signal (frame_length/2 with center, else 0)
  int64_t frames = 0;  // number of frames
};

Framing frame_layout(int64_t samples, int64_t frame_length, int64_t hop_length, bool center,
                     const char* op) {
  TIMBRE_CHECK(frame_length >= 1 && hop_length >= 1, op, ": need frame_length >= 1 and ",
               "hop_length >= 1, got ", frame_length, " and ", hop_length);
  Framing framing;
  framing.pad = center ? frame_length / 2 : 0;
  const int64_t padded = samples + 2 * framing.pad;
  TIMBRE_CHECK(padded >= frame_length, op, ": the signal (", samples, " samples) is shorter than ",
               "one frame (", frame_length, ")");
  framing.frames = 1 + (padded - frame_length) / hop_length;
  return framing;
}

// Index into y of padded position i (i may lie before 0 or past the end) under numpy.pad's
// 'edge', which repeats the end samples: [a b c] -> [a a | a b c | c c].
int64_t edge_index(int64_t i, int64_t samples) {
  return std::clamp<int64_t>(i, 0, samples - 1);
}

}  // namespace

// ---- Centroid -------------------------------------------------------------------------------

Tensor spectral_centroid_from_spectrogram(const Tensor& spectrogram, double sample_rate) {
  check_magnitude_spectrogram(spectrogram, sample_rate, "spectral_centroid");
  const Tensor s = kernels::contiguous(spectrogram);
  const int64_t n_bins = s.size(0), frames = s.size(1);
  const std::vector<double> frequency = bin_frequencies(sample_rate, n_bins);
  return dispatch_floating(s.dtype(), "spectral_centroid", [&]<typename T>() {
    const T* data = s.data_ptr<T>();
    return row_tensor(
        centroid_kernel<T>(data, frequency, l1_lengths(data, n_bins, frames), n_bins, frames));
  });
}

Tensor spectral_centroid(const Tensor& y, double sample_rate, const StftOptions& stft) {
  return spectral_centroid_from_spectrogram(spectrogram(y, stft, 1.0), sample_rate);
}

// ---- Bandwidth ------------------------------------------------------------------------------

Tensor spectral_bandwidth_from_spectrogram(const Tensor& spectrogram, double sample_rate, double p,
                                           bool norm) {
  check_magnitude_spectrogram(spectrogram, sample_rate, "spectral_bandwidth");
  TIMBRE_CHECK(p > 0.0, "spectral_bandwidth: p must be > 0, got ", p);
  const Tensor s = kernels::contiguous(spectrogram);
  const int64_t n_bins = s.size(0), frames = s.size(1);
  const std::vector<double> frequency = bin_frequencies(sample_rate, n_bins);
  return dispatch_floating(s.dtype(), "spectral_bandwidth", [&]<typename T>() {
    const T* data = s.data_ptr<T>();
    // S: [n_bins, frames] -> centroid, bandwidth: [frames]
    // The centroid always uses S normalised per frame; the sum below too when norm is set.
    const std::vector<double> length = l1_lengths(data, n_bins, frames);
    const std::vector<double> centroid =
        centroid_kernel<T>(data, frequency, length, n_bins, frames);
    // sum_k s[k, t] |f_k - centroid[t]|^p, s = S normalised per frame (or S itself)
    std::vector<double> sum(static_cast<size_t>(frames), 0.0);
    for (int64_t k = 0; k < n_bins; ++k) {
      const T* row = data + k * frames;
      for (int64_t t = 0; t < frames; ++t) {
        const double weight = norm ? l1_normalized(row[t], length[t]) : static_cast<double>(row[t]);
        const double deviation = std::fabs(centroid[t] - frequency[k]);
        sum[t] += weight * (p == 2.0 ? deviation * deviation : std::pow(deviation, p));
      }
    }
    std::vector<double> bandwidth(static_cast<size_t>(frames));
    for (int64_t t = 0; t < frames; ++t)
      bandwidth[t] = p == 2.0 ? std::sqrt(sum[t]) : std::pow(sum[t], 1.0 / p);
    return row_tensor(bandwidth);
  });
}

Tensor spectral_bandwidth(const Tensor& y, double sample_rate, const StftOptions& stft, double p,
                          bool norm) {
  return spectral_bandwidth_from_spectrogram(spectrogram(y, stft, 1.0), sample_rate, p, norm);
}

// ---- Roll-off -------------------------------------------------------------------------------

Tensor spectral_rolloff_from_spectrogram(const Tensor& spectrogram, double sample_rate,
                                         double roll_percent) {
  check_magnitude_spectrogram(spectrogram, sample_rate, "spectral_rolloff");
  TIMBRE_CHECK(roll_percent > 0.0 && roll_percent < 1.0, "spectral_rolloff: roll_percent must ",
               "lie in (0, 1), got ", roll_percent);
  const Tensor s = kernels::contiguous(spectrogram);
  const int64_t n_bins = s.size(0), frames = s.size(1);
  const std::vector<double> frequency = bin_frequencies(sample_rate, n_bins);
  return dispatch_floating(s.dtype(), "spectral_rolloff", [&]<typename T>() {
    const T* data = s.data_ptr<T>();
    // S: [n_bins, frames] -> rolloff: [frames]
    // Two passes over S in memory order: each frame's total (the last running sum), then the
    // running sums again, the same additions in the same order, noting the first bin whose sum
    // reaches roll_percent of the total (numpy multiplies the T array by the Python float in T).
    std::vector<T> running(static_cast<size_t>(frames), T(0));  // in T, like numpy's cumsum
    for (int64_t k = 0; k < n_bins; ++k) {
      const T* row = data + k * frames;
      for (int64_t t = 0; t < frames; ++t)
        running[t] += row[t];
    }
    std::vector<T> threshold(static_cast<size_t>(frames));
    for (int64_t t = 0; t < frames; ++t)
      threshold[t] = static_cast<T>(roll_percent) * running[t];
    std::fill(running.begin(), running.end(), T(0));
    std::vector<int64_t> first(static_cast<size_t>(frames), n_bins - 1);  // the last bin if none
    for (int64_t k = 0; k < n_bins - 1; ++k) {
      const T* row = data + k * frames;
      for (int64_t t = 0; t < frames; ++t) {
        running[t] += row[t];
        if (first[t] == n_bins - 1 && !(running[t] < threshold[t])) first[t] = k;
      }
    }
    std::vector<double> rolloff(static_cast<size_t>(frames));
    for (int64_t t = 0; t < frames; ++t)
      rolloff[t] = frequency[first[t]];
    return row_tensor(rolloff);
  });
}

Tensor spectral_rolloff(const Tensor& y, double sample_rate, const StftOptions& stft,
                        double roll_percent) {
  return spectral_rolloff_from_spectrogram(spectrogram(y, stft, 1.0), sample_rate, roll_percent);
}

// ---- Contrast -------------------------------------------------------------------------------

namespace {

// Rows of a band into spectral_contrast's lists (see there): for each of `width` frames, each
// row's value enters the ascending list of the q smallest values (the largest drops out) and
// that of the q largest (the smallest drops out), by min and max only, rank by rank:
//   lowest'[r] = min(lowest[r], max(lowest[r-1], v))     (lowest[-1] = -infinity)
//   highest'[r] = max(highest[r], min(highest[r+1], v))  (highest[q] = +infinity)
// kRows rows go in at once, one after another, so that each rank is loaded and stored once per
// kRows values instead of once per value: walking the ranks from the end a new value can enter
// at (rank 0 for lowest), a register keeps each rank's value before each of the kRows
// insertions, which is what the next rank's formula reads.
// rows[i]: [width] -> lowest, highest: [q][stride] (rank r of frame t at r * stride + t)
template <int kRows, typename V, typename T>
inline __attribute__((always_inline)) void insert_rows(const T* const* rows, int64_t t, int64_t q,
                                                       int64_t stride, T* lowest, T* highest) {
  // V as it sits in memory: aligned only to T (a plain load or store, never split in halves).
  typedef V Unaligned __attribute__((aligned(alignof(T))));
  static_assert(alignof(Unaligned) == alignof(T));
  const auto at = [](T* address) -> Unaligned& { return *reinterpret_cast<Unaligned*>(address); };
  V value[kRows];
  for (int i = 0; i < kRows; ++i)
    value[i] = *reinterpret_cast<const Unaligned*>(rows[i] + t);
  // before[i]: rank r-1 (lowest) or r+1 (highest) before insertion i; past the end of the list
  // it is -infinity (lowest) or +infinity (highest), so that v enters there as itself.
  const T infinity = std::numeric_limits<T>::infinity();
  V before[kRows];
  for (int i = 0; i < kRows; ++i)
    before[i] = V{} - infinity;  // in every lane
  for (int64_t r = 0; r < q; ++r) {
    V rank = at(lowest + r * stride + t);
    for (int i = 0; i < kRows; ++i) {
      const V entering = before[i] > value[i] ? before[i] : value[i];
      before[i] = rank;
      rank = rank < entering ? rank : entering;
    }
    at(lowest + r * stride + t) = rank;
  }
  for (int i = 0; i < kRows; ++i)
    before[i] = V{} + infinity;
  for (int64_t r = q - 1; r >= 0; --r) {
    V rank = at(highest + r * stride + t);
    for (int i = 0; i < kRows; ++i) {
      const V entering = before[i] < value[i] ? before[i] : value[i];
      before[i] = rank;
      rank = rank > entering ? rank : entering;
    }
    at(highest + r * stride + t) = rank;
  }
}

// insert_rows for all `width` frames: vectors of 32 bytes (8 floats or 4 doubles, one AVX2
// register; two SSE registers on baseline x86-64), then one frame at a time.
template <int kRows, typename T>
inline __attribute__((always_inline)) void keep_extremes_body(const T* const* rows, int64_t width,
                                                              int64_t q, int64_t stride, T* lowest,
                                                              T* highest) {
  typedef T Vector __attribute__((vector_size(32)));
  constexpr int64_t kLanes = 32 / sizeof(T);
  int64_t t = 0;
  for (; t + kLanes <= width; t += kLanes)
    insert_rows<kRows, Vector>(rows, t, q, stride, lowest, highest);
  for (; t < width; ++t)
    insert_rows<kRows, T>(rows, t, q, stride, lowest, highest);
}

// keep_extremes_body for count <= kExtremeRows rows (fewer at the end of a band).
constexpr int kExtremeRows = 4;
template <typename T>
inline __attribute__((always_inline)) void keep_extremes_any(const T* const* rows, int count,
                                                             int64_t width, int64_t q,
                                                             int64_t stride, T* lowest,
                                                             T* highest) {
  static_assert(kExtremeRows == 4, "keep_extremes_any has one case per row count");
  switch (count) {
    case 4:
      return keep_extremes_body<4>(rows, width, q, stride, lowest, highest);
    case 3:
      return keep_extremes_body<3>(rows, width, q, stride, lowest, highest);
    case 2:
      return keep_extremes_body<2>(rows, width, q, stride, lowest, highest);
    case 1:
      return keep_extremes_body<1>(rows, width, q, stride, lowest, highest);
    default:
      TIMBRE_CHECK(false, "spectral_contrast: internal error, ", count, " rows at once");
  }
}
// Compiled for AVX2 and baseline x86-64 (audio/target_clones.h): min and max only, identical.
TIMBRE_AVX2_CLONES void keep_extremes(const float* const* rows, int count, int64_t width, int64_t q,
                                      int64_t stride, float* lowest, float* highest) {
  keep_extremes_any(rows, count, width, q, stride, lowest, highest);
}
TIMBRE_AVX2_CLONES void keep_extremes(const double* const* rows, int count, int64_t width,
                                      int64_t q, int64_t stride, double* lowest, double* highest) {
  keep_extremes_any(rows, count, width, q, stride, lowest, highest);
}

}  // namespace

Tensor spectral_contrast_from_spectrogram(const Tensor& spectrogram, double sample_rate,
                                          double fmin, int64_t n_bands, double quantile,
                                          bool linear) {
  check_magnitude_spectrogram(spectrogram, sample_rate, "spectral_contrast");
  TIMBRE_CHECK(fmin > 0.0, "spectral_contrast: fmin must be > 0, got ", fmin);
  TIMBRE_CHECK(n_bands >= 1, "spectral_contrast: n_bands must be >= 1, got ", n_bands);
  TIMBRE_CHECK(quantile > 0.0 && quantile < 1.0, "spectral_contrast: quantile must lie in ",
               "(0, 1), got ", quantile);
  // Band edges: 0, fmin, 2 fmin, ..., 2^n_bands fmin.
  std::vector<double> edges(static_cast<size_t>(n_bands + 2), 0.0);
  for (int64_t i = 1; i < n_bands + 2; ++i)
    edges[i] = fmin * std::pow(2.0, static_cast<double>(i - 1));
  TIMBRE_CHECK(edges[n_bands] < 0.5 * sample_rate, "spectral_contrast: band edge ", edges[n_bands],
               " Hz exceeds Nyquist; reduce fmin or n_bands");

  const Tensor s = kernels::contiguous(spectrogram);
  const int64_t n_bins = s.size(0), frames = s.size(1);
  const std::vector<double> frequency = bin_frequencies(sample_rate, n_bins);
  const int64_t n_rows = n_bands + 1;
  // peak, valley: [n_bands + 1, frames] float64
  Tensor peak = empty({n_rows, frames}, {.dtype = kFloat64});
  Tensor valley = empty({n_rows, frames}, {.dtype = kFloat64});

  // S: [n_bins, frames] -> peak, valley: [n_bands + 1, frames]
  dispatch_floating(s.dtype(), "spectral_contrast", [&]<typename T>() {
    const T* data = s.data_ptr<T>();
    double* peak_data = peak.data_ptr<double>();
    double* valley_data = valley.data_ptr<double>();
    for (int64_t band = 0; band < n_rows; ++band) {
      // Bins with low <= f <= high ...
      int64_t first = -1, last = -1;
      for (int64_t k = 0; k < n_bins; ++k) {
        if (frequency[k] >= edges[band] && frequency[k] <= edges[band + 1]) {
          if (first < 0) first = k;
          last = k;
        }
      }
      TIMBRE_CHECK(first >= 0, "spectral_contrast: band ", band, " holds no frequency bin");
      // ... plus the bin just below (bands after the first), plus everything above (last band).
      if (band > 0) first -= 1;
      if (band == n_bands) last = n_bins - 1;
      const int64_t members = last - first + 1;  // librosa's count, before the drop below
      // Every band but the last drops its top bin (it is the next band's extra bottom bin).
      const int64_t used = band < n_bands ? members - 1 : members;
      const int64_t q = std::max<int64_t>(
          1, static_cast<int64_t>(std::nearbyint(quantile * static_cast<double>(members))));
      // librosa sorts each frame's band and averages its q lowest and q highest values. Only
      // those 2q values matter (q is about 2% of the band), so instead of sorting we keep, per
      // frame, the q smallest and the q largest values seen so far in two sorted lists, walking
      // the band's rows in memory order (each row of S is contiguous over frames), each value
      // inserted by min and max only (keep_extremes). The lists are stored rank by rank
      // ([q][kChunk]) for chunks of kChunk frames, so that they stay in L1; keep_extremes walks
      // every rank for one vector of neighbouring frames at a time, inserting four rows at once.
      // The lists end up holding exactly the sorted prefix and suffix a full sort would give, so
      // the sums below add the same values in the same order.
      constexpr int64_t kChunk = 256;
      const T infinity = std::numeric_limits<T>::infinity();
      std::vector<T> lowest(static_cast<size_t>(q * kChunk)), highest(lowest.size());
      for (int64_t t0 = 0; t0 < frames; t0 += kChunk) {
        const int64_t width = std::min(kChunk, frames - t0);
        std::fill(lowest.begin(), lowest.end(), infinity);
        std::fill(highest.begin(), highest.end(), -infinity);
        for (int64_t i = 0; i < used; i += kExtremeRows) {
          const int count = static_cast<int>(std::min<int64_t>(kExtremeRows, used - i));
          const T* rows[kExtremeRows];
          for (int j = 0; j < count; ++j)
            rows[j] = data + (first + i + j) * frames + t0;
          keep_extremes(rows, count, width, q, kChunk, lowest.data(), highest.data());
        }
        for (int64_t t = 0; t < width; ++t) {
          // Means in T, summed in order, as numpy's mean of a T array along a strided axis.
          T low_sum = 0, high_sum = 0;
          for (int64_t r = 0; r < q; ++r) {
            low_sum += lowest[r * kChunk + t];
            high_sum += highest[r * kChunk + t];
          }
          valley_data[band * frames + t0 + t] = static_cast<double>(low_sum / static_cast<T>(q));
          peak_data[band * frames + t0 + t] = static_cast<double>(high_sum / static_cast<T>(q));
        }
      }
    }
  });
  // contrast = peak - valley, in dB unless linear; each dB conversion floors at 80 dB below the
  // loudest cell of its own array (peak or valley) over the whole clip, as librosa's defaults do.
  const Tensor high = linear ? peak : kernels::contiguous(power_to_db(peak, 1.0, 1e-10, 80.0));
  const Tensor low = linear ? valley : kernels::contiguous(power_to_db(valley, 1.0, 1e-10, 80.0));
  Tensor contrast = empty({n_rows, frames}, {.dtype = kFloat64});
  const double* high_data = high.data_ptr<double>();
  const double* low_data = low.data_ptr<double>();
  double* contrast_data = contrast.data_ptr<double>();
  for (int64_t i = 0; i < n_rows * frames; ++i)
    contrast_data[i] = high_data[i] - low_data[i];
  return contrast;
}

Tensor spectral_contrast(const Tensor& y, double sample_rate, const StftOptions& stft, double fmin,
                         int64_t n_bands, double quantile, bool linear) {
  return spectral_contrast_from_spectrogram(spectrogram(y, stft, 1.0), sample_rate, fmin, n_bands,
                                            quantile, linear);
}

// ---- Zero-crossing rate ---------------------------------------------------------------------

Tensor zero_crossing_rate(const Tensor& y, int64_t frame_length, int64_t hop_length, bool center) {
  check_signal(y, "zero_crossing_rate");
  const Tensor x = kernels::contiguous(y);
  const int64_t samples = x.numel();
  const Framing framing =
      frame_layout(samples, frame_length, hop_length, center, "zero_crossing_rate");
  return dispatch_floating(x.dtype(), "zero_crossing_rate", [&]<typename T>() {
    const T* data = x.data_ptr<T>();
    // is_negative for padded position i: the sign bit after |x| <= 1e-10 is set to +0.
    auto is_negative = [&](int64_t padded_index) {
      const double v = static_cast<double>(data[edge_index(padded_index - framing.pad, samples)]);
      return std::fabs(v) > 1e-10 && std::signbit(v);
    };
    // A frame counts the sign changes between its neighbouring samples (not one into its first
    // sample: librosa's zero_crossings(pad=False)). Counted once for the whole padded signal:
    //   before[i] = number of changes between positions j - 1 and j for 1 <= j < i,
    // so frame t, positions start .. start + frame_length - 1, has
    //   before[start + frame_length] - before[start + 1] changes (exact integers).
    const int64_t padded = samples + 2 * framing.pad;
    std::vector<int64_t> before(static_cast<size_t>(padded + 1), 0);
    bool previous = is_negative(0);
    for (int64_t i = 1; i < padded; ++i) {
      const bool current = is_negative(i);
      before[i + 1] = before[i] + (current != previous ? 1 : 0);
      previous = current;
    }
    // padded y -> rate: [frames]
    std::vector<double> rate(static_cast<size_t>(framing.frames));
    for (int64_t t = 0; t < framing.frames; ++t) {
      const int64_t start = t * hop_length;
      const int64_t crossings = before[start + frame_length] - before[start + 1];
      rate[t] = static_cast<double>(crossings) / static_cast<double>(frame_length);
    }
    return row_tensor(rate);
  });
}

// ---- RMS ------------------------------------------------------------------------------------

Tensor rms(const Tensor& y, int64_t frame_length, int64_t hop_length, bool center, PadMode pad_mode,
           DType dtype) {
  check_signal(y, "rms");
  TIMBRE_CHECK(is_floating(dtype), "rms: dtype must be float32 or float64");
  const Tensor x = kernels::contiguous(y);
  const int64_t samples = x.numel();
  const Framing framing = frame_layout(samples, frame_length, hop_length, center, "rms");
  TIMBRE_CHECK(!center || pad_mode != PadMode::Reflect || samples > framing.pad, "rms: reflect ",
               "padding of ", framing.pad, " needs more than that many samples, got ", samples);
  Tensor out = empty({1, framing.frames}, {.dtype = dtype});
  dispatch_floating(x.dtype(), "rms", [&]<typename T>() {
    const T* data = x.data_ptr<T>();
    // The squares of the padded signal, in double: zero outside the signal (Constant) or its
    // mirror image (Reflect). padded y -> squares: [samples + 2 pad]
    const int64_t padded = samples + 2 * framing.pad;
    std::vector<double> squares(static_cast<size_t>(padded));
    for (int64_t p = 0; p < padded; ++p) {
      const int64_t i = p - framing.pad;
      double v = 0.0;
      if (i >= 0 && i < samples) {
        v = static_cast<double>(data[i]);
      } else if (pad_mode == PadMode::Reflect) {
        v = static_cast<double>(data[numpy_reflect_index(i, samples)]);
      }
      squares[p] = v * v;
    }
    // Each frame's sum runs sample by sample in double (as this function always has; the
    // goldens' tolerance covers numpy's own order). A chain of dependent additions waits on each
    // one, so kChains frames are summed side by side (the same order within each frame, the
    // processor overlaps the chains).
    constexpr int64_t kChains = 8;
    std::vector<double> sum_squares(static_cast<size_t>(framing.frames));
    int64_t t = 0;
    for (; t + kChains <= framing.frames; t += kChains) {
      double sums[kChains] = {};
      for (int64_t n = 0; n < frame_length; ++n) {
        for (int64_t c = 0; c < kChains; ++c)
          sums[c] += squares[(t + c) * hop_length + n];
      }
      std::copy(sums, sums + kChains, sum_squares.begin() + t);
    }
    for (; t < framing.frames; ++t) {
      double sum = 0.0;
      for (int64_t n = 0; n < frame_length; ++n)
        sum += squares[t * hop_length + n];
      sum_squares[t] = sum;
    }
    dispatch_floating(dtype, "rms", [&]<typename U>() {
      U* result = out.data_ptr<U>();  // sum_squares -> rms: [1, frames]
      for (int64_t f = 0; f < framing.frames; ++f) {
        result[f] = static_cast<U>(std::sqrt(sum_squares[f] / static_cast<double>(frame_length)));
      }
    });
  });
  return out;
}

}  // namespace timbre::audio
