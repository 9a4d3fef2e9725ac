// audio/decode.cpp - libsndfile decoding and channel averaging (resampling: audio/resample.cpp).
#include "audio/decode.h"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "audio/sound_file.h"
#include "audio/target_clones.h"

namespace timbre::audio {

namespace {

// numpy.round: halves go to the even neighbour (std::nearbyint in the default rounding mode).
int64_t round_half_even(double value) {
  return static_cast<int64_t>(std::nearbyint(value));
}

// A 16-bit sample stored in the memory of the float or double it becomes: may_alias tells the
// compiler that writing the results may change such samples, so it keeps reads and writes in the
// loop's order (type-based alias analysis would let it move them past each other).
using int16_in_place = int16_t __attribute__((may_alias));

// out[i] = samples[i] / 32768, libsndfile's normalisation of 16-bit PCM (exact in float and
// double: a 16-bit integer times a power of two), each sample's two bytes swapped first when
// SwapBytes (samples stored in the other byte order than this CPU's). The samples may lie in
// out's own memory, as long as each out[i] ends at or before samples[i + 1] begins
// (read_pcm16_scaled): then every write lands on samples already read, and vectors of any width
// keep that true. ivdep tells the vectoriser so; it cannot prove it (the two arrays overlap) and
// would otherwise stay scalar.
// samples: [count] -> out: [count]
template <bool SwapBytes, typename T>
inline __attribute__((always_inline)) void scale_pcm16_body(const int16_in_place* samples,
                                                            int64_t count, T* out) {
  const T scale = T(1) / T(32768);
#pragma GCC ivdep
  for (int64_t i = 0; i < count; ++i) {
    int16_t sample = samples[i];
    if constexpr (SwapBytes) {
      sample = static_cast<int16_t>(__builtin_bswap16(static_cast<uint16_t>(sample)));
    }
    out[i] = static_cast<T>(sample) * scale;
  }
}
// Compiled for AVX-512, AVX2 and baseline x86-64 (audio/target_clones.h): with AVX2 one instruction
// widens 8 samples to 32-bit integers (and one swaps the bytes of 16), where SSE2 needs an unpack
// and a shift per 4.
TIMBRE_AVX512_AVX2_CLONES void scale_pcm16(const int16_in_place* samples, int64_t count,
                                           bool swap_bytes, float* out) {
  if (swap_bytes) {
    scale_pcm16_body<true>(samples, count, out);
  } else {
    scale_pcm16_body<false>(samples, count, out);
  }
}
TIMBRE_AVX512_AVX2_CLONES void scale_pcm16(const int16_in_place* samples, int64_t count,
                                           bool swap_bytes, double* out) {
  if (swap_bytes) {
    scale_pcm16_body<true>(samples, count, out);
  } else {
    scale_pcm16_body<false>(samples, count, out);
  }
}

// Whether the file's 16-bit samples are stored plainly, in the other byte order than this
// CPU's: the big-endian containers AU (GTZAN's files) and AIFF on x86. libsndfile would read
// them and then swap their bytes in a scalar loop of its own (two thirds of the time of decoding
// a 30-s .au clip); read_pcm16_scaled reads their bytes as stored instead and swaps them while
// widening, in the same pass. Only for containers whose data libsndfile reads as plain PCM
// (FLAC also reports 16-bit PCM, but its bytes are compressed).
bool stored_pcm16_needs_byte_swap(SNDFILE* handle, int format) {
  const int container = format & SF_FORMAT_TYPEMASK;
  return (container == SF_FORMAT_AU || container == SF_FORMAT_AIFF) &&
         sf_command(handle, SFC_RAW_DATA_NEEDS_ENDSWAP, nullptr, 0) == SF_TRUE;
}

// Reads up to `frames` frames of a one-channel 16-bit PCM file and stores them as
// sample / 32768 (scale_pcm16), with no buffer of its own: libsndfile reads the 16-bit samples
// (one system call for the whole clip) into the last 2 * frames bytes of `out`, and they are
// widened forward in place. out[i] ends at byte sizeof(T) * (i + 1), sample i + 1 starts at byte
// (sizeof(T) - 2) * frames + 2 * (i + 1), which is not before it for i < frames. The kernel's
// copy also brings the end of `out` into the cache, so half of the results land on cached lines
// (a separate buffer for the samples was ~5 % slower for a 30-s clip). With swap_bytes
// (stored_pcm16_needs_byte_swap) the samples are read as stored bytes (sf_read_raw, which stops
// at the end of the samples as sf_readf_short does) and swapped here. Returns the number of
// frames read (fewer at a truncated end).
// file: one channel, PCM_16 -> out: [frames]
template <typename T>
sf_count_t read_pcm16_scaled(SNDFILE* handle, sf_count_t frames, bool swap_bytes, T* out) {
  auto* samples = reinterpret_cast<int16_in_place*>(reinterpret_cast<unsigned char*>(out) +
                                                    (sizeof(T) - sizeof(int16_t)) * frames);
  const sf_count_t read = swap_bytes ? sf_read_raw(handle, samples, frames * 2) / 2
                                     : sf_readf_short(handle, samples, frames);
  scale_pcm16(samples, read, swap_bytes, out);
  return read;
}

}  // namespace

int native_sample_rate(const std::string& path) {
  detail::SoundFile file(path);
  return file.info().samplerate;
}

Tensor load_audio(const std::string& path, const LoadOptions& options) {
  TIMBRE_CHECK(options.sample_rate >= 0, "load_audio: sample_rate must be >= 0, got ",
               options.sample_rate);
  TIMBRE_CHECK(options.offset >= 0.0, "load_audio: offset must be >= 0 seconds, got ",
               options.offset);
  TIMBRE_CHECK(options.dtype == DType::Float32 || options.dtype == DType::Float64,
               "load_audio: dtype must be float32 or float64, got ", dtype_name(options.dtype));
  detail::SoundFile file(path);
  const int native_rate = file.info().samplerate;
  const int channels = file.info().channels;
  const int64_t total_frames = file.info().frames;

  const int64_t start = round_half_even(options.offset * native_rate);
  TIMBRE_CHECK(start <= total_frames, "load_audio: offset ", options.offset, " s of '", path,
               "' is past its end (", static_cast<double>(total_frames) / native_rate, " s)");
  int64_t frames = total_frames - start;
  if (options.duration >= 0.0) {
    frames = std::min(frames, round_half_even(options.duration * native_rate));
  }
  if (start > 0) {
    TIMBRE_CHECK(sf_seek(file.handle(), start, SEEK_SET) == start, "load_audio: cannot seek to ",
                 options.offset, " s in '", path, "': ", sf_strerror(file.handle()));
  }

  const int target_rate = options.sample_rate == 0 ? native_rate : options.sample_rate;
  if (channels == 1 && target_rate == native_rate) {
    // Fast path, one channel at its own rate: nothing to average or resample, so libsndfile
    // decodes straight into the result in the requested dtype (no intermediate buffers).
    // sf_readf_float gives exactly the double path's values rounded to float: libsndfile scales
    // integer PCM by a power of two (1/32768, 1/2^31, ...), which adds no rounding of its own.
    const Shape sizes = options.mono ? Shape{frames} : Shape{1, frames};
    Tensor y = empty(sizes, {.dtype = options.dtype});
    sf_count_t read = 0;
    if ((file.info().format & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_16) {
      // 16-bit PCM (GTZAN, most WAVs): libsndfile's integer-to-float loop is scalar, so the
      // samples are read as they are stored and scaled here, in a loop the compiler vectorises.
      // Same values: s * 2^-15 is exact in float and double.
      const bool swap_bytes = stored_pcm16_needs_byte_swap(file.handle(), file.info().format);
      read = dispatch_floating(options.dtype, "load_audio", [&]<typename T>() {
        return read_pcm16_scaled(file.handle(), frames, swap_bytes, y.data_ptr<T>());
      });
    } else {
      read = options.dtype == DType::Float32
                 ? sf_readf_float(file.handle(), y.data_ptr<float>(), frames)
                 : sf_readf_double(file.handle(), y.data_ptr<double>(), frames);
    }
    file.check_no_read_error(path);
    TIMBRE_CHECK(read == frames, "load_audio: '", path, "' is truncated: its header announces ",
                 total_frames, " frames but only ", start + read, " could be read");
    return y;
  }

  // Decode as double: integer PCM scaled by 1/32768 (16 bit) or 1/2^31 (32 bit) is exact there,
  // and both float32 and float64 results are then one rounding away.
  std::vector<double> interleaved(static_cast<size_t>(frames) * channels);
  const sf_count_t read = sf_readf_double(file.handle(), interleaved.data(), frames);
  file.check_no_read_error(path);
  TIMBRE_CHECK(read == frames, "load_audio: '", path, "' is truncated: its header announces ",
               total_frames, " frames but only ", start + read, " could be read");

  // Average the channels (librosa's to_mono) or keep them, in the result's dtype:
  // interleaved [frames * channels] -> y: [out_channels, frames]. Then resample each row, as
  // librosa.load does after to_mono.
  const int out_channels = options.mono ? 1 : channels;
  Tensor y =
      empty(options.mono ? Shape{frames} : Shape{out_channels, frames}, {.dtype = options.dtype});
  dispatch_floating(options.dtype, "load_audio", [&]<typename T>() {
    T* out = y.data_ptr<T>();
    for (int64_t f = 0; f < frames; ++f) {
      if (options.mono) {
        double sum = 0.0;
        for (int c = 0; c < channels; ++c)
          sum += interleaved[f * channels + c];
        out[f] = static_cast<T>(sum / channels);
      } else {
        for (int c = 0; c < channels; ++c)
          out[c * frames + f] = static_cast<T>(interleaved[f * channels + c]);
      }
    }
  });
  if (target_rate != native_rate) {
    y = resample(y, native_rate, target_rate, options.resample_type);
  }
  return y;
}

}  // namespace timbre::audio
