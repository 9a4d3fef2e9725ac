// audio/stft.h - the short-time Fourier transform, its inverse, and the Hann window, exactly as
// librosa 0.10.1 computes them (librosa.stft / librosa.istft with window='hann').
//
// The STFT cuts the signal y into overlapping frames, multiplies each by a window and takes the
// discrete Fourier transform of each frame:
//
//   S[k, t] = sum_{m=0}^{n_fft-1} window[m] * y_padded[t*hop + m] * exp(-2*pi*i*k*m / n_fft)
//
// for k = 0 .. n_fft/2 (the other bins of a real signal are complex conjugates of these) and
// t = 0 .. frames-1. Layout follows librosa: frequency x time, S: [1 + n_fft/2, frames].
//
// With center=true the signal is first padded by n_fft/2 samples on each side (zeros for
// PadMode::Constant, librosa >= 0.10's default; a mirror image for PadMode::Reflect, librosa <=
// 0.9's default), so frame t is centred on sample t*hop and frames = 1 + len(y) / hop.
// See docs/audio.md for the derivation and every convention.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "tensor/tensor.h"

namespace timbre::audio {

// How the signal is extended before framing when StftOptions::center is true.
//   Constant: zeros              [a b c d] -> [0 0 a b c d 0 0]
//   Reflect:  mirror, no repeat  [a b c d] -> [c b a b c d c b]   (numpy.pad mode='reflect')
enum class PadMode { Constant, Reflect };

struct StftOptions {
  int64_t n_fft = 2048;      // FFT size: frame length after the window is zero-padded
  int64_t hop_length = 512;  // samples between the starts of consecutive frames
  int64_t win_length = 0;    // Hann window length; 0 means n_fft. Shorter windows are centred
                             // inside the n_fft frame with zeros on both sides.
  bool center = true;        // pad n_fft/2 on both sides so frame t is centred on t*hop
  PadMode pad_mode = PadMode::Constant;
};

// A complex spectrogram as two real tensors (timbre has no complex dtype).
// real, imag: [1 + n_fft/2, frames], same dtype as the signal they came from.
struct ComplexSpectrogram {
  Tensor real;
  Tensor imag;
};

// The Hann window, as scipy.signal.get_window('hann', length, fftbins=periodic):
//   periodic:  w[n] = 0.5 - 0.5*cos(2*pi*n / length)        (the spectral-analysis window)
//   symmetric: w[n] = 0.5 - 0.5*cos(2*pi*n / (length - 1))  (w[0] == w[length-1])
// Requires: length >= 1; dtype float32 or float64.
// Ensures:  a [length] tensor; length 1 gives [1.0] (scipy's convention).
Tensor hann_window(int64_t length, bool periodic = true, DType dtype = DType::Float64);

// Number of STFT frames of a signal of `samples` samples, as librosa frames it:
//   center: 1 + (samples + 2*(n_fft/2) - n_fft) / hop_length (= 1 + samples / hop_length for
//           even n_fft; for odd n_fft the pads add n_fft - 1 samples);
//   not center: 1 + (samples - n_fft) / hop_length.
// Requires: valid options (n_fft >= 1, hop_length >= 1, 0 <= win_length <= n_fft); the signal
//           (padded, with center) at least n_fft samples long.
int64_t stft_frame_count(int64_t samples, const StftOptions& options = {});

// The STFT of a mono signal, as librosa.stft(y, n_fft, hop_length, win_length, window='hann',
// center, pad_mode).
// y: [samples] -> real, imag: [1 + n_fft/2, frames]
// Requires: y is a 1-d float32 or float64 CPU tensor (any strides); valid options; with
//           PadMode::Reflect, samples >= 2 (a mirror needs two samples); without center,
//           samples >= n_fft.
// Ensures:  results have y's dtype. float32 signals are transformed in double precision and
//           rounded at the end, as numpy does (its FFT works in float64 and librosa casts the
//           result to complex64), so results agree with librosa to float32 rounding.
ComplexSpectrogram stft(const Tensor& y, const StftOptions& options = {});

// |S| elementwise: sqrt(real^2 + imag^2) without overflow, in the parts' dtype, as numpy's abs
// computes it on CPUs with AVX-512F (where librosa's goldens were made): larger part times
// sqrt(fma(ratio, ratio, 1)), ratio = smaller / larger part (audio/stft.cpp).
// real, imag: [bins, frames] -> [bins, frames], same dtype.
// Requires: real and imag defined with equal shapes and dtypes (float32 or float64).
Tensor magnitude(const ComplexSpectrogram& spectrum);

// |stft(y)|^power: power 1 gives the magnitude spectrogram, power 2 the power spectrogram
// (librosa's _spectrogram: the magnitude is taken first, then raised to the power).
// y: [samples] -> [1 + n_fft/2, frames]
// Requires: as stft; power > 0.
Tensor spectrogram(const Tensor& y, const StftOptions& options = {}, double power = 1.0);

// What reduce_spectrogram_frames does with each block of 8 frames of the spectrogram:
// block: [1 + n_fft/2][8] -> reduced: [rows][8], column f of each for frame f of the block.
using SpectrogramFrameReduction = std::function<void(const double* block, double* reduced)>;

// The spectrogram |stft(y)|^power reduced frame by frame to `rows` values per frame, without
// ever storing the [bins, frames] spectrogram: for features that are a function of each frame's
// spectrum (the mel spectrogram), this saves writing the spectrogram out (5 MB for a 30-s clip)
// and reading it back. The frames are computed 8 at a time and `reduce` turns each block of 8
// spectra into 8 columns of the result while the block is in cache; it is called from several
// OpenMP threads at once (for different blocks), so it must only write `reduced`, and it must
// not throw (an exception cannot leave an OpenMP parallel region).
// block[k][f] is exactly spectrogram(y, options, power)[k, frame] (computed in y's dtype,
// widened to double); in the last block the columns past the last frame hold copies of other
// frames and their reduced values are dropped. reduced[r][f] is rounded to y's dtype.
// y: [samples] -> [rows, frames]
// Requires: as spectrogram; rows >= 1; reduce callable.
// Ensures:  result[r, t] == T(reduce(block with frame t in column f)[r][f]) for y's dtype T.
Tensor reduce_spectrogram_frames(const Tensor& y, const StftOptions& options, double power,
                                 int64_t rows, const SpectrogramFrameReduction& reduce);

// librosa.filters.window_sumsquare for any window: for each sample p of the overlap-add of
// `frames` frames `hop` samples apart, the sum of the squared windows of the frames covering it,
// added in frame order (as librosa adds them):
//   result[p] = sum over t = 0 .. frames-1 with 0 <= p - t*hop < n of window[p - t*hop]^2
// window: [n] -> float64 [n + hop * (frames - 1)]
// Requires: window not empty; hop >= 1; frames >= 1.
// Ensures:  equal, bit for bit, to adding window^2 frame after frame in double (what istft
//           divides by; librosa adds in the spectrum's real dtype, float32 for a complex64
//           spectrum, a difference below the float32 rounding of istft's result).
Tensor window_sum_square(const std::vector<double>& window, int64_t hop, int64_t frames);

// The inverse STFT by weighted overlap-add, as librosa.istft(S, hop_length, win_length,
// n_fft = 2*(bins-1), window='hann', center, length):
//   y[n] = sum_t window[n - t*hop] * irfft(S[:, t])[n - t*hop]  /  sum_t window[n - t*hop]^2
// where the division is skipped for samples whose window sum is (numerically) zero. With center
// the first n_fft/2 samples of the overlap-add are dropped. `length` (when >= 0) trims or
// zero-pads the result to exactly that many samples; -1 keeps librosa's default length
// (center: hop * (frames - 1); not center: n_fft + hop * (frames - 1)).
// options.n_fft is ignored: it is 2*(bins-1). options.pad_mode is ignored.
// real, imag: [1 + n_fft/2, frames] -> y: [length]
// Requires: real and imag of equal shape [bins >= 2, frames >= 1] and dtype; hop_length >= 1;
//           win_length <= n_fft.
// Ensures:  istft(stft(y, o), o, len(y)) == y up to rounding (for hop <= n_fft/2 with Hann).
Tensor istft(const ComplexSpectrogram& spectrum, const StftOptions& options = {},
             int64_t length = -1);

}  // namespace timbre::audio
