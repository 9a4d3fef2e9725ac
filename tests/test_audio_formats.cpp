// tests/test_audio_formats.cpp - load_audio on the compressed formats libsndfile decodes: FLAC
// (lossless: bit-exact), OGG/Vorbis and MP3 (lossy: right rate, length, and shape of the wave),
// averaging of stereo files, and errors that name the file for garbage, empty and cut files.
//
// The fixtures tests/data/audio/drums_1s.{flac,ogg,mp3} are the first second (22050 samples) of
// drums.wav, encoded by flac, oggenc and lame (tests/data/README.md has the commands).
//
// Tolerances: a lossy codec changes every sample, and its encoder and decoder may shift the
// signal by some hundred samples (MP3's encoder delay) and pad the end to a whole frame. So we
// allow the length to grow by at most the delay plus two codec frames, find the shift by
// searching the cross-correlation over +-2000 samples, and require a normalised correlation
// above 0.95 at that shift (we see 0.994 for Vorbis -q 4, 0.985 for MP3 at 128 kbit/s).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "audio/decode.h"
#include "test_helpers.h"

namespace timbre::audio {
namespace {

using timbre::testing::data_path;
namespace fs = std::filesystem;

constexpr int64_t kSamples = 22050;  // 1 s at 22050 Hz

// The first second of drums.wav at its own rate (22050 Hz), the reference for every fixture.
std::vector<double> reference_drums() {
  LoadOptions options;
  options.sample_rate = 0;
  options.duration = 1.0;
  options.dtype = DType::Float64;
  return load_audio(data_path("audio/drums.wav"), options).to_vector<double>();
}

std::vector<double> load_native(const std::string& path) {
  LoadOptions options;
  options.sample_rate = 0;  // no resampling: we compare with the file's own samples
  options.dtype = DType::Float64;
  return load_audio(path, options).to_vector<double>();
}

struct Alignment {
  int lag = 0;               // decoded[i + lag] lines up with reference[i]
  double correlation = 0.0;  // normalised (cosine) correlation over the overlap at that lag
};

// Searches lags -max_lag..max_lag for the largest normalised correlation between `reference`
// and `decoded`. Each lag is normalised by the energy of the overlapping parts only, so a shift
// that leaves some samples out is not penalised for them.
Alignment best_alignment(const std::vector<double>& reference, const std::vector<double>& decoded,
                         int max_lag) {
  Alignment best{0, -2.0};
  const int64_t n_ref = static_cast<int64_t>(reference.size());
  const int64_t n_dec = static_cast<int64_t>(decoded.size());
  for (int lag = -max_lag; lag <= max_lag; ++lag) {
    double dot = 0.0, energy_ref = 0.0, energy_dec = 0.0;
    for (int64_t i = std::max<int64_t>(0, -lag); i < n_ref && i + lag < n_dec; ++i) {
      const double r = reference[i];
      const double d = decoded[i + lag];
      dot += r * d;
      energy_ref += r * r;
      energy_dec += d * d;
    }
    if (energy_ref == 0.0 || energy_dec == 0.0) continue;
    const double correlation = dot / std::sqrt(energy_ref * energy_dec);
    if (correlation > best.correlation) best = {lag, correlation};
  }
  return best;
}

// Is `error` libsndfile saying that it does not know the format at all (built without it)?
bool is_unsupported_format(const std::string& error) {
  return error.find("unknown format") != std::string::npos ||
         error.find("not recognised") != std::string::npos ||
         error.find("not supported") != std::string::npos;
}

// Checks a lossy fixture: rate, length within `max_extra` samples of padding, correlation.
void check_lossy(const std::string& name, int64_t max_extra) {
  const std::string path = data_path("audio/" + name);
  EXPECT_EQ(native_sample_rate(path), 22050);
  const std::vector<double> reference = reference_drums();
  const std::vector<double> decoded = load_native(path);
  const int64_t length = static_cast<int64_t>(decoded.size());
  EXPECT_GE(length, kSamples - 1) << name;
  EXPECT_LE(length, kSamples + max_extra) << name;
  const Alignment alignment = best_alignment(reference, decoded, 2000);
  EXPECT_GT(alignment.correlation, 0.95) << name << " at lag " << alignment.lag;
  // What the codec and libsndfile did (docs/audio.md quotes it): printed, and kept as
  // properties in gtest's XML report.
  std::printf("%s: %lld samples (reference %lld), best lag %d, correlation %.5f\n", name.c_str(),
              static_cast<long long>(length), static_cast<long long>(kSamples), alignment.lag,
              alignment.correlation);
  ::testing::Test::RecordProperty(name + "_samples", std::to_string(length));
  ::testing::Test::RecordProperty(name + "_lag", std::to_string(alignment.lag));
}

std::vector<char> read_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(file), {});
}

