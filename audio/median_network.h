// audio/median_network.h - the median of up to 32 values for 16 windows at once (AVX-512; 8 with
// AVX2), by a sorting network on vectors: what HPSS's two median filters (window 31) spend their
// time on.
//
// A sorting network is a fixed list of compare-exchange steps (a, b) -> (min, max) that sorts any
// input. With the 16 lanes of a vector holding 16 independent windows, one step is two
// instructions (vminps, vmaxps) for all 16, with no branches and no data-dependent memory moves -
// unlike the sliding sorted window of median_filter.cpp, whose insertion point changes with every
// sample. Batcher's odd-even merge sort needs 191 steps for 32 inputs; a window of w < 32 values
// is padded with +infinity, which sorts last, so its median (rank w / 2) is element w / 2 of the
// sorted vectors. A median only selects one of the inputs, so the result is exact.
#pragma once

#include <cstdint>

namespace timbre::audio {

// How many windows one vector holds on this CPU: 16 with AVX-512F, 8 with AVX2, 0 when neither
// (then median_network cannot be used). Checked once.
int64_t median_network_lanes();

// For i = 0 .. count - 1 (count a multiple of median_network_lanes()):
//   output[i] = median of first[i + k * step], k = 0 .. window - 1
// i.e. lane i's window is `window` values `step` apart starting at first + i: step 1 slides along
// a row, step = row width walks down neighbouring columns at once.
// Requires: median_network_lanes() > 0; 1 <= window <= 32; no NaN among the values.
void median_network(const float* first, int64_t step, int64_t window, int64_t count, float* output);

}  // namespace timbre::audio
