// audio/encode.cpp - 16-bit PCM WAV files through libsndfile, written atomically.
#include "audio/encode.h"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "tensor/error.h"

namespace timbre::audio {

namespace {

// x in [-1, 1] (clipped first) -> the nearest 16-bit integer of x * 32768, the inverse of the
// decoder's s / 32768. +1 itself maps to 32767, the largest value the format has.
int16_t to_pcm16(double x) {
  if (std::isnan(x)) return 0;
  const double clipped = std::clamp(x, -1.0, 1.0);
  const double scaled = std::nearbyint(clipped * 32768.0);
  return static_cast<int16_t>(std::clamp(scaled, -32768.0, 32767.0));
}

}  // namespace

void write_wav(const std::string& path, const Tensor& samples, int sample_rate) {
  TIMBRE_CHECK(samples.dim() == 1, "write_wav: '", path, "': samples must be 1-d, got shape ",
               shape_str(samples.sizes()));
  TIMBRE_CHECK(samples.dtype() == kFloat32 || samples.dtype() == kFloat64, "write_wav: '", path,
               "': samples must be float32 or float64, got ", dtype_name(samples.dtype()));
  TIMBRE_CHECK(samples.device().is_cpu(), "write_wav: '", path, "': samples must be on the CPU");
  TIMBRE_CHECK(samples.numel() >= 1, "write_wav: '", path, "': no samples to write");
  TIMBRE_CHECK(sample_rate > 0, "write_wav: '", path, "': sample rate must be > 0, got ",
               sample_rate);

  const std::vector<double> values = samples.to_vector<double>();
  std::vector<int16_t> pcm(values.size());
  std::transform(values.begin(), values.end(), pcm.begin(), to_pcm16);

  // Write beside the target, then rename: rename within a directory is atomic on POSIX, so a
  // reader sees either the old file or the complete new one.
  const std::string temporary = path + ".tmp";
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* handle = sf_open(temporary.c_str(), SFM_WRITE, &info);
  TIMBRE_CHECK(handle != nullptr, "write_wav: cannot write '", path, "': ", sf_strerror(nullptr),
               " (does its folder exist and is it writable?)");
  const sf_count_t written =
      sf_write_short(handle, pcm.data(), static_cast<sf_count_t>(pcm.size()));
  const int closed = sf_close(handle);
  if (written != static_cast<sf_count_t>(pcm.size()) || closed != 0) {
    std::remove(temporary.c_str());
    TIMBRE_CHECK(false, "write_wav: cannot write '", path, "': wrote ", written, " of ", pcm.size(),
                 " samples (is the disk full?)");
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::remove(temporary.c_str());
    TIMBRE_CHECK(false, "write_wav: cannot rename '", temporary, "' to '", path,
                 "': ", error.message());
  }
}

}  // namespace timbre::audio
