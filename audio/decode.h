// audio/decode.h - reading audio files into tensors, as librosa.load does.
//
// Decoding is done by libsndfile (WAV, Sun/NeXT .au, AIFF, FLAC, OGG/Vorbis, and MP3 from
// libsndfile 1.1 on); resampling by libsoxr or libsamplerate (audio/resample.h). Integer PCM is
// scaled to [-1, 1): a 16-bit sample s becomes exactly s / 32768, the same numbers soundfile (and
// so librosa) returns.
#pragma once

#include <string>

#include "audio/resample.h"
#include "tensor/tensor.h"

namespace timbre::audio {

struct LoadOptions {
  int sample_rate = 22050;  // resample to this rate (Hz); 0 keeps the file's native rate
  bool mono = true;         // average the channels into one
  double offset = 0.0;      // seconds to skip at the start (at the native rate)
  double duration = -1.0;   // seconds to read after the offset; negative reads to the end
  DType dtype = DType::Float32;
  ResampleType resample_type = ResampleType::SoxrHq;  // librosa's res_type (its default)
};

// Decodes `path`, as librosa.load(path, sr=sample_rate, mono, offset, duration, dtype).
//   mono:      -> y: [samples]
//   not mono:  -> y: [channels, samples]   (librosa's layout; a mono file still gives [1, samples])
// The first sample read is round(offset * native_rate) and, with a duration, exactly
// round(duration * native_rate) samples are read (fewer if the file ends first). Channels are
// averaged before resampling. Resampling (audio/resample.h: resample_type, libsoxr's soxr_hq by
// default as librosa) produces ceil(samples * sample_rate / native_rate) samples per channel, as
// librosa.resample does.
// Requires: sample_rate >= 0; offset >= 0; dtype float32 or float64.
// Ensures:  values of integer PCM lie in [-1, 1); the native rate is kept when it already equals
//           sample_rate (no filtering at all, so 16-bit samples are exact).
// Throws timbre::Error naming the file and the reason (libsndfile's message) for a missing,
// empty, truncated, corrupt or unsupported file, and for an offset past the end.
Tensor load_audio(const std::string& path, const LoadOptions& options = {});

// The sample rate stored in the file's header (Hz), without decoding the samples.
// Throws timbre::Error as load_audio when the file cannot be opened.
int native_sample_rate(const std::string& path);

}  // namespace timbre::audio
