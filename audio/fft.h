// audio/fft.h - timbre's own fast Fourier transform (no FFTW): complex and real-input, any size,
// float and double.
//
// The discrete Fourier transform of n complex numbers x[0..n-1] is
//
//   X[k] = sum_{m=0}^{n-1} x[m] * exp(-2*pi*i*k*m / n),      k = 0 .. n-1
//
// and the inverse is x[m] = (1/n) * sum_k X[k] * exp(+2*pi*i*k*m / n) (numpy's convention: the
// forward transform is unscaled, the inverse divides by n).
//
// How it is computed (docs/audio.md derives each step):
//   * n a power of two: the iterative radix-2 Cooley-Tukey algorithm, O(n log n), run two stages
//     per pass over the data (radix-2^2). Twiddle factors
//     exp(-2*pi*i*j/len) are computed once per size with std::cos/std::sin in double (never by
//     repeated multiplication, which would accumulate rounding) and cached.
//   * other n: Bluestein's algorithm turns the DFT into a convolution, done with power-of-two
//     FFTs of size >= 2n-1; still O(n log n), about 3x slower than a power of two.
//   * real input of even n: one complex FFT of n/2 points (even samples as real part, odd samples
//     as imaginary part) plus an O(n) untangling step; half the work of a complex FFT of n.
//
// Complex arrays are stored split: one array of real parts and one of imaginary parts, which lets
// the compiler vectorise the butterflies.
//
// Thread safety: every function may be called from many threads at once (the plan cache is
// guarded by a mutex; scratch memory is per thread).
#pragma once

#include <cstdint>

namespace timbre::audio {

// In-place complex DFT of n points: (real, imag)[0..n-1] <- DFT (or inverse DFT, scaled by 1/n).
// Requires: n >= 1; real and imag each point to n elements and do not overlap.
// Ensures:  the forward transform is unscaled; inverse(forward(x)) == x up to rounding.
template <typename T>
void fft(T* real, T* imag, int64_t n, bool inverse = false);

// Real-input DFT: the n/2 + 1 non-redundant bins of the DFT of n real samples (the others are
// their complex conjugates: X[n-k] = conj(X[k])), as numpy.fft.rfft.
// input: [n] -> out_real, out_imag: [n/2 + 1]
// Requires: n >= 1; input has n elements; outputs have n/2 + 1 elements each.
template <typename T>
void rfft(const T* input, int64_t n, T* out_real, T* out_imag);

// rfft of input[m] * window[m]: the window multiply is done while loading the samples, so a
// caller such as stft needs no windowed copy of each frame. window == nullptr: no window.
// input, window: [n] -> out_real, out_imag: [n/2 + 1]
template <typename T>
void rfft_windowed(const T* input, const T* window, int64_t n, T* out_real, T* out_imag);

// Inverse of rfft, as numpy.fft.irfft(X, n): the n real samples whose rfft is X. The imaginary
// parts of bin 0 and (for even n) bin n/2 are ignored, as numpy ignores them, since a real
// signal's DFT is real there.
// in_real, in_imag: [n/2 + 1] -> output: [n]
// Requires: n >= 1; inputs have n/2 + 1 elements; output has n elements.
template <typename T>
void irfft(const T* in_real, const T* in_imag, int64_t n, T* output);

// The plain O(n^2) DFT straight from the definition, accumulated in double: slow, but obviously
// right; the tests check the fast transforms against it.
// Requires and ensures: as fft.
template <typename T>
void naive_dft(T* real, T* imag, int64_t n, bool inverse = false);

// True when n is a power of two (1, 2, 4, ...).
bool is_power_of_two(int64_t n);

}  // namespace timbre::audio
