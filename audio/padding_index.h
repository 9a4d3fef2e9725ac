// audio/padding_index.h - which sample a position outside a signal reads, under the two
// "reflect" conventions that librosa's features inherit: numpy.pad's (librosa.stft, rms) and
// scipy.ndimage's (the median filters of HPSS). They differ in whether the edge sample repeats.
#pragma once

#include <cstdint>

namespace timbre::audio {

// numpy.pad(mode='reflect'): a mirror about the edge samples, which are not repeated:
//   [a b c d] -> ... c b | a b c d | c b a ...
// The extended signal has period 2*(length-1), so pads longer than the signal reflect again
// (as numpy does).
// Requires: length >= 2.  Ensures: an index in [0, length).
inline int64_t numpy_reflect_index(int64_t position, int64_t length) {
  const int64_t period = 2 * (length - 1);
  int64_t q = position % period;
  if (q < 0) q += period;
  return q < length ? q : period - q;
}

// scipy.ndimage mode='reflect' (numpy.pad's 'symmetric'): a mirror about the array's ends, so
// the edge sample is repeated:
//   [a b c] -> ... c b a | a b c | c b a ...
// The extended array has period 2*length.
// Requires: length >= 1.  Ensures: an index in [0, length).
inline int64_t scipy_reflect_index(int64_t position, int64_t length) {
  const int64_t period = 2 * length;
  int64_t q = position % period;
  if (q < 0) q += period;
  return q < length ? q : period - 1 - q;
}

}  // namespace timbre::audio
