// audio/filters.h - the fixed matrices of the audio features: mel and chroma filterbanks, the
// DCT-II that turns log-mel energies into MFCCs, and the frequency scales they are built from.
//
// Everything here follows librosa 0.10.1 (librosa.filters.mel, librosa.filters.chroma,
// librosa.core.convert, scipy.fftpack.dct type 2 norm='ortho') formula for formula, including the
// order of floating-point operations, so that the matrices agree with librosa's to the last bit
// or two. Every matrix is a plain CPU tensor built once; the features multiply spectrograms by it.
#pragma once

#include <cstdint>
#include <vector>

#include "tensor/tensor.h"

namespace timbre::audio {

// ---- Frequency scales ------------------------------------------------------------------------

// Hertz -> mel. Slaney's scale (htk = false, librosa's default) is linear below 1 kHz
// (mel = 3 f / 200) and logarithmic above (27 mels per factor 6.4 in frequency); the HTK scale is
// mel = 2595 log10(1 + f / 700).
// Requires: hz >= 0.  Ensures: the mel value (a strictly increasing function of hz).
double hz_to_mel(double hz, bool htk = false);

// The inverse of hz_to_mel on the same scale.
// Requires: mel >= 0.  Ensures: hz_to_mel(mel_to_hz(m, htk), htk) == m up to rounding.
double mel_to_hz(double mel, bool htk = false);

// `n_mels` frequencies (Hz) evenly spaced on the mel scale from fmin to fmax inclusive
// (librosa.mel_frequencies): the edges and centres of the mel filters.
// Requires: n_mels >= 2, 0 <= fmin < fmax.  Ensures: size n_mels, first fmin, last fmax.
std::vector<double> mel_frequencies(int64_t n_mels, double fmin, double fmax, bool htk = false);

// The centre frequency (Hz) of each rfft bin: k * sr / n_fft for k = 0 .. n_fft/2
// (librosa.fft_frequencies, numpy.fft.rfftfreq).
// Requires: sample_rate > 0, n_fft >= 2.  Ensures: size 1 + n_fft/2.
std::vector<double> fft_frequencies(double sample_rate, int64_t n_fft);

// Hertz -> octaves above C0 (A440 tuned by `tuning` fractions of a bin):
// log2(f / (440 * 2^(tuning / bins_per_octave) / 16)), librosa.hz_to_octs.
// Requires: hz > 0.
double hz_to_octs(double hz, double tuning = 0.0, int64_t bins_per_octave = 12);

// ---- Mel filterbank ---------------------------------------------------------------------------

// How each mel filter is scaled. Slaney: divide the triangle by its width in Hz,
// weight *= 2 / (f_right - f_left), so every filter has (about) the same area and a flat
// spectrum gives equal energy per band. None: triangles of peak height 1.
enum class MelNorm { Slaney, None };

// The mel filterbank of librosa.filters.mel: n_mels overlapping triangles on the rfft bins.
// Filter m rises linearly from mel point m to m + 1 and falls back to 0 at m + 2, where the
// n_mels + 2 points are mel_frequencies(n_mels + 2, fmin, fmax, htk):
//
//   weight[m, k] = max(0, min((f_k - p_m) / (p_{m+1} - p_m), (p_{m+2} - f_k) / (p_{m+2} -
//   p_{m+1})))
//
// dtype float32 (librosa's default, which librosa uses even for float64 audio) rounds each
// triangle value to float32 before the Slaney scaling and again after it, exactly as numpy does
// when librosa fills and scales its float32 array; float64 keeps every step in double.
// Requires: sample_rate > 0, n_fft >= 2, n_mels >= 1, 0 <= fmin < fmax <= sample_rate / 2
//           (fmax <= 0 means sample_rate / 2), dtype float32 or float64.
// Ensures:  a contiguous [n_mels, 1 + n_fft/2] tensor of dtype, all entries >= 0.
Tensor mel_filterbank(double sample_rate, int64_t n_fft, int64_t n_mels = 128, double fmin = 0.0,
                      double fmax = 0.0, bool htk = false, MelNorm norm = MelNorm::Slaney,
                      DType dtype = kFloat32);

// ---- Chroma filterbank ------------------------------------------------------------------------

// The chroma filterbank of librosa.filters.chroma (ctroct = 5, octwidth = 2, norm = 2,
// base_c = true): each rfft bin k > 0 sits at the (fractional) pitch class
// b_k = n_chroma * hz_to_octs(k * sr / n_fft, tuning); chroma c gets a Gaussian bump around it,
//
//   D = ((b_k - c + n_chroma/2 + 10 n_chroma) mod n_chroma) - n_chroma/2    (distance in bins)
//   w[c, k] = exp(-0.5 (2 D / max(b_k - b_{k-1}, 1))^2)
//
// each column is scaled to unit L2 norm, then weighted by a Gaussian over octaves centred on
// octave 5 (~ 880 Hz) with a width of 2 octaves, and the rows are rolled so that row 0 is C.
// Bin 0 (0 Hz) is given b_0 = b_1 - 1.5 n_chroma. Built in double, rounded to dtype at the end
// (librosa's default dtype is float32, also on the float64 path).
// Requires: sample_rate > 0, n_fft >= 4, n_chroma >= 1 (a multiple of 12 for base_c),
//           -0.5 <= tuning < 0.5 (fractions of a chroma bin).
// Ensures:  a contiguous [n_chroma, 1 + n_fft/2] tensor of dtype, entries in [0, 1].
Tensor chroma_filterbank(double sample_rate, int64_t n_fft, int64_t n_chroma = 12,
                         double tuning = 0.0, DType dtype = kFloat32);

// ---- DCT --------------------------------------------------------------------------------------

// The orthonormal DCT-II as a matrix (scipy.fftpack.dct(x, type=2, norm='ortho', axis=0) ==
// dct_matrix(n, n) @ x), truncated to its first n_out rows:
//
//   D[k, n] = s_k cos(pi k (2 n + 1) / (2 N)),   s_0 = sqrt(1 / N),  s_k = sqrt(2 / N) (k > 0)
//
// Requires: 1 <= n_out <= n_in, dtype float32 or float64.
// Ensures:  a contiguous [n_out, n_in] tensor whose rows are orthonormal.
Tensor dct_matrix(int64_t n_out, int64_t n_in, DType dtype = kFloat64);

}  // namespace timbre::audio
