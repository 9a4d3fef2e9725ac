// audio/stft.cpp - framing, windowing and the FFT of each frame (stft), and weighted overlap-add
// (istft). See audio/stft.h for the formulas and docs/audio.md for librosa's conventions.
#include "audio/stft.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <type_traits>
#include <vector>

#include "audio/fft.h"
#include "audio/fft_frames.h"
#include "audio/padding_index.h"
#include "audio/target_clones.h"
#include "tensor/factories.h"
#include "tensor/tensor.h"

namespace timbre::audio {

namespace {

void check_options(const StftOptions& options, const char* op) {
  TIMBRE_CHECK(options.n_fft >= 1, op, ": n_fft must be at least 1, got ", options.n_fft);
  TIMBRE_CHECK(options.hop_length >= 1, op, ": hop_length must be at least 1, got ",
               options.hop_length);
  TIMBRE_CHECK(options.win_length >= 0 && options.win_length <= options.n_fft, op,
               ": win_length must be in [0, n_fft = ", options.n_fft, "], got ",
               options.win_length);
}

// The analysis window of n_fft samples: a periodic Hann window of win_length samples centred
// in the frame, zeros on both sides (librosa.util.pad_center, left pad (n_fft - win_length)/2).
// Always double: librosa's window is float64 even when the signal is float32.
std::vector<double> frame_window(int64_t n_fft, int64_t win_length) {
  const int64_t length = win_length == 0 ? n_fft : win_length;
  const Tensor hann = hann_window(length, /*periodic=*/true, DType::Float64);
  const double* hann_values = hann.data_ptr<double>();
  std::vector<double> window(n_fft, 0.0);
  const int64_t left = (n_fft - length) / 2;
  for (int64_t m = 0; m < length; ++m)
    window[left + m] = hann_values[m];
  return window;
}

// Samples begin .. end-1 of the signal as centering pads it (n_fft/2 samples on both sides):
// position p is sample p - n_fft/2 of y when that lies inside y, else a pad value, zero
// (Constant) or the mirror image (Reflect, numpy.pad's convention). Without center, position p
// is sample p.
// y: [samples] (any stride) -> out: [end - begin]
template <typename T>
void copy_padded_range(const Tensor& y, const StftOptions& options, int64_t begin, int64_t end,
                       T* out) {
  const int64_t samples = y.size(0);
  const int64_t stride = y.stride(0);
  const T* data = y.data_ptr<T>();
  const int64_t pad = options.center ? options.n_fft / 2 : 0;
  const bool reflect = options.pad_mode == PadMode::Reflect;
  for (int64_t p = begin; p < end; ++p) {
    const int64_t q = p - pad;
    if (q >= 0 && q < samples) {
      out[p - begin] = data[q * stride];
    } else {
      out[p - begin] = reflect ? data[numpy_reflect_index(q, samples) * stride] : T(0);
    }
  }
}

// The fallback of rfft_frames for sizes it does not handle (not a power of two): the same
// [bins][8] block, filled one frame at a time by rfft_windowed (in double); as in rfft_frames,
// the lanes past count repeat frame 0.
// signal: [(count-1)*hop + n_fft], window: [n_fft] -> block_real, block_imag: [bins][8]
template <typename T>
void one_frame_at_a_time(const T* signal, int64_t hop, int64_t count, const double* window,
                         int64_t n_fft, double* block_real, double* block_imag) {
  const int64_t bins = 1 + n_fft / 2;
  thread_local std::vector<double> frame, spectrum_real, spectrum_imag;
  frame.resize(n_fft);
  spectrum_real.resize(bins);
  spectrum_imag.resize(bins);
  for (int64_t f = 0; f < kFrameLanes; ++f) {
    const int64_t source = f < count ? f : 0;
    std::copy(signal + source * hop, signal + source * hop + n_fft, frame.begin());  // exact
    rfft_windowed(frame.data(), window, n_fft, spectrum_real.data(), spectrum_imag.data());
    for (int64_t k = 0; k < bins; ++k) {
      block_real[k * kFrameLanes + f] = spectrum_real[k];
      block_imag[k * kFrameLanes + f] = spectrum_imag[k];
    }
  }
}

// Computes the STFT of y block by block: frames are transformed 8 at a time into [bins][8]
// blocks, one frame per lane (see audio/fft_frames.h), and each block is handed to
// store(first, count, block_real, block_imag), which writes frames first .. first+count-1 of
// whatever the caller computes from the spectrum. Blocks are spread over the OpenMP threads and
// never share a frame, so store may write its frames' columns without synchronisation.
// y: [samples] -> per block: block_real, block_imag: [bins][8], S[k, first+f] at [k][f]
template <typename T, typename Store>
void for_each_frame_block(const Tensor& y, const StftOptions& options, const Store& store) {
  const int64_t n_fft = options.n_fft;
  const int64_t hop = options.hop_length;
  const int64_t bins = 1 + n_fft / 2;
  const int64_t frames = stft_frame_count(y.size(0), options);
  const int64_t length = y.size(0);
  const int64_t pad = options.center ? n_fft / 2 : 0;
  const bool contiguous = y.stride(0) == 1;
  const T* data = y.data_ptr<T>();
  const std::vector<double> window = frame_window(n_fft, options.win_length);

  const int64_t block_count = (frames + kFrameLanes - 1) / kFrameLanes;
#pragma omp parallel
  {
    // [2][bins][8]: the block's real parts, then its imaginary parts (64-byte aligned).
    const Tensor block = empty({2, bins * kFrameLanes}, {.dtype = DType::Float64});
    double* block_real = block.data_ptr<double>();
    double* block_imag = block_real + bins * kFrameLanes;
    std::vector<T> edge;  // the padded samples of a block that reaches into the pads
#pragma omp for schedule(static)
    for (int64_t b = 0; b < block_count; ++b) {
      const int64_t first = b * kFrameLanes;
      const int64_t count = std::min(kFrameLanes, frames - first);
      // The block reads positions [first*hop, end) of the padded signal. Where they all lie
      // inside y (every block but the first and last few), the frames are read in place from y:
      // no padded copy of the whole signal. Other blocks read a padded copy of their range.
      const int64_t begin = first * hop, end = (first + count - 1) * hop + n_fft;
      const T* samples;
      if (contiguous && begin >= pad && end - pad <= length) {
        samples = data + (begin - pad);
      } else {
        edge.resize(end - begin);
        copy_padded_range(y, options, begin, end, edge.data());
        samples = edge.data();
      }
      // For power-of-two sizes each frame is read in place and the window multiply happens
      // while the samples are loaded (no per-frame copy); the fallback copies each frame to
      // double first.
      if (frame_fft_supports(n_fft)) {
        rfft_frames(samples, hop, count, window.data(), n_fft, block_real, block_imag);
      } else {
        one_frame_at_a_time(samples, hop, count, window.data(), n_fft, block_real, block_imag);
      }
      store(first, count, block_real, block_imag);
    }
  }
}

// How many rows ahead the strided block stores (stft) and loads (istft) of a [bins, frames]
// array ask for their cache lines.
constexpr int64_t kPrefetchRows = 16;

// Stores a [bins][8] block of results as frames first .. first+count-1 of a [bins, frames]
// output, rounded to T on the way (In = double: the FFT's results; In = T: a plain copy): 8
// neighbouring elements of each row. The rows are far apart, so each row's values land on a
// different cache line than the last; the lines kPrefetchRows rows ahead are requested early
// (prefetch for writing) so that the stores do not wait on memory.
// block: [bins][8] -> out: [bins, frames], columns first .. first+count-1
template <typename In, typename T>
inline __attribute__((always_inline)) void store_block_body(const In* block, int64_t bins,
                                                            int64_t frames, int64_t first,
                                                            int64_t count, T* out) {
  for (int64_t k = 0; k < bins; ++k) {
    T* row = out + k * frames + first;
    const In* values = block + k * kFrameLanes;
    if (k + kPrefetchRows < bins) {  // both lines the count values may straddle
      __builtin_prefetch(row + kPrefetchRows * frames, 1);
      __builtin_prefetch(row + kPrefetchRows * frames + count - 1, 1);
    }
    if (count == kFrameLanes) {
      // One vector load, conversion and store. (Through an array of 8 T, GCC stored the
      // converted values to the stack and reassembled them 8 bytes at a time: half the time of
      // an STFT's stores, measured.)
      typedef In Block __attribute__((vector_size(kFrameLanes * sizeof(In))));
      typedef T Row __attribute__((vector_size(kFrameLanes * sizeof(T))));
      Block in;
      std::memcpy(&in, values, sizeof(in));
      const Row rounded = __builtin_convertvector(in, Row);
      std::memcpy(row, &rounded, sizeof(rounded));
    } else {
      for (int64_t f = 0; f < count; ++f)
        row[f] = static_cast<T>(values[f]);
    }
  }
}
// Compiled for AVX-512, AVX2 and baseline x86-64 (audio/target_clones.h): with AVX2, one block row
// is two 4-double conversions and one 32-byte store. Rounding is the same in every version.
TIMBRE_AVX512_AVX2_CLONES void store_block(const double* block, int64_t bins, int64_t frames,
                                           int64_t first, int64_t count, float* out) {
  store_block_body(block, bins, frames, first, count, out);
}
TIMBRE_AVX512_AVX2_CLONES void store_block(const double* block, int64_t bins, int64_t frames,
                                           int64_t first, int64_t count, double* out) {
  store_block_body(block, bins, frames, first, count, out);
}
TIMBRE_AVX512_AVX2_CLONES void store_block(const float* block, int64_t bins, int64_t frames,
                                           int64_t first, int64_t count, float* out) {
  store_block_body(block, bins, frames, first, count, out);
}

// S[k, t] = rfft(window * signal[t*hop : t*hop + n_fft])[k]
// y: [samples] -> real, imag: [1 + n_fft/2, frames]
template <typename T>
ComplexSpectrogram stft_typed(const Tensor& y, const StftOptions& options) {
  const int64_t bins = 1 + options.n_fft / 2;
  const int64_t frames = stft_frame_count(y.size(0), options);
  const TensorOptions out_options{.dtype = dtype_of<T>()};
  ComplexSpectrogram result{empty({bins, frames}, out_options), empty({bins, frames}, out_options)};
  T* out_real = result.real.data_ptr<T>();
  T* out_imag = result.imag.data_ptr<T>();
  for_each_frame_block<T>(
      y, options,
      [&](int64_t first, int64_t count, const double* block_real, const double* block_imag) {
        store_block(block_real, bins, frames, first, count, out_real);
        store_block(block_imag, bins, frames, first, count, out_imag);
      });
  return result;
}

// |S[k, t]| in T, as magnitude() computes it from stft()'s T-rounded parts: numpy's abs of a
// complex number as numpy 1.24 computes it on CPUs with AVX-512F (its simd_cabsolute; the goldens
// were made so, and numpy there recomputes their magnitudes bit for bit with this formula), in T:
//   |re + i im| = larger * sqrt(1 + (smaller / larger)^2),   larger = max(|re|, |im|),
// with 1 + ratio^2 fused into one rounding (std::fma), and inf if either part is infinite, NaN
// if either is NaN (and none infinite), 0 for 0. Dividing by the larger part keeps the square
// from overflowing. (On CPUs without AVX-512F numpy calls the C library's hypot instead, which
// rounds differently in the last bit of ~23 % of float32 and ~37 % of float64 values.) Written
// without branches, so that it vectorises.
template <typename T>
inline __attribute__((always_inline)) T magnitude_of(T real, T imag) {
  const T infinity = std::numeric_limits<T>::infinity();
  const T x = std::fabs(real), y = std::fabs(imag);
  const T larger = x > y ? x : y, smaller = x > y ? y : x;
  const T ratio = larger == T(0) ? T(0) : smaller / larger;
  T result = std::sqrt(std::fma(ratio, ratio, T(1))) * larger;
  result = (x != x || y != y) ? std::numeric_limits<T>::quiet_NaN() : result;
  return (x == infinity || y == infinity) ? infinity : result;
}

// out[i] = magnitude_of(T(real[i]), T(imag[i])): |S| of parts given in In (the FFT's double
// results, or a spectrum's T parts), each part rounded to T first, as stft() stores them.
// real, imag: [count] -> out: [count]
template <typename In, typename T>
inline __attribute__((always_inline)) void magnitudes_body(const In* real, const In* imag,
                                                           int64_t count, T* out) {
  for (int64_t i = 0; i < count; ++i)
    out[i] = magnitude_of(static_cast<T>(real[i]), static_cast<T>(imag[i]));
}
// Compiled for AVX-512 and for FMA (with AVX, 8 floats or 4 doubles per instruction), where
// std::fma is one instruction; the baseline x86-64 version calls the C library's fma, which
// gives the same, exactly rounded, values (audio/target_clones.h).
TIMBRE_AVX512_FMA_CLONES void magnitudes(const double* real, const double* imag, int64_t count,
                                         float* out) {
  magnitudes_body(real, imag, count, out);
}
TIMBRE_AVX512_FMA_CLONES void magnitudes(const float* real, const float* imag, int64_t count,
                                         float* out) {
  magnitudes_body(real, imag, count, out);
}
TIMBRE_AVX512_FMA_CLONES void magnitudes(const double* real, const double* imag, int64_t count,
                                         double* out) {
  magnitudes_body(real, imag, count, out);
}

// values[i] = values[i] * values[i] in T (numpy's ** 2 is a multiplication). Compiled for
// AVX-512, AVX2 and baseline x86-64 (audio/target_clones.h).
// values: [count] in place
template <typename T>
inline __attribute__((always_inline)) void square_in_place_body(T* values, int64_t count) {
  for (int64_t i = 0; i < count; ++i)
    values[i] = values[i] * values[i];
}
TIMBRE_AVX512_AVX2_CLONES void square_in_place(float* values, int64_t count) {
  square_in_place_body(values, count);
}
TIMBRE_AVX512_AVX2_CLONES void square_in_place(double* values, int64_t count) {
  square_in_place_body(values, count);
}

// out[i] = values[i] widened to double (exact). Compiled for AVX-512, AVX2 and baseline x86-64.
// values: [count] -> out: [count]
TIMBRE_AVX512_AVX2_CLONES void widen_to_double(const float* values, int64_t count, double* out) {
  for (int64_t i = 0; i < count; ++i)
    out[i] = static_cast<double>(values[i]);
}

// |S|^power of one block in T: |S| first (from the parts rounded to T, as stft() stores them),
// then raised in T, as librosa's _spectrogram; power 2 squares exactly (numpy's ** 2 is a
// multiplication), other powers go through std::pow in double.
// block_real, block_imag: [count] -> values: [count]
template <typename T>
void power_of_block(const double* block_real, const double* block_imag, int64_t count, double power,
                    T* values) {
  // One contiguous loop per power, so that each vectorises.
  magnitudes(block_real, block_imag, count, values);
  if (power == 2.0) {
    square_in_place(values, count);
  } else if (power != 1.0) {
    for (int64_t i = 0; i < count; ++i)
      values[i] = static_cast<T>(std::pow(static_cast<double>(values[i]), power));
  }
}

// Calls use(first, count, values) for each block of frames first .. first+count-1 with the
// block's |S|^power in T (power_of_block), as for_each_frame_block hands out the blocks.
// values: [bins][8]
template <typename T, typename Use>
void for_each_power_block(const Tensor& y, const StftOptions& options, double power,
                          const Use& use) {
  const int64_t bins = 1 + options.n_fft / 2;
  for_each_frame_block<T>(
      y, options,
      [&](int64_t first, int64_t count, const double* block_real, const double* block_imag) {
        thread_local std::vector<T> values;  // [bins][8], the block's |S|^power
        values.resize(bins * kFrameLanes);
        power_of_block(block_real, block_imag, bins * kFrameLanes, power, values.data());
        use(first, count, values.data());
      });
}

// |S|^power straight from the blocks of the STFT, without the complex [bins, frames] pair: the
// same values as raising magnitude(stft(y)) to the power, one pass over the output instead of
// three.
// y: [samples] -> [1 + n_fft/2, frames]
template <typename T>
Tensor spectrogram_typed(const Tensor& y, const StftOptions& options, double power) {
  const int64_t bins = 1 + options.n_fft / 2;
  const int64_t frames = stft_frame_count(y.size(0), options);
  Tensor result = empty({bins, frames}, {.dtype = dtype_of<T>()});
  T* out = result.data_ptr<T>();
  for_each_power_block<T>(y, options, power, [&](int64_t first, int64_t count, const T* values) {
    store_block(values, bins, frames, first, count, out);
  });
  return result;
}

// See reduce_spectrogram_frames in stft.h.
template <typename T>
Tensor reduce_spectrogram_frames_typed(const Tensor& y, const StftOptions& options, double power,
                                       int64_t rows, const SpectrogramFrameReduction& reduce) {
  const int64_t bins = 1 + options.n_fft / 2;
  const int64_t frames = stft_frame_count(y.size(0), options);
  Tensor result = empty({rows, frames}, {.dtype = dtype_of<T>()});
  T* out = result.data_ptr<T>();
  for_each_power_block<T>(y, options, power, [&](int64_t first, int64_t count, const T* values) {
    thread_local std::vector<double> widened, reduced;  // [bins][8], [rows][8]
    reduced.resize(rows * kFrameLanes);
    const double* block = nullptr;
    if constexpr (std::is_same_v<T, double>) {
      block = values;
    } else {
      widened.resize(bins * kFrameLanes);
      widen_to_double(values, bins * kFrameLanes, widened.data());
      block = widened.data();
    }
    reduce(block, reduced.data());
    store_block(reduced.data(), rows, frames, first, count, out);
  });
  return result;
}

// The fallback of irfft_frames for sizes it does not handle (not a power of two), one frame at a
// time by irfft. block_real, block_imag: [bins][8] -> block_frames: [8][n_fft] (first count rows)
void irfft_one_frame_at_a_time(const double* block_real, const double* block_imag, int64_t n_fft,
                               int64_t count, double* block_frames) {
  const int64_t bins = 1 + n_fft / 2;
  thread_local std::vector<double> spectrum_real, spectrum_imag;
  spectrum_real.resize(bins);
  spectrum_imag.resize(bins);
  for (int64_t f = 0; f < count; ++f) {
    for (int64_t k = 0; k < bins; ++k) {
      spectrum_real[k] = block_real[k * kFrameLanes + f];
      spectrum_imag[k] = block_imag[k * kFrameLanes + f];
    }
    irfft(spectrum_real.data(), spectrum_imag.data(), n_fft, block_frames + f * n_fft);
  }
}

// destination[0 .. 7] = source[0 .. 7] widened to double, as vectors (float32 -> float64 is exact).
template <typename T>
inline void widen_eight(const T* source, double* destination) {
  if constexpr (std::is_same_v<T, double>) {
    std::memcpy(destination, source, 8 * sizeof(double));
  } else {
    typedef float Floats __attribute__((vector_size(8 * sizeof(float))));
    typedef double Doubles __attribute__((vector_size(8 * sizeof(double))));
    Floats narrow;
    std::memcpy(&narrow, source, sizeof(narrow));
    const Doubles wide = __builtin_convertvector(narrow, Doubles);
    std::memcpy(destination, &wide, sizeof(wide));
  }
}

}  // namespace

// See stft.h. Samples p in [max(n_fft, hop), frames*hop) are covered by every frame that could
// cover them: the same offsets p - t*hop as sample p - hop, in the same order, so their sums are
// copies of the sum hop samples earlier (exactly equal); only the first and last samples are
// summed.
Tensor window_sum_square(const std::vector<double>& window, int64_t hop, int64_t frames) {
  TIMBRE_CHECK(!window.empty() && hop >= 1 && frames >= 1, "window_sum_square: need a window, ",
               "hop >= 1 and frames >= 1, got ", window.size(), " samples, hop ", hop, ", ", frames,
               " frames");
  const int64_t n_fft = static_cast<int64_t>(window.size());
  const int64_t expected = n_fft + hop * (frames - 1);
  // A tensor, not a std::vector: its memory comes from the caching allocator, not from fresh
  // pages the kernel must zero on every call (istft runs on every clip).
  Tensor result = empty({expected}, {.dtype = DType::Float64});
  double* window_sum = result.data_ptr<double>();
  auto summed = [&](int64_t p) {
    // Frames t with t*hop <= p < t*hop + n_fft, in increasing order.
    const int64_t first = std::max<int64_t>(0, (p - n_fft + hop) / hop);
    const int64_t last = std::min(frames - 1, p / hop);
    double total = 0.0;
    for (int64_t t = first; t <= last; ++t) {
      const double w = window[p - t * hop];
      total += w * w;
    }
    return total;
  };
  // Copies need a sum hop samples earlier: from sample max(n_fft, hop) on.
  const int64_t periodic_begin = std::min(expected, std::max(n_fft, hop));
  const int64_t periodic_end = std::max(periodic_begin, std::min(expected, frames * hop));
  for (int64_t p = 0; p < periodic_begin; ++p)
    window_sum[p] = summed(p);
  for (int64_t p = periodic_begin; p < periodic_end; p += hop) {  // hop samples at a time
    std::memcpy(&window_sum[p], &window_sum[p - hop],
                static_cast<size_t>(std::min(hop, periodic_end - p)) * sizeof(double));
  }
  for (int64_t p = periodic_end; p < expected; ++p)
    window_sum[p] = summed(p);
  return result;
}

// Weighted overlap-add. real, imag: [bins, frames] -> y: [length]
namespace {

template <typename T>
Tensor istft_typed(const ComplexSpectrogram& spectrum, const StftOptions& options, int64_t length) {
  const int64_t bins = spectrum.real.size(0);
  const int64_t n_fft = 2 * (bins - 1);
  const int64_t hop = options.hop_length;
  TIMBRE_CHECK(options.win_length <= n_fft, "istft: win_length ", options.win_length,
               " exceeds n_fft = 2*(bins-1) = ", n_fft);
  int64_t frames = spectrum.real.size(1);
  // With a requested length, frames starting after the last output sample contribute nothing;
  // librosa stops at ceil((length + 2*(n_fft/2)) / hop) frames.
  if (length >= 0 && options.center) {
    const int64_t padded_length = length + 2 * (n_fft / 2);
    frames = std::min(frames, (padded_length + hop - 1) / hop);
  }
  const std::vector<double> window = frame_window(n_fft, options.win_length);
  const int64_t expected = n_fft + hop * (frames - 1);
  // Tensors for their cached memory (see window_sum_square).
  const Tensor sum_tensor = zeros({expected}, {.dtype = DType::Float64});
  double* sum = sum_tensor.data_ptr<double>();  // sum_t window * irfft(S[:, t]) shifted
  const Tensor window_sum_tensor = window_sum_square(window, hop, frames);
  const double* window_sum = window_sum_tensor.data_ptr<double>();

  const T* in_real = spectrum.real.data_ptr<T>();
  const T* in_imag = spectrum.imag.data_ptr<T>();
  const int64_t real_row = spectrum.real.stride(0), real_col = spectrum.real.stride(1);
  const int64_t imag_row = spectrum.imag.stride(0), imag_col = spectrum.imag.stride(1);

  // Frames are inverted 8 at a time (one per lane, audio/fft_frames.h), two such blocks per task:
  // 16 neighbouring frames, whose values in a row of S are 64 bytes in float32 (a cache line's
  // worth, in one or two lines: rows do not start on line boundaries; 128 bytes in float64), so
  // no line is fetched for one task and again for the next. A task writes the samples
  // [first*hop, (first+15)*hop + n_fft).
  // Tasks in the same residue class b mod groups, groups = ceil(span / (16*hop)), are far enough
  // apart never to write the same sample, so each class is overlap-added in parallel; the result
  // does not depend on the number of threads.
  constexpr int64_t kTaskFrames = 2 * kFrameLanes;
  const int64_t task_count = (frames + kTaskFrames - 1) / kTaskFrames;
  const int64_t span = (kTaskFrames - 1) * hop + n_fft;
  const int64_t groups = (span + kTaskFrames * hop - 1) / (kTaskFrames * hop);
  for (int64_t group = 0; group < groups; ++group) {
    const int64_t members = task_count > group ? (task_count - group + groups - 1) / groups : 0;
#pragma omp parallel
    {
      // The task's spectra, real then imaginary, [2][bins][8] each, and one block's frames
      // [8][n_fft] (64-byte aligned, as irfft_frames requires).
      const int64_t block_values = bins * kFrameLanes;
      const Tensor buffers =
          zeros({4 * block_values + n_fft * kFrameLanes}, {.dtype = DType::Float64});
      double* task_real = buffers.data_ptr<double>();
      double* task_imag = task_real + 2 * block_values;
      double* frame_rows = task_imag + 2 * block_values;
#pragma omp for schedule(static)
      for (int64_t member = 0; member < members; ++member) {
        const int64_t first = (group + member * groups) * kTaskFrames;
        const int64_t count = std::min(kTaskFrames, frames - first);
        // Frame first + f, bin k goes to block f / 8, [k][f % 8]. Row k holds the task's frames
        // side by side, but the rows are far apart: the rows kPrefetchRows bins ahead are
        // requested early, as stft's stores do.
        const bool whole_rows = count == kTaskFrames && real_col == 1 && imag_col == 1;
        for (int64_t k = 0; k < bins; ++k) {
          const T* row_real = in_real + k * real_row + first * real_col;
          const T* row_imag = in_imag + k * imag_row + first * imag_col;
          if (k + kPrefetchRows < bins) {  // the first and last line of the row's 16 values
            __builtin_prefetch(row_real + kPrefetchRows * real_row);
            __builtin_prefetch(row_imag + kPrefetchRows * imag_row);
            __builtin_prefetch(row_real + kPrefetchRows * real_row + (count - 1) * real_col);
            __builtin_prefetch(row_imag + kPrefetchRows * imag_row + (count - 1) * imag_col);
          }
          if (whole_rows) {  // the usual case: 16 contiguous values, 8 per block
            for (int64_t block = 0; block < 2; ++block) {
              const int64_t slot = block * block_values + k * kFrameLanes;
              widen_eight(row_real + block * kFrameLanes, task_real + slot);
              widen_eight(row_imag + block * kFrameLanes, task_imag + slot);
            }
            continue;
          }
          for (int64_t f = 0; f < count; ++f) {
            const int64_t slot =
                (f / kFrameLanes) * block_values + k * kFrameLanes + f % kFrameLanes;
            task_real[slot] = static_cast<double>(row_real[f * real_col]);
            task_imag[slot] = static_cast<double>(row_imag[f * imag_col]);
          }
        }
        for (int64_t block = 0; block * kFrameLanes < count; ++block) {
          const double* block_real = task_real + block * block_values;
          const double* block_imag = task_imag + block * block_values;
          const int64_t block_first = first + block * kFrameLanes;
          const int64_t block_count = std::min(kFrameLanes, count - block * kFrameLanes);
          if (frame_fft_supports(n_fft)) {
            irfft_frames(block_real, block_imag, n_fft, frame_rows);
          } else {
            irfft_one_frame_at_a_time(block_real, block_imag, n_fft, block_count, frame_rows);
          }
          for (int64_t f = 0; f < block_count; ++f) {
            double* out = sum + (block_first + f) * hop;
            const double* frame = frame_rows + f * n_fft;
            for (int64_t m = 0; m < n_fft; ++m)
              out[m] += window[m] * frame[m];
          }
        }
      }
    }
  }

  const int64_t start = options.center ? n_fft / 2 : 0;
  if (length < 0) length = options.center ? expected - 2 * (n_fft / 2) : expected;
  Tensor y = empty({length}, {.dtype = dtype_of<T>()});
  T* y_data = y.data_ptr<T>();
  // librosa divides only where the window sum exceeds the smallest normal number of the dtype
  // (util.tiny); elsewhere (e.g. the very ends without center) the sum is left undivided.
  const double tiny = std::numeric_limits<T>::min();
  // Samples past the overlap-add (length > what the frames cover) are zeros.
  const int64_t covered = std::clamp<int64_t>(expected - start, 0, length);
  for (int64_t i = 0; i < covered; ++i) {
    const double total = sum[start + i], divisor = window_sum[start + i];
    y_data[i] = static_cast<T>(divisor > tiny ? total / divisor : total);
  }
  std::fill(y_data + covered, y_data + length, T(0));
  return y;
}

void check_signal(const Tensor& y, const StftOptions& options) {
  TIMBRE_CHECK(y.defined(), "stft: the signal is an undefined tensor");
  TIMBRE_CHECK(y.dim() == 1, "stft: expected a 1-d signal [samples], got shape ",
               shape_str(y.sizes()));
  TIMBRE_CHECK(y.device().is_cpu(), "stft: the signal must be on the CPU");
  check_options(options, "stft");
  if (options.center && options.pad_mode == PadMode::Reflect) {
    TIMBRE_CHECK(y.size(0) >= 2, "stft: reflect padding needs at least 2 samples, got ", y.size(0));
  }
}

}  // namespace

Tensor hann_window(int64_t length, bool periodic, DType dtype) {
  TIMBRE_CHECK(length >= 1, "hann_window: length must be at least 1, got ", length);
  Tensor window = empty({length}, {.dtype = DType::Float64});
  double* w = window.data_ptr<double>();
  if (length == 1) {
    w[0] = 1.0;
  } else {
    // scipy builds the periodic window as the symmetric one of length + 1 with the last sample
    // dropped. The symmetric window of L samples is 0.5 + 0.5*cos(x) for x = linspace(-pi, pi,
    // L); the angles are formed exactly as numpy.linspace forms them (i*step + start), so the
    // window matches scipy's to the last bit wherever cos is correctly rounded.
    const int64_t symmetric_length = periodic ? length + 1 : length;
    const double step = (2.0 * std::numbers::pi) / static_cast<double>(symmetric_length - 1);
    for (int64_t n = 0; n < length; ++n) {
      const double angle = static_cast<double>(n) * step + (-std::numbers::pi);
      w[n] = 0.5 + 0.5 * std::cos(angle);
    }
  }
  if (dtype == DType::Float64) return window;
  TIMBRE_CHECK(dtype == DType::Float32, "hann_window: dtype must be float32 or float64, got ",
               dtype_name(dtype));
  Tensor rounded = empty({length}, {.dtype = DType::Float32});
  float* r = rounded.data_ptr<float>();
  for (int64_t n = 0; n < length; ++n)
    r[n] = static_cast<float>(w[n]);
  return rounded;
}

// Centering pads n_fft/2 samples on each side (n_fft - 1 in all when n_fft is odd), then frames
// the padded signal as without center: 1 + (padded - n_fft) / hop, which is 1 + samples / hop for
// even n_fft.
int64_t stft_frame_count(int64_t samples, const StftOptions& options) {
  check_options(options, "stft_frame_count");
  const int64_t padded = options.center ? samples + 2 * (options.n_fft / 2) : samples;
  TIMBRE_CHECK(padded >= options.n_fft, "stft: ",
               options.center ? "with center the padded signal" : "without center the signal",
               " needs at least n_fft = ", options.n_fft, " samples, got ", padded);
  return 1 + (padded - options.n_fft) / options.hop_length;
}

ComplexSpectrogram stft(const Tensor& y, const StftOptions& options) {
  check_signal(y, options);
  return dispatch_floating(y.dtype(), "stft",
                           [&]<typename T>() { return stft_typed<T>(y, options); });
}

Tensor magnitude(const ComplexSpectrogram& spectrum) {
  const Tensor& real = spectrum.real;
  const Tensor& imag = spectrum.imag;
  TIMBRE_CHECK(real.defined() && imag.defined(), "magnitude: undefined real or imaginary part");
  TIMBRE_CHECK(real.sizes() == imag.sizes() && real.dtype() == imag.dtype(), "magnitude: real ",
               shape_str(real.sizes()), " ", dtype_name(real.dtype()), " and imaginary ",
               shape_str(imag.sizes()), " ", dtype_name(imag.dtype()), " parts differ");
  TIMBRE_CHECK(real.is_contiguous() && imag.is_contiguous(),
               "magnitude: expected contiguous parts (as stft returns them)");
  return dispatch_floating(real.dtype(), "magnitude", [&]<typename T>() {
    Tensor result = empty(real.sizes(), {.dtype = dtype_of<T>()});
    const T* re = real.data_ptr<T>();
    const T* im = imag.data_ptr<T>();
    T* out = result.data_ptr<T>();
    // Chunks of 16384 values spread over the threads.
    const int64_t count = real.numel();
    constexpr int64_t kChunk = 16384;
#pragma omp parallel for schedule(static)
    for (int64_t start = 0; start < count; start += kChunk)
      magnitudes(re + start, im + start, std::min(kChunk, count - start), out + start);
    return result;
  });
}

Tensor spectrogram(const Tensor& y, const StftOptions& options, double power) {
  TIMBRE_CHECK(power > 0.0, "spectrogram: power must be positive, got ", power);
  check_signal(y, options);
  return dispatch_floating(y.dtype(), "spectrogram",
                           [&]<typename T>() { return spectrogram_typed<T>(y, options, power); });
}

Tensor reduce_spectrogram_frames(const Tensor& y, const StftOptions& options, double power,
                                 int64_t rows, const SpectrogramFrameReduction& reduce) {
  TIMBRE_CHECK(power > 0.0, "reduce_spectrogram_frames: power must be positive, got ", power);
  TIMBRE_CHECK(rows >= 1, "reduce_spectrogram_frames: rows must be at least 1, got ", rows);
  TIMBRE_CHECK(static_cast<bool>(reduce), "reduce_spectrogram_frames: no reduction given");
  check_signal(y, options);
  return dispatch_floating(y.dtype(), "reduce_spectrogram_frames", [&]<typename T>() {
    return reduce_spectrogram_frames_typed<T>(y, options, power, rows, reduce);
  });
}

Tensor istft(const ComplexSpectrogram& spectrum, const StftOptions& options, int64_t length) {
  const Tensor& real = spectrum.real;
  const Tensor& imag = spectrum.imag;
  TIMBRE_CHECK(real.defined() && imag.defined(), "istft: undefined real or imaginary part");
  TIMBRE_CHECK(real.dim() == 2 && real.sizes() == imag.sizes() && real.dtype() == imag.dtype(),
               "istft: expected real and imaginary parts of one shape [bins, frames] and dtype, "
               "got ",
               shape_str(real.sizes()), " and ", shape_str(imag.sizes()));
  TIMBRE_CHECK(real.size(0) >= 2 && real.size(1) >= 1,
               "istft: need at least 2 frequency bins and 1 frame, got ", shape_str(real.sizes()));
  TIMBRE_CHECK(options.hop_length >= 1, "istft: hop_length must be at least 1, got ",
               options.hop_length);
  TIMBRE_CHECK(options.win_length >= 0, "istft: win_length must be >= 0, got ", options.win_length);
  TIMBRE_CHECK(length >= -1, "istft: length must be -1 (default) or >= 0, got ", length);
  return dispatch_floating(real.dtype(), "istft",
                           [&]<typename T>() { return istft_typed<T>(spectrum, options, length); });
}

}  // namespace timbre::audio
