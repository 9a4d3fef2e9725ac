// audio/encode.h - writing audio files: the inverse of decode.h for the one format timbre needs
// to write, 16-bit PCM WAV (what GTZAN's Kaggle copy holds, and what the synthetic GTZAN of
// data/synth.h writes).
#pragma once

#include <string>

#include "tensor/tensor.h"

namespace timbre::audio {

// Writes a mono 16-bit PCM WAV file with libsndfile. Each sample x is clipped to [-1, 1] and
// stored as the integer s = clamp(round(x * 32768), -32768, 32767), so load_audio reads back
// s / 32768: every value within 1/65536 of the input (inputs in [-1, 1) round-trip exactly when
// they are multiples of 1/32768). The file is written to "<path>.tmp" and renamed over `path`,
// so a reader (or a cache check after an interrupted run) never sees half a file.
// samples: [n] float32/float64
// Requires: samples a 1-d float32/float64 CPU tensor with n >= 1; sample_rate > 0; the folder of
//           `path` exists and is writable.
// Throws timbre::Error naming the path for bad arguments or a file that cannot be written.
void write_wav(const std::string& path, const Tensor& samples, int sample_rate);

}  // namespace timbre::audio
