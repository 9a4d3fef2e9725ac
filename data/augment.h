// data/augment.h - random changes to training examples, drawn fresh every epoch, so that the
// network sees a slightly different picture of each song each time (docs/loading.md).
//
//   data::LoaderOptions options{.batch_size = 10, .seed = 30};
//   options.augment = data::compose({data::random_crop(216), data::time_frequency_mask()});
//
// Every augmentation changes the example's FIRST input (inputs[0]: the picture, spectrogram or
// sequence; the hybrid model's features, inputs[1], are left alone) and draws its random numbers
// only from the generator the DataLoader passes, which is seeded by (seed, epoch, position):
// the same run gives the same augmented batches whatever the threads and prefetching.
#pragma once

#include <cstdint>
#include <vector>

#include "data/loader.h"

namespace timbre::data {

// SpecAugment masks on a picture or spectrogram, as the SUTD melspectMask folder (and
// audio::spec_augment_mask, on the same draws): `count` times, one time mask then one frequency
// mask, each of uniform random width and uniform random start:
//   time (width axis W):       w ~ U{0 .. floor(max_time_fraction * W)},  start ~ U{0 .. W - w}
//   frequency (height axis H): h ~ U{0 .. floor(max_freq_fraction * H)},  start ~ U{0 .. H - h}
// Every masked cell of channel c is set to channel c's largest value before masking (0 dB for a
// ref=max mel spectrogram; for a colour picture, per channel, the brightest colour).
// Draws exactly 4 * count numbers with Generator::below, in the order above, mask after mask.
// inputs[0]: [C, H, W] or [H, W] float32/float64 -> the same shape and dtype
// Requires: fractions in [0, 1]; count >= 0. When applied: inputs[0] of that kind with >= 1 cell
//           (else timbre::Error).
Augmentation time_frequency_mask(double max_time_fraction = 0.15, double max_freq_fraction = 0.3,
                                 int64_t count = 1);

// A window of `width` consecutive columns along the LAST axis at a uniform random start, e.g. a
// random 216-frame (10-s) piece of a [3, 128, 647] mel picture.
// Draws exactly one number with Generator::below: start ~ U{0 .. W - width}.
// inputs[0]: [..., W] -> [..., width] (a new contiguous tensor)
// Requires: width >= 1. When applied: inputs[0] has >= 1 dimension and W >= width (else
//           timbre::Error naming both).
Augmentation random_crop(int64_t width);

// A window of `frames` consecutive time steps along the FIRST axis at a uniform random start,
// for feature sequences, e.g. a random 128-frame piece of a [1293, 33] LSTM sequence.
// Draws exactly one number with Generator::below: start ~ U{0 .. T - frames}.
// inputs[0]: [T, F...] -> [frames, F...] (a new contiguous tensor)
// Requires: frames >= 1. When applied: inputs[0] has >= 1 dimension and T >= frames (else
//           timbre::Error naming both).
Augmentation random_time_window(int64_t frames);

// The augmentations applied one after the other, in order, all drawing from the same generator
// (so the draws are those of the first, then those of the second, ...).
// Requires: every augmentation set (else timbre::Error naming its position).
Augmentation compose(std::vector<Augmentation> augmentations);

}  // namespace timbre::data
