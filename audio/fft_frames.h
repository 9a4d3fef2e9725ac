// audio/fft_frames.h - the real FFTs of 8 frames at once, one frame per SIMD lane: what stft and
// istft spend most of their time on.
//
// A single 2048-point FFT vectorises badly: its first stages combine points 1, 2, 4 apart, which
// sit in the same vector register and need shuffles, and reading z[n/2 - k] backwards costs more
// shuffles. The frames of a spectrogram are independent, though, so here the vector runs across
// frames instead: lane f of every vector belongs to frame f. Each "point" of the transform is a
// vector of 8 doubles, and the butterflies of audio/fft_butterflies.h run on those vectors exactly
// as written for one transform (T = vector of 8 doubles, twiddles W = double), with no shuffles
// at all. As a bonus the results come out bin-major, [bins][8 frames], which is the layout of the
// [bins, frames] spectrogram, so storing them is 8 neighbouring elements per bin.
//
// Every lane does the same operations in the same order as rfft_windowed / irfft of audio/fft.h
// on its frame, so the results are bit for bit those of the one-frame functions (tested).
//
// The vector code is compiled three times, for AVX-512 (a frame vector is one register of 8
// doubles), AVX2 (two registers of 4) and baseline x86-64 (four SSE2 registers of 2), and the
// widest one the CPU runs is used.
#pragma once

#include <cstdint>
#include <optional>

namespace timbre::audio {

// How many frames one call transforms: the lanes of a vector of 8 doubles (one AVX-512 register).
inline constexpr int64_t kFrameLanes = 8;

// True when the frame-batched transforms handle n: a power of two, at least 8.
bool frame_fft_supports(int64_t n);

// The instruction sets the kernels are compiled for. All give the same results bit for bit.
enum class FrameKernel { Avx512, Avx2, Baseline };
// Whether this CPU can run `kernel` (Baseline: always).
bool frame_kernel_runs_here(FrameKernel kernel);
// The kernel rfft_frames and irfft_frames use by default: the widest this CPU runs.
FrameKernel frame_kernel();
// "avx512", "avx2" or "baseline".
const char* frame_kernel_name(FrameKernel kernel);

// The rfft of count <= 8 windowed frames that start hop samples apart:
//   frame f = signal[f*hop + m] * window[m], m = 0 .. n-1, for f = 0 .. count-1.
// signal: [(count-1)*hop + n], window: [n]
//   -> out_real, out_imag: [n/2 + 1][8], element [k][f] = bin k of frame f
// `kernel` picks an instruction set (tests compare them); by default frame_kernel().
// Requires: frame_fft_supports(n); 1 <= count <= 8; hop >= 0; the outputs aligned to 64 bytes;
//           frame_kernel_runs_here(kernel).
// Ensures:  for f < count, column f equals rfft_windowed(frame f) bit for bit; the columns
//           f >= count are unspecified (they repeat frame 0).
void rfft_frames(const double* signal, int64_t hop, int64_t count, const double* window, int64_t n,
                 double* out_real, double* out_imag,
                 std::optional<FrameKernel> kernel = std::nullopt);
// The same for float samples, each widened exactly to double as it is loaded (no double copy of
// the signal needed): bit for bit the results of rfft_frames on the samples converted to double.
void rfft_frames(const float* signal, int64_t hop, int64_t count, const double* window, int64_t n,
                 double* out_real, double* out_imag,
                 std::optional<FrameKernel> kernel = std::nullopt);

// The irfft of 8 spectra at once:
// in_real, in_imag: [n/2 + 1][8], element [k][f] = bin k of frame f
//   -> output: [8][n], row f = the n samples of frame f (ready for the overlap-add of istft)
// Requires: frame_fft_supports(n); all three arrays aligned to 64 bytes;
//           frame_kernel_runs_here(kernel) (by default frame_kernel()).
// Ensures:  row f of output equals irfft(column f of the input) bit for bit.
void irfft_frames(const double* in_real, const double* in_imag, int64_t n, double* output,
                  std::optional<FrameKernel> kernel = std::nullopt);

}  // namespace timbre::audio
