// audio/beat.cpp - global tempo (librosa 0.10.1 feature.tempo) and the dynamic-programming beat
// tracker (beat.beat_track, Ellis 2007).
#include "audio/beat.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "audio/fft.h"
#include "audio/fft_frames.h"
#include "audio/stft.h"
#include "tensor/error.h"
#include "tensor/kernels.h"

namespace timbre::audio {

namespace {

void check_envelope(const Tensor& envelope, double sample_rate, int64_t hop_length,
                    const char* op) {
  TIMBRE_CHECK(envelope.defined() && envelope.dim() == 1 && envelope.numel() >= 1, op,
               ": expected a non-empty 1-d onset envelope [frames]");
  TIMBRE_CHECK(envelope.device().is_cpu(), op, ": expected a CPU tensor");
  TIMBRE_CHECK(sample_rate > 0.0 && hop_length >= 1, op, ": need sample_rate > 0 and ",
               "hop_length >= 1, got ", sample_rate, " and ", hop_length);
}

// The envelope's values widened to double, read as the envelope's dtype T rounds them.
std::vector<double> envelope_values(const Tensor& envelope) {
  return kernels::contiguous(envelope).to_vector<double>();
}

// ---- Tempo ----------------------------------------------------------------------------------

// The mean over frames of the normalised, windowed autocorrelation of the onset envelope
// (librosa.feature.tempogram(win_length, center=True, window='hann', norm=inf), then mean):
//   padded = [linear ramp 0 -> x[0] | x | linear ramp x[n-1] -> 0]   (win/2 values each side)
//   frame t (t = 0 .. n-1) = padded[t .. t + win - 1] * hann(win)
//   acf_t[l] = sum_m frame[m] frame[m + l],   l = 0 .. win - 1
//   acf_t /= max_l |acf_t[l]|  (frames that are all zero stay zero)
//   mean[l] = (1/n) sum_t acf_t[l]
// x: [n] -> mean: [win]
// The autocorrelation is computed with the FFT: with frame zero-padded to fft_size >= 2 win - 1
// the circular autocorrelation irfft(|rfft(frame)|^2) equals the linear one for lags < win.
// `envelope_dtype_float32` makes the ramps round to float32 as numpy's linspace does into a
// float32 array.
std::vector<double> mean_tempogram(const std::vector<double>& x, int64_t win,
                                   bool envelope_dtype_float32) {
  const int64_t n = static_cast<int64_t>(x.size());
  const int64_t half = win / 2;
  // Build padded: [half | n | half].
  std::vector<double> padded(static_cast<size_t>(n + 2 * half));
  auto round_like_envelope = [&](double v) {
    return envelope_dtype_float32 ? static_cast<double>(static_cast<float>(v)) : v;
  };
  const double left_step = x[0] / static_cast<double>(half);
  const double right_step = x[n - 1] / static_cast<double>(half);
  for (int64_t j = 0; j < half; ++j) {
    // numpy.pad linear_ramp = linspace(end_value 0, edge, half, endpoint=False): j * edge/half.
    padded[j] = round_like_envelope(static_cast<double>(j) * left_step);
    padded[half + n + j] = round_like_envelope(static_cast<double>(half - 1 - j) * right_step);
  }
  for (int64_t i = 0; i < n; ++i)
    padded[half + i] = x[i];

  // At least 8 points: the frame-batched FFT's smallest size (more zero padding changes nothing
  // mathematically; for windows of 4 or fewer the rounding differs from a 4-point FFT's).
  int64_t fft_size = 8;
  while (fft_size < 2 * win - 1)
    fft_size *= 2;
  const int64_t bins = fft_size / 2 + 1;
  // The window padded with zeros to fft_size, and the padded envelope followed by fft_size zeros,
  // so that every frame can be read as fft_size samples: frame t = padded[t + m] * window[m],
  // exactly zero past the window (the envelope is finite).
  std::vector<double> window = hann_window(win, /*periodic=*/true).to_vector<double>();
  window.resize(static_cast<size_t>(fft_size), 0.0);
  padded.resize(padded.size() + static_cast<size_t>(fft_size), 0.0);

  // Frames go through the FFT 8 at a time, one per vector lane (audio/fft_frames.h: each lane is
  // rfft_windowed / irfft of audio/fft.h bit for bit), then are normalised and added up. Each
  // thread sums a contiguous run of frames (schedule(static)) in order, and the threads' sums are
  // added in thread order afterwards: the same result on every run with the same number of
  // threads (with one thread, frame after frame).
  const int64_t block_count = (n + kFrameLanes - 1) / kFrameLanes;
  std::vector<std::vector<double>> thread_sums(static_cast<size_t>(omp_get_max_threads()));
#pragma omp parallel
  {
    // [bins][8] spectra (real, imaginary) and [8][fft_size] autocorrelations, 64-byte aligned.
    const Tensor buffers =
        empty({2 * bins * kFrameLanes + kFrameLanes * fft_size}, {.dtype = DType::Float64});
    double* spectrum_real = buffers.data_ptr<double>();
    double* spectrum_imag = spectrum_real + bins * kFrameLanes;
    double* acf_rows = spectrum_imag + bins * kFrameLanes;
    std::vector<double>& local_sum = thread_sums[static_cast<size_t>(omp_get_thread_num())];
    local_sum.assign(static_cast<size_t>(win), 0.0);
#pragma omp for schedule(static)
    for (int64_t b = 0; b < block_count; ++b) {
      const int64_t first = b * kFrameLanes;
      const int64_t count = std::min(kFrameLanes, n - first);
      rfft_frames(padded.data() + first, /*hop=*/1, count, window.data(), fft_size, spectrum_real,
                  spectrum_imag);
      // |X|^2: the DFT of the autocorrelation.
      for (int64_t i = 0; i < bins * kFrameLanes; ++i) {
        spectrum_real[i] =
            spectrum_real[i] * spectrum_real[i] + spectrum_imag[i] * spectrum_imag[i];
        spectrum_imag[i] = 0.0;
      }
      irfft_frames(spectrum_real, spectrum_imag, fft_size, acf_rows);
      for (int64_t f = 0; f < count; ++f) {
        const double* acf = acf_rows + f * fft_size;
        double largest = 0.0;
        for (int64_t l = 0; l < win; ++l)
          largest = std::max(largest, std::fabs(acf[l]));
        // librosa.util.normalize leaves frames below the smallest normal double unscaled.
        const double scale = largest < std::numeric_limits<double>::min() ? 1.0 : largest;
        for (int64_t l = 0; l < win; ++l)
          local_sum[l] += acf[l] / scale;
      }
    }
  }
  std::vector<double> sum(static_cast<size_t>(win), 0.0);
  for (const std::vector<double>& local_sum : thread_sums) {
    if (local_sum.empty()) continue;  // a thread the parallel region did not start
    for (int64_t l = 0; l < win; ++l)
      sum[l] += local_sum[l];
  }
  for (int64_t l = 0; l < win; ++l)
    sum[l] /= static_cast<double>(n);
  return sum;
}

// ---- Beat tracking --------------------------------------------------------------------------

// Python's round(): to the nearest integer, halves to the even neighbour (as np.round).
int64_t round_half_even(double v) {
  return static_cast<int64_t>(std::nearbyint(v));
}

// The local score: the envelope divided by its standard deviation (ddof 1), smoothed by a
// Gaussian of +-period frames (scipy.signal.convolve(..., 'same')):
//   window[j] = exp(-0.5 (j * 32 / period)^2),  j = -period .. period
//   score[i] = sum_j onsets[i - j] window[j]  (terms outside the envelope are 0)
// `float32` repeats librosa's float32 rounding of onsets / std for a float32 envelope.
// onsets: [n] -> score: [n]
std::vector<double> local_score(const std::vector<double>& onsets, int64_t period, bool float32) {
  const int64_t n = static_cast<int64_t>(onsets.size());
  double mean = 0.0;
  for (double v : onsets)
    mean += v;
  mean /= static_cast<double>(n);
  double squares = 0.0;
  for (double v : onsets)
    squares += (v - mean) * (v - mean);
  double norm = n > 1 ? std::sqrt(squares / static_cast<double>(n - 1)) : 0.0;
  if (float32) norm = static_cast<float>(norm);
  std::vector<double> normalized(onsets);
  if (norm > 0.0) {
    for (double& v : normalized) {
      v = float32 ? static_cast<double>(static_cast<float>(v) / static_cast<float>(norm))
                  : v / norm;
    }
  }
  std::vector<double> window(static_cast<size_t>(2 * period + 1));
  for (int64_t j = -period; j <= period; ++j) {
    const double z = static_cast<double>(j) * 32.0 / static_cast<double>(period);
    window[j + period] = std::exp(-0.5 * z * z);
  }
  std::vector<double> score(static_cast<size_t>(n), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    double sum = 0.0;
    for (int64_t j = -period; j <= period; ++j) {
      const int64_t source = i - j;
      if (source >= 0 && source < n) sum += normalized[source] * window[j + period];
    }
    score[i] = sum;
  }
  return score;
}

// The dynamic program. cumulative[i] = score[i] + max over predecessors p = i + offset,
// offset in [-2 period, -round(period / 2)], of
//   cumulative[p] - tightness * log(-offset / period)^2
// (the penalty is 0 for an interval of exactly one period). Predecessors before frame 0 count
// with cumulative 0 (only the penalty). backlink[i] = the chosen p, or -1 while no beat has
// started (the first frames whose score is below 1% of the largest).
// score: [n] -> cumulative, backlink: [n]
void beat_dynamic_program(const std::vector<double>& score, int64_t period, double tightness,
                          std::vector<double>& cumulative, std::vector<int64_t>& backlink) {
  const int64_t n = static_cast<int64_t>(score.size());
  cumulative.assign(static_cast<size_t>(n), 0.0);
  backlink.assign(static_cast<size_t>(n), 0);
  const int64_t first_offset = -2 * period;
  const int64_t last_offset = -round_half_even(static_cast<double>(period) / 2.0);
  std::vector<double> penalty;
  for (int64_t offset = first_offset; offset <= last_offset; ++offset) {
    const double l = std::log(static_cast<double>(-offset) / static_cast<double>(period));
    penalty.push_back(-tightness * l * l);
  }
  const int64_t candidates = static_cast<int64_t>(penalty.size());
  const double largest_score = *std::max_element(score.begin(), score.end());
  bool first_beat = true;
  for (int64_t i = 0; i < n; ++i) {
    // Candidate c is predecessor i + first_offset + c; it has a cumulative score only if >= 0.
    int64_t best = 0;
    double best_value = -std::numeric_limits<double>::infinity();
    for (int64_t c = 0; c < candidates; ++c) {
      const int64_t predecessor = i + first_offset + c;
      const double value = penalty[c] + (predecessor >= 0 ? cumulative[predecessor] : 0.0);
      if (value > best_value) {  // strict: the first maximum wins, as np.argmax
        best_value = value;
        best = c;
      }
    }
    cumulative[i] = score[i] + best_value;
    if (first_beat && score[i] < 0.01 * largest_score) {
      backlink[i] = -1;
    } else {
      backlink[i] = i + first_offset + best;
      first_beat = false;
    }
  }
}

// The last beat: the latest frame that is a local maximum of the cumulative score (greater than
// its left neighbour, >= its right one; the edges compare with themselves) and whose doubled
// score exceeds the median score of all local maxima. As librosa, the condition is
// (is_max ? 2 * score : 0) > median, so with a negative median non-maxima may qualify.
int64_t last_beat(const std::vector<double>& cumulative) {
  const int64_t n = static_cast<int64_t>(cumulative.size());
  std::vector<char> is_max(static_cast<size_t>(n));
  std::vector<double> maxima;
  for (int64_t i = 0; i < n; ++i) {
    const double left = cumulative[std::max<int64_t>(i - 1, 0)];
    const double right = cumulative[std::min<int64_t>(i + 1, n - 1)];
    is_max[i] = cumulative[i] > left && cumulative[i] >= right;
    if (is_max[i]) maxima.push_back(cumulative[i]);
  }
  // np.median: the middle value, or the mean of the two middle values.
  std::sort(maxima.begin(), maxima.end());
  const size_t m = maxima.size();
  const double median = m == 0       ? std::numeric_limits<double>::quiet_NaN()
                        : m % 2 == 1 ? maxima[m / 2]
                                     : (maxima[m / 2 - 1] + maxima[m / 2]) / 2.0;
  int64_t last = -1;
  for (int64_t i = 0; i < n; ++i) {
    const double value = is_max[i] ? cumulative[i] * 2.0 : 0.0;
    if (value > median) last = i;
  }
  return last;
}

// Drops weak beats at both ends. The local score at the beats is smoothed with the symmetric
// 5-point Hann window [0, 0.5, 1, 0.5, 0] ('same' convolution); with trim the threshold is half
// the RMS of that, else 0. librosa keeps beats[first valid : last valid] - a half-open slice,
// so the last beat above the threshold is dropped too; we repeat that.
std::vector<int64_t> trim_beats(const std::vector<double>& score, const std::vector<int64_t>& beats,
                                bool trim) {
  const int64_t count = static_cast<int64_t>(beats.size());
  const double hann5[5] = {0.0, 0.5, 1.0, 0.5, 0.0};
  std::vector<double> smooth(static_cast<size_t>(count), 0.0);
  for (int64_t i = 0; i < count; ++i) {
    double sum = 0.0;
    for (int64_t j = 0; j < 5; ++j) {
      const int64_t source = i + 2 - j;
      if (source >= 0 && source < count) sum += score[beats[source]] * hann5[j];
    }
    smooth[i] = sum;
  }
  double threshold = 0.0;
  if (trim) {
    double squares = 0.0;
    for (double v : smooth)
      squares += v * v;
    threshold = 0.5 * std::sqrt(squares / static_cast<double>(count));
  }
  int64_t first = -1, last = -1;
  for (int64_t i = 0; i < count; ++i) {
    if (smooth[i] > threshold) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return {};
  return std::vector<int64_t>(beats.begin() + first, beats.begin() + last);
}

}  // namespace

double tempo(const Tensor& onset_envelope, double sample_rate, int64_t hop_length,
             double start_bpm) {
  check_envelope(onset_envelope, sample_rate, hop_length, "tempo");
  TIMBRE_CHECK(start_bpm > 0.0, "tempo: start_bpm must be > 0, got ", start_bpm);
  constexpr double kAutocorrelationSeconds = 8.0;  // librosa's ac_size
  constexpr double kMaxTempo = 320.0;
  constexpr double kStdBpm = 1.0;  // std of the log2-tempo prior, in octaves
  // librosa.time_to_frames(8, sr, hop) = int(8 sr) // hop: 344 lags for 22050 / 512.
  const int64_t win = static_cast<int64_t>(kAutocorrelationSeconds * sample_rate) / hop_length;
  TIMBRE_CHECK(win >= 2, "tempo: an 8-s window holds fewer than 2 frames");
  const std::vector<double> x = envelope_values(onset_envelope);
  const std::vector<double> acf = mean_tempogram(x, win, onset_envelope.dtype() == kFloat32);
  // Lag k frames <-> bpm[k] = 60 sr / (hop k). Score = log1p(1e6 acf) + log-normal prior; lags
  // whose tempo is >= 320 bpm (k < the first lag below 320) and lag 0 are excluded.
  // bpm[k] is computed as librosa's tempo_frequencies does: (60 sr) / (hop k).
  const double sixty_sr = 60.0 * sample_rate;
  auto bpm_of_lag = [&](int64_t k) {
    return sixty_sr / (static_cast<double>(hop_length) * static_cast<double>(k));
  };
  int64_t best = 0;
  double best_score = -std::numeric_limits<double>::infinity();
  bool below_max_seen = false;
  for (int64_t k = 1; k < win; ++k) {
    const double bpm = bpm_of_lag(k);
    if (!below_max_seen && !(bpm < kMaxTempo)) continue;
    below_max_seen = true;
    const double octaves = (std::log2(bpm) - std::log2(start_bpm)) / kStdBpm;
    const double score = std::log1p(1e6 * acf[k]) - 0.5 * octaves * octaves;
    if (score > best_score) {
      best_score = score;
      best = k;
    }
  }
  TIMBRE_CHECK(best > 0, "tempo: no lag below ", kMaxTempo, " bpm in the 8-s window");
  return bpm_of_lag(best);
}

BeatResult beat_track_from_onset(const Tensor& onset_envelope, double sample_rate,
                                 int64_t hop_length, double start_bpm, double tightness,
                                 bool trim) {
  check_envelope(onset_envelope, sample_rate, hop_length, "beat_track");
  TIMBRE_CHECK(tightness > 0.0, "beat_track: tightness must be > 0, got ", tightness);
  const std::vector<double> onsets = envelope_values(onset_envelope);
  if (std::all_of(onsets.begin(), onsets.end(), [](double v) { return v == 0.0; })) return {};
  BeatResult result;
  result.tempo = tempo(onset_envelope, sample_rate, hop_length, start_bpm);
  // Beat period in frames: frames per minute / beats per minute.
  const int64_t period =
      round_half_even(60.0 * (sample_rate / static_cast<double>(hop_length)) / result.tempo);
  const std::vector<double> score = local_score(onsets, period, onset_envelope.dtype() == kFloat32);
  std::vector<double> cumulative;
  std::vector<int64_t> backlink;
  beat_dynamic_program(score, period, tightness, cumulative, backlink);
  // Follow the back links from the last beat, then put the beats in increasing order.
  std::vector<int64_t> beats = {last_beat(cumulative)};
  while (beats.back() >= 0 && backlink[beats.back()] >= 0)
    beats.push_back(backlink[beats.back()]);
  if (beats.back() < 0) beats.pop_back();
  std::reverse(beats.begin(), beats.end());
  result.beat_frames = trim_beats(score, beats, trim);
  return result;
}

BeatResult beat_track(const Tensor& y, double sample_rate, const BeatOptions& options) {
  const Tensor envelope = onset_strength(y, sample_rate, options.onset);
  return beat_track_from_onset(envelope, sample_rate, options.onset.stft.hop_length,
                               options.start_bpm, options.tightness, options.trim);
}

}  // namespace timbre::audio
