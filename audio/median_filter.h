// audio/median_filter.h - a fast sliding-window median filter along one axis of a 2-d array, as
// scipy.ndimage.median_filter(x, size=(1, window)) or size=(window, 1) with mode='reflect' (what
// librosa.decompose.hpss uses).
//
// For each cell the filter takes the `window` neighbours along the chosen axis (the cell itself
// included) and returns their median. Two scipy conventions matter:
//   * Window position: offsets -window/2 .. window - 1 - window/2 around the cell (integer
//     division). For odd windows that is symmetric; for even windows it reaches one cell further
//     back than forward (window 4: offsets -2, -1, 0, +1).
//   * "Median" of an even count: scipy's rank filter returns the element of rank window/2 in
//     sorted order (0-based), i.e. the UPPER of the two middle values, never their average.
//   * Edges, mode='reflect': the array is mirrored about its edge INCLUDING the edge sample
//     [a b c d] -> [.. c b a | a b c d | d c b ..]   (numpy.pad mode='symmetric')
//     and the mirror repeats (periodically) if the window is longer than the array.
//
// Algorithm: a sorted copy of the current window is kept; moving one step removes the sample
// that leaves and inserts the one that enters (their places found by counting smaller values,
// then one short memmove), so each output costs O(window) cheap, vectorised operations instead
// of re-sorting the window (O(window log window)) - about 30 ns per output for librosa's window
// of 31. float32 arrays with windows up to 32 go instead through sorting networks that compute
// 16 medians at once with AVX-512, 8 with AVX2 (audio/median_network.h; window 31 shares work
// between neighbouring outputs: ~4 ns per output with AVX2).
#pragma once

#include <cstdint>

#include "tensor/tensor.h"

namespace timbre::audio {

// Which axis of a [rows, columns] array the window slides along. For a spectrogram
// [frequency bins, frames]: Time filters each row (size=(1, window)), Frequency filters each
// column (size=(window, 1)).
enum class MedianAxis { Time, Frequency };

// Sliding median of every row (MedianAxis::Time) or column (MedianAxis::Frequency).
// x: [rows, columns] -> [rows, columns]
// Requires: x a 2-d float32 or float64 CPU tensor (any strides) with no NaN; window >= 1.
// Ensures:  a contiguous tensor of x's dtype; result == scipy.ndimage.median_filter(x,
//           size=(1, window) or (window, 1), mode='reflect') exactly (a median only selects,
//           it never rounds).
Tensor median_filter_2d(const Tensor& x, int64_t window, MedianAxis axis);

// The same filter on one strided 1-d sequence, for callers that hold raw arrays:
//   output[i * stride] = median of input[(i + offset) * stride], offset in the window above,
//   with reflect edges. `input` and `output` must not overlap.
// Requires: length >= 1; window >= 1; stride >= 1.
template <typename T>
void median_filter_1d(const T* input, int64_t length, int64_t stride, int64_t window, T* output);

}  // namespace timbre::audio
