// audio/median_network.h - medians of up to 32 values for 16 windows at once (AVX-512; 8 with
// AVX2), by sorting networks on vectors: what HPSS's two median filters (window 31) spend their
// time on.
//
// A sorting network is a fixed list of compare-exchange steps (a, b) -> (min, max) that sorts any
// input. With the lanes of a vector holding independent windows (neighbouring columns of an
// array), one step is two instructions (vminps, vmaxps) for all lanes, with no branches and no
// data-dependent memory moves - unlike the sliding sorted window of median_filter.cpp, whose
// insertion point changes with every sample. Batcher's odd-even merge sort needs 191 steps for 32
// inputs; a window of w < 32 values is padded with +infinity, which sorts last, so its median
// (rank w / 2) is element w / 2 of the sorted vectors. A median only selects one of the inputs, so
// the result is exact.
//
// Window 31 (HPSS) goes further: 8 consecutive outputs down a column share 24 of their 31 values.
// Those 24 are sorted once, as far as ranks 8..15 (the only ranks any of the 8 medians can have:
// each window adds 7 values of its own); then the group splits in halves, each half merges its 4
// newly shared values into the 8 ranks and keeps the 4 its medians can have, and so on down to
// single windows (A. Adams, "Fast median filters using separable sorting networks", 2021, builds
// 2-d filters the same way). All networks are pruned at compile time to the steps that reach the
// ranks kept: 44 min/max instructions per median instead of 274.
#pragma once

#include <cstdint>

namespace timbre::audio {

// How many columns one vector holds on this CPU: 16 with AVX-512F, 8 with AVX2, 0 when neither
// (then median_network_columns cannot be used). Checked once.
int64_t median_network_lanes();

// Medians down the columns of a row-major array:
//   output[i * output_stride + c] = median (rank window / 2) of input[(i + k) * stride + c],
//                                   k = 0 .. window - 1,
//   for i = 0 .. outputs - 1 and c = 0 .. columns - 1.
// input: [outputs + window - 1, stride] -> output: [outputs, output_stride]
// Requires: median_network_lanes() > 0; 1 <= window <= 32; no NaN among the values; the rows
//           of input readable up to column columns rounded up to a multiple of
//           median_network_lanes() (pad the rows: what the padding holds does not matter);
//           output does not overlap input.
// Ensures:  only columns 0 .. columns - 1 of the output rows are written.
void median_network_columns(const float* input, int64_t stride, int64_t window, int64_t outputs,
                            int64_t columns, float* output, int64_t output_stride);

}  // namespace timbre::audio
