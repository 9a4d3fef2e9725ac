// audio/projection.h - the dense matrix products of the audio features: a small matrix of filter
// weights times every frame of a spectrogram (chroma: 12 x 1025 chroma weights times the power
// spectrogram; MFCC: the n_mfcc x n_mels DCT times the log-mel spectrogram).
//
// The products are accumulated in double whatever T is, over the inputs in increasing order, and
// rounded to T once at the end. Twelve output rows are computed at a time, each holding four
// frames in one vector register (twelve accumulators, the input vector and a weight fill the 16
// registers of AVX2), so every input value is loaded once per twelve rows and the partial sums
// never go through memory. Compiled for AVX2 (4 doubles per instruction) and baseline x86-64 (2),
// picked when the program starts; both do the same operations in the same order (no fused
// multiply-add: audio/CMakeLists.txt), so their results are identical.
#pragma once

#include <cstdint>
#include <vector>

namespace timbre::audio {

// out[j, t] = T( sum_{i = 0 .. n_in-1, in order} matrix[j, i] * double(x[i, t]) )
// matrix: [n_out, n_in] row-major, x: [n_in, frames] -> out: [n_out, frames], T = float or double
// Requires: matrix.size() == n_out * n_in; n_out, n_in, frames >= 0; out does not overlap x.
template <typename T>
void project_columns(const std::vector<double>& matrix, const T* x, int64_t n_out, int64_t n_in,
                     int64_t frames, T* out);

}  // namespace timbre::audio