void write_bytes(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream file(path, std::ios::binary);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Appends `value` as `count` little-endian bytes (WAV headers are little-endian).
void put_le(std::vector<char>& bytes, uint32_t value, int count) {
  for (int i = 0; i < count; ++i)
    bytes.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

// Writes a 16-bit PCM WAV file with two channels (left, right interleaved), by hand: the
// canonical 44-byte header ("RIFF", "fmt " chunk, "data" chunk), then the samples.
void write_stereo_wav(const std::string& path, const std::vector<int16_t>& left,
                      const std::vector<int16_t>& right, uint32_t rate) {
  const uint32_t data_bytes = static_cast<uint32_t>(left.size() * 2 * 2);
  std::vector<char> bytes;
  for (char c : std::string("RIFF"))
    bytes.push_back(c);
  put_le(bytes, 36 + data_bytes, 4);
  for (char c : std::string("WAVEfmt "))
    bytes.push_back(c);
  put_le(bytes, 16, 4);            // fmt chunk size
  put_le(bytes, 1, 2);             // PCM
  put_le(bytes, 2, 2);             // channels
  put_le(bytes, rate, 4);          // frames per second
  put_le(bytes, rate * 2 * 2, 4);  // bytes per second
  put_le(bytes, 2 * 2, 2);         // bytes per frame
  put_le(bytes, 16, 2);            // bits per sample
  for (char c : std::string("data"))
    bytes.push_back(c);
  put_le(bytes, data_bytes, 4);
  for (size_t i = 0; i < left.size(); ++i) {
    put_le(bytes, static_cast<uint16_t>(left[i]), 2);
    put_le(bytes, static_cast<uint16_t>(right[i]), 2);
  }
  write_bytes(path, bytes);
}

// The int16 samples behind a decoded 16-bit clip (load_audio returns exactly s / 32768).
std::vector<int16_t> as_int16(const std::vector<double>& samples) {
  std::vector<int16_t> result;
  for (double value : samples)
    result.push_back(static_cast<int16_t>(std::lround(value * 32768.0)));
  return result;
}

std::string temp_file(const std::string& name) {
  return (fs::path(::testing::TempDir()) / ("timbre_formats_" + name)).string();
}

TEST(AudioFormats, FlacDecodesBitExactlyToTheWav) {
  const std::string path = data_path("audio/drums_1s.flac");
  EXPECT_EQ(native_sample_rate(path), 22050);
  const std::vector<double> reference = reference_drums();
  ASSERT_EQ(static_cast<int64_t>(reference.size()), kSamples);
  // Lossless and 16-bit both ways: every sample is the same s / 32768, so == is right.
  EXPECT_EQ(load_native(path), reference);
  // float32 too (s / 32768 is exact in float32).
  const Tensor y32 = load_audio(path);  // 22050 Hz, float32, mono
  const Tensor wav32 = load_audio(data_path("audio/drums.wav"), {.duration = 1.0});
  EXPECT_EQ(y32.to_vector<float>(), wav32.to_vector<float>());
}

TEST(AudioFormats, OggVorbisKeepsRateLengthAndWaveform) {
  // Vorbis stores the exact sample count (the last page's granule position), so the decoder
  // trims its own padding: we allow one 2048-sample block in case it does not.
  check_lossy("drums_1s.ogg", 2048);
}

TEST(AudioFormats, Mp3KeepsRateLengthAndWaveform) {
  const std::string path = data_path("audio/drums_1s.mp3");
  try {
    native_sample_rate(path);
  } catch (const Error& error) {
    if (is_unsupported_format(error.what())) {
      GTEST_SKIP() << "this libsndfile cannot decode MP3 (it needs >= 1.1 built with mpg123 and "
                      "LAME): "
                   << error.what();
    }
    throw;
  }
  // An MP3 frame (MPEG-2 layer III at 22050 Hz) holds 576 samples; lame adds an encoder delay
  // of 576 + 529 samples and pads the end to a whole frame. libsndfile 1.2 (mpg123) reads the
  // LAME tag and removes both (we see exactly 22050 samples, lag 0); an older decoder that does
  // not could give up to delay + 2 frames more.
  check_lossy("drums_1s.mp3", 576 + 529 + 2 * 576);
}

TEST(AudioFormats, StereoFilesAreAveragedToMono) {
  // Left: the drums, right: the tones (first second of each), written as one stereo WAV.
  LoadOptions native{.sample_rate = 0, .duration = 1.0, .dtype = DType::Float64};
  const std::vector<double> left =
      load_audio(data_path("audio/drums.wav"), native).to_vector<double>();
  const std::vector<double> right =
      load_audio(data_path("audio/tones.wav"), native).to_vector<double>();
  const std::string path = temp_file("stereo.wav");
  write_stereo_wav(path, as_int16(left), as_int16(right), 22050);

  const std::vector<double> mono =
      load_audio(path, {.sample_rate = 0, .dtype = DType::Float64}).to_vector<double>();
  ASSERT_EQ(mono.size(), left.size());
  for (size_t i = 0; i < mono.size(); ++i) {
    // (a + b) / 2 of two multiples of 2^-15 is exact in double: compare with ==.
    ASSERT_EQ(mono[i], (left[i] + right[i]) / 2.0) << "sample " << i;
  }
  // mono = false keeps both channels as rows: [2, samples].
  const Tensor both = load_audio(path, {.sample_rate = 0, .mono = false, .dtype = DType::Float64});
  ASSERT_EQ(both.sizes(), (Shape{2, kSamples}));
  const std::vector<double> values = both.to_vector<double>();
  EXPECT_EQ(std::vector<double>(values.begin(), values.begin() + kSamples), left);
  EXPECT_EQ(std::vector<double>(values.begin() + kSamples, values.end()), right);
  fs::remove(path);
}

TEST(AudioFormats, GarbageWithAnMp3NameIsAnErrorNamingTheFile) {
  const std::string path = temp_file("garbage.mp3");
  std::string text;
  for (int i = 0; i < 200; ++i)
    text += "this is a text file, not an MP3 stream. ";
  write_bytes(path, std::vector<char>(text.begin(), text.end()));
  EXPECT_ERROR_CONTAINS(load_audio(path), path);
  fs::remove(path);
}

TEST(AudioFormats, EmptyFileIsAnErrorNamingTheFile) {
  const std::string path = temp_file("empty.flac");
  write_bytes(path, {});
  EXPECT_ERROR_CONTAINS(load_audio(path), path);
  fs::remove(path);
}

TEST(AudioFormats, TruncatedFlacIsAnErrorNamingTheFile) {
  // The header (STREAMINFO) announces 22050 samples; only the first half of the bytes remain.
  const std::vector<char> whole = read_bytes(data_path("audio/drums_1s.flac"));
  ASSERT_GT(whole.size(), 1000u);
  const std::string path = temp_file("truncated.flac");
  write_bytes(path, std::vector<char>(whole.begin(), whole.begin() + whole.size() / 2));
  EXPECT_ERROR_CONTAINS(load_audio(path), path);
  fs::remove(path);
}

}  // namespace
}  // namespace timbre::audio
