// audio/resample.h - changing a signal's sample rate, as librosa.resample does.
//
// Two libraries, chosen by librosa's res_type names: libsoxr ("soxr_hq", librosa's default, and
// the other soxr qualities), called as python-soxr's resample() calls it, and libsamplerate's
// converters ("sinc_best", "sinc_medium", "sinc_fastest", "linear", "zero_order_hold"), as
// librosa's samplerate backend. Both give librosa's length: ceil(samples * target / native),
// zero-padded or trimmed (librosa.util.fix_length).
#pragma once

#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace timbre::audio {

enum class ResampleType {
  SoxrVhq,        // libsoxr, very high quality (28-bit, double precision inside)
  SoxrHq,         // libsoxr, high quality (20-bit): librosa's default
  SoxrMq,         // libsoxr, medium quality (16-bit)
  SoxrLq,         // libsoxr, low quality
  SoxrQq,         // libsoxr, quick: cubic interpolation
  SincBest,       // libsamplerate SRC_SINC_BEST_QUALITY (97 dB, 97 % of the band)
  SincMedium,     // libsamplerate SRC_SINC_MEDIUM_QUALITY (97 dB, 90 %)
  SincFastest,    // libsamplerate SRC_SINC_FASTEST (97 dB, 80 %)
  Linear,         // libsamplerate SRC_LINEAR
  ZeroOrderHold,  // libsamplerate SRC_ZERO_ORDER_HOLD
};

// librosa's name of `type` ("soxr_hq", "sinc_best", ...).
std::string resample_type_name(ResampleType type);

// Every type's name, in the order of ResampleType.
std::vector<std::string> resample_type_names();

// The type librosa calls `name`. Throws timbre::Error listing the names for any other.
ResampleType parse_resample_type(const std::string& name);

// Resamples each row of y from native_rate to target_rate (Hz), as
// librosa.resample(y, orig_sr=native_rate, target_sr=target_rate, res_type=type) with its
// defaults (fix=True, scale=False): rows are resampled independently.
//   y: [samples] or [channels, samples] -> [ceil(samples * target_rate / native_rate)] or
//   [channels, that]
// In the dtype of y: libsoxr works in it (float32 or float64, as python-soxr does for numpy
// arrays of that dtype); libsamplerate only in float32, so float64 rows pass through float32.
// Requires: y float32 or float64 on the CPU, 1-D or 2-D, contiguous or not; native_rate,
//           target_rate >= 1.
// Ensures:  y itself when the rates are equal (librosa returns y unchanged then).
// Throws timbre::Error when a library reports an error.
Tensor resample(const Tensor& y, int native_rate, int target_rate,
                ResampleType type = ResampleType::SoxrHq);

}  // namespace timbre::audio
