// tests/test_audio_decode.cpp - load_audio: exact 16-bit samples from .wav and Sun .au files,
// agreement with librosa.load (tests/data/librosa/<signal>/y_first4096.npy), offset/duration,
// channel averaging, resampling, and clear errors for bad files.
//
// Tolerances: decoding 16-bit PCM is exact (s / 32768 is representable in float32), so samples
// are compared with ==. Resampling (audio/resample.h, tests/test_audio_resample.cpp) has no
// golden; here we check the length formula, that a sine keeps its frequency, that it stays
// within 1e-3 of the ideal sine, and that the chosen converter runs after channel averaging.
#include <sndfile.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <vector>

#include "audio/decode.h"
#include "audio/fft.h"
#include "audio/sound_file.h"
#include "test_helpers.h"

namespace timbre::audio {
namespace {

using timbre::testing::data_path;

std::vector<unsigned char> read_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(file), {});
}

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

// The int16 samples of a canonical PCM16 WAV file, read by hand (the "data" chunk).
std::vector<int16_t> wav_samples(const std::string& path) {
  const std::vector<unsigned char> bytes = read_bytes(path);
  size_t position = 12;  // after "RIFF" <size> "WAVE"
  while (position + 8 <= bytes.size()) {
    const uint32_t size = bytes[position + 4] | bytes[position + 5] << 8 |
                          bytes[position + 6] << 16 | uint32_t(bytes[position + 7]) << 24;
    if (std::string(bytes.begin() + position, bytes.begin() + position + 4) == "data") {
      std::vector<int16_t> samples(size / 2);
      for (size_t i = 0; i < samples.size(); ++i) {
        samples[i] =
            static_cast<int16_t>(bytes[position + 8 + 2 * i] | bytes[position + 9 + 2 * i] << 8);
      }
      return samples;
    }
    position += 8 + size + (size & 1);
  }
  ADD_FAILURE() << "no data chunk in " << path;
  return {};
}

// The int16 samples of a Sun .au file: big-endian header; bytes 4..7 give the data offset.
std::vector<int16_t> au_samples(const std::string& path) {
  const std::vector<unsigned char> bytes = read_bytes(path);
  const uint32_t offset = uint32_t(bytes[4]) << 24 | bytes[5] << 16 | bytes[6] << 8 | bytes[7];
  std::vector<int16_t> samples((bytes.size() - offset) / 2);
  for (size_t i = 0; i < samples.size(); ++i) {
    samples[i] = static_cast<int16_t>(bytes[offset + 2 * i] << 8 | bytes[offset + 2 * i + 1]);
  }
  return samples;
}

// A PCM16 WAV file of `channels` interleaved channels; with junk_bytes > 0, a "JUNK" chunk of
// that many bytes (metadata libsndfile skips) comes before the samples.
void write_wav(const std::string& path, const std::vector<int16_t>& interleaved, int channels,
               int sample_rate, uint32_t junk_bytes = 0) {
  std::vector<unsigned char> bytes;
  auto put32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i)
      bytes.push_back(static_cast<unsigned char>(v >> (8 * i)));
  };
  auto put16 = [&](uint16_t v) {
    bytes.push_back(static_cast<unsigned char>(v));
    bytes.push_back(static_cast<unsigned char>(v >> 8));
  };
  auto tag = [&](const char* t) { bytes.insert(bytes.end(), t, t + 4); };
  const uint32_t data_size = static_cast<uint32_t>(interleaved.size() * 2);
  const uint32_t junk_chunk_bytes = junk_bytes > 0 ? 8 + junk_bytes + (junk_bytes & 1) : 0;
  tag("RIFF");
  put32(36 + junk_chunk_bytes + data_size);
  tag("WAVE");
  tag("fmt ");
  put32(16);
  put16(1);  // PCM
  put16(static_cast<uint16_t>(channels));
  put32(static_cast<uint32_t>(sample_rate));
  put32(static_cast<uint32_t>(sample_rate * channels * 2));
  put16(static_cast<uint16_t>(channels * 2));
  put16(16);
  if (junk_bytes > 0) {
    tag("JUNK");
    put32(junk_bytes);
    bytes.insert(bytes.end(), junk_bytes + (junk_bytes & 1), 0x55);
  }
  tag("data");
  put32(data_size);
  for (int16_t s : interleaved)
    put16(static_cast<uint16_t>(s));
  write_bytes(path, bytes);
}

// A scratch directory for files made by the tests, removed afterwards.
class AudioFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("timbre_test_audio_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  std::string path(const std::string& name) const { return (directory_ / name).string(); }

  std::filesystem::path directory_;
};

TEST(AudioDecode, WavSamplesAreExactlyInt16Over32768) {
  for (const char* signal : {"tones", "drums", "mix"}) {
    const std::string path = data_path(std::string("audio/") + signal + ".wav");
    const std::vector<int16_t> expected = wav_samples(path);
    const Tensor y = load_audio(path);
    ASSERT_EQ(y.sizes(), Shape{220500}) << signal;
    ASSERT_EQ(expected.size(), 220500u);
    const float* values = y.data_ptr<float>();
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(values[i], static_cast<float>(expected[i]) / 32768.0f) << signal << " sample " << i;
    }
  }
}

TEST(AudioDecode, AuHonoursTheHeaderOffsetAndMatchesTheWav) {
  const std::string au = data_path("audio/tones.au");
  const std::vector<int16_t> expected = au_samples(au);
  const Tensor y = load_audio(au);
  ASSERT_EQ(y.numel(), static_cast<int64_t>(expected.size()));
  const float* values = y.data_ptr<float>();
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(values[i], static_cast<float>(expected[i]) / 32768.0f) << "sample " << i;
  }
  const Tensor wav = load_audio(data_path("audio/tones.wav"));
  EXPECT_EQ(y.to_vector<float>(), wav.to_vector<float>());
}

TEST(AudioDecode, MatchesLibrosaLoadFloat32AndFloat64) {
  for (const char* signal : {"tones", "drums", "mix"}) {
    const Tensor golden =
        read_npy(data_path(std::string("librosa/") + signal + "/y_first4096.npy"));
    const std::string path = data_path(std::string("audio/") + signal + ".wav");
    const Tensor y32 = load_audio(path);
    const Tensor y64 = load_audio(path, {.dtype = kFloat64});
    ASSERT_EQ(y64.dtype(), kFloat64);
    const std::vector<float> expected = golden.to_vector<float>();
    const float* v32 = y32.data_ptr<float>();
    const double* v64 = y64.data_ptr<double>();
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(v32[i], expected[i]) << signal << " sample " << i;
      ASSERT_EQ(v64[i], static_cast<double>(expected[i])) << signal << " sample " << i;
    }
  }
}

TEST(AudioDecode, NativeRateAndKeepingIt) {
  const std::string path = data_path("audio/drums.wav");
  EXPECT_EQ(native_sample_rate(path), 22050);
  EXPECT_EQ(native_sample_rate(data_path("audio/tones.au")), 22050);
  const Tensor native = load_audio(path, {.sample_rate = 0});
  EXPECT_EQ(native.to_vector<float>(), load_audio(path).to_vector<float>());
  const Tensor channels = load_audio(path, {.mono = false});
  EXPECT_EQ(channels.sizes(), (Shape{1, 220500}));
}

TEST(AudioDecode, OffsetAndDurationCutAtRoundedSamples) {
  const std::string path = data_path("audio/mix.wav");
  const std::vector<float> full = load_audio(path).to_vector<float>();
  const Tensor part = load_audio(path, {.offset = 1.0, .duration = 0.5});
  ASSERT_EQ(part.sizes(), Shape{11025});
  const std::vector<float> values = part.to_vector<float>();
  for (int64_t i = 0; i < 11025; ++i)
    ASSERT_EQ(values[i], full[22050 + i]) << i;
  // A duration past the end stops at the end; an offset of 9.5 s leaves 0.5 s.
  EXPECT_EQ(load_audio(path, {.offset = 9.5, .duration = 3.0}).numel(), 11025);
  EXPECT_EQ(load_audio(path, {.offset = 9.5}).numel(), 11025);
  EXPECT_ERROR_CONTAINS(load_audio(path, {.offset = 11.0}), "past its end");
}

TEST(AudioDecode, RegularFilesAreReadThroughTheirFirstBytesInMemory) {
  // libsndfile parses headers through detail::SoundFile's in-memory head (few system calls)
  // for every format, not only for the WAV files of the decode benchmark.
  for (const char* name :
       {"tones.wav", "tones.au", "drums_1s.flac", "drums_1s.ogg", "drums_1s.mp3"}) {
    const detail::SoundFile file(data_path(std::string("audio/") + name));
    EXPECT_TRUE(file.reads_through_head()) << name;
    EXPECT_EQ(file.info().samplerate, 22050) << name;
  }
}

TEST_F(AudioFiles, AHeaderlessAuFileIsOpenedByItsName) {
  // Without a header, libsndfile goes by the name's extension (".au": raw 8 kHz mu-law), which
  // it can only do when the file is opened by name: SoundFile falls back to that. (Decoding such
  // a file then fails with "truncated": libsndfile 1.2 starts reading 12 bytes in, after its
  // look at the magic number.)
  write_bytes(path("headerless.au"), std::vector<unsigned char>(800, 0x7F));
  const detail::SoundFile file(path("headerless.au"));
  EXPECT_FALSE(file.reads_through_head());
  EXPECT_EQ(file.info().samplerate, 8000);
  EXPECT_EQ(file.info().frames, 800);
}

TEST_F(AudioFiles, AWavFileAfterAnId3TagDecodesAsTheWav) {
  // Some tools put an ID3v2 tag before a WAV file. libsndfile skips it and reads the WAV behind
  // it as an embedded file, at an offset it applies only to files it opens itself: such files
  // are opened by name.
  const std::vector<unsigned char> wav = read_bytes(data_path("audio/tones.wav"));
  std::vector<unsigned char> tagged = {'I', 'D', '3', 3, 0, 0, 0, 0, 0, 20};  // 20 bytes of tag
  tagged.insert(tagged.end(), 20, 0);
  tagged.insert(tagged.end(), wav.begin(), wav.end());
  write_bytes(path("tagged.wav"), tagged);
  const detail::SoundFile file(path("tagged.wav"));
  EXPECT_FALSE(file.reads_through_head());
  EXPECT_EQ(load_audio(path("tagged.wav")).to_vector<float>(),
            load_audio(data_path("audio/tones.wav")).to_vector<float>());
}

// The containers of 16-bit PCM that decode reads in each byte order: WAV little-endian, AU (GTZAN's
// format) and AIFF big-endian, whose bytes are swapped while widening (audio/decode.cpp).
struct Container {
  const char* extension;
  int format;
};
constexpr Container kPcm16Containers[] = {
    {"wav", SF_FORMAT_WAV}, {"au", SF_FORMAT_AU}, {"aiff", SF_FORMAT_AIFF}};

// A one-channel 16-bit PCM file written by libsndfile in `format`'s container.
void write_pcm16(const std::string& path, const std::vector<int16_t>& samples, int sample_rate,
                 int format) {
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format = format | SF_FORMAT_PCM_16;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(file, nullptr) << path << ": " << sf_strerror(nullptr);
  EXPECT_EQ(sf_writef_short(file, samples.data(), std::ssize(samples)), std::ssize(samples));
  sf_close(file);
}

TEST_F(AudioFiles, EverySixteenBitValueDecodesExactlyInEachByteOrder) {
  std::vector<int16_t> samples(65536);
  for (size_t i = 0; i < samples.size(); ++i)
    samples[i] = static_cast<int16_t>(static_cast<int64_t>(i * 40503 % 65536) - 32768);
  for (const Container& container : kPcm16Containers) {
    const std::string file = path(std::string("all.") + container.extension);
    write_pcm16(file, samples, 22050, container.format);
    const std::vector<float> y32 = load_audio(file).to_vector<float>();
    const std::vector<double> y64 = load_audio(file, {.dtype = kFloat64}).to_vector<double>();
    ASSERT_EQ(y32.size(), samples.size()) << container.extension;
    ASSERT_EQ(y64.size(), samples.size()) << container.extension;
    for (size_t i = 0; i < samples.size(); ++i) {
      ASSERT_EQ(y32[i], static_cast<float>(samples[i]) / 32768.0f)
          << container.extension << " sample " << i;
      ASSERT_EQ(y64[i], static_cast<double>(samples[i]) / 32768.0)
          << container.extension << " sample " << i;
    }
  }
}

TEST_F(AudioFiles, Pcm16IsExactInBothDtypesForEveryLengthAndStart) {
  // 16-bit samples are widened in the memory of the result itself (audio/decode.cpp): for every
  // length (vector bodies and scalar tails), start, dtype and byte order the values are
  // s / 32768 exactly, the extremes included.
  std::vector<int16_t> samples(1000);
  for (size_t i = 0; i < samples.size(); ++i)
    samples[i] = static_cast<int16_t>(static_cast<int64_t>(i * 7919 % 65536) - 32768);
  samples[0] = -32768;
  samples[1] = 32767;
  for (const Container& container : kPcm16Containers) {
    const std::string file = path(std::string("ramp.") + container.extension);
    write_pcm16(file, samples, 1000, container.format);
    for (const int64_t start : {0, 1, 3}) {
      for (int64_t count = 1; count <= 40; ++count) {
        const LoadOptions options{.sample_rate = 0,
                                  .offset = static_cast<double>(start) / 1000.0,
                                  .duration = static_cast<double>(count) / 1000.0};
        const std::vector<float> y32 = load_audio(file, options).to_vector<float>();
        LoadOptions options64 = options;
        options64.dtype = kFloat64;
        const std::vector<double> y64 = load_audio(file, options64).to_vector<double>();
        ASSERT_EQ(y32.size(), static_cast<size_t>(count)) << container.extension;
        ASSERT_EQ(y64.size(), static_cast<size_t>(count)) << container.extension;
        for (int64_t i = 0; i < count; ++i) {
          ASSERT_EQ(y32[i], static_cast<float>(samples[start + i]) / 32768.0f)
              << container.extension << " start " << start << " count " << count << " sample " << i;
          ASSERT_EQ(y64[i], static_cast<double>(samples[start + i]) / 32768.0)
              << container.extension << " start " << start << " count " << count << " sample " << i;
        }
      }
    }
  }
}

TEST_F(AudioFiles, TruncatedFilesOfEachContainerAreReportedAsTruncated) {
  // The header announces the data's size; a file cut short of it fails, naming the file.
  std::vector<int16_t> samples(5000, 1234);
  for (const Container& container : kPcm16Containers) {
    const std::string whole = path(std::string("whole.") + container.extension);
    const std::string cut = path(std::string("cut.") + container.extension);
    write_pcm16(whole, samples, 22050, container.format);
    const std::vector<unsigned char> bytes = read_bytes(whole);
    write_bytes(cut, std::vector<unsigned char>(bytes.begin(), bytes.end() - 4001));
    EXPECT_ERROR_CONTAINS(load_audio(cut), cut);
    EXPECT_ERROR_CONTAINS(load_audio(cut), "truncated");
  }
}

TEST_F(AudioFiles, AWavWhoseHeaderGoesBeyondTheBytesInMemoryDecodes) {
  // SoundFile keeps the first 4 KiB in memory; a 10 KiB chunk of metadata before the samples
  // makes libsndfile read the rest of the header from the file.
  std::vector<int16_t> samples(5000);
  for (size_t i = 0; i < samples.size(); ++i)
    samples[i] = static_cast<int16_t>(static_cast<int64_t>(i * 40503 % 65536) - 32768);
  write_wav(path("junk.wav"), samples, 1, 22050, 10001);
  const detail::SoundFile file(path("junk.wav"));
  EXPECT_TRUE(file.reads_through_head());
  EXPECT_EQ(file.info().frames, 5000);
  const std::vector<float> values = load_audio(path("junk.wav")).to_vector<float>();
  ASSERT_EQ(values.size(), samples.size());
  for (size_t i = 0; i < samples.size(); ++i)
    ASSERT_EQ(values[i], static_cast<float>(samples[i]) / 32768.0f) << "sample " << i;
}

TEST_F(AudioFiles, StereoIsAveragedOrKept) {
  const std::vector<int16_t> interleaved = {1000, 3000, -32768, 32767, 5, 6, 0, -1};
  write_wav(path("stereo.wav"), interleaved, 2, 8000);
  const Tensor mono = load_audio(path("stereo.wav"), {.sample_rate = 0});
  const std::vector<float> expected = {2000.0f / 32768, -0.5f / 32768, 5.5f / 32768, -0.5f / 32768};
  EXPECT_EQ(mono.to_vector<float>(), expected);
  const Tensor both = load_audio(path("stereo.wav"), {.sample_rate = 0, .mono = false});
  ASSERT_EQ(both.sizes(), (Shape{2, 4}));
  EXPECT_EQ(both.at({0, 1}), -1.0);
  EXPECT_EQ(both.at({1, 1}), 32767.0 / 32768.0);
}

TEST_F(AudioFiles, ResamplingKeepsLengthFormulaAndFrequency) {
  // One second of a 1 kHz sine at 22050 Hz, amplitude 0.5, resampled to 16 kHz.
  const int native = 22050, target = 16000;
  std::vector<int16_t> samples(native);
  for (int n = 0; n < native; ++n) {
    samples[n] = static_cast<int16_t>(
        std::lround(16384.0 * std::sin(2.0 * std::numbers::pi * 1000.0 * n / native)));
  }
  write_wav(path("sine.wav"), samples, 1, native);
  const Tensor y = load_audio(path("sine.wav"), {.sample_rate = target, .dtype = kFloat64});
  ASSERT_EQ(y.sizes(), Shape{16000});  // ceil(22050 * 16000 / 22050)
  EXPECT_EQ(load_audio(data_path("audio/tones.wav"), {.sample_rate = target}).numel(),
            160000);  // ceil(220500 * 16000 / 22050)
  // The spectrum's peak is at 1000 Hz (bin spacing 1 Hz for 16000 samples at 16 kHz).
  std::vector<double> values = y.to_vector<double>();
  std::vector<double> real(8001), imag(8001);
  rfft(values.data(), 16000, real.data(), imag.data());
  int64_t peak = 0;
  for (int64_t k = 1; k <= 8000; ++k) {
    if (std::hypot(real[k], imag[k]) > std::hypot(real[peak], imag[peak])) peak = k;
  }
  EXPECT_EQ(peak, 1000);
  // Away from the edges (the filter's transients), the samples follow the ideal sine: no delay.
  for (int n = 1000; n < 15000; ++n) {
    ASSERT_NEAR(values[n], 0.5 * std::sin(2.0 * std::numbers::pi * 1000.0 * n / target), 1e-3)
        << "sample " << n;
  }
}

TEST_F(AudioFiles, ResamplingUsesTheChosenTypeAfterAveragingTheChannels) {
  // librosa.load: to_mono at the native rate, then resample(res_type) in the result's dtype.
  std::vector<int16_t> interleaved(2 * 4410);
  for (size_t i = 0; i < interleaved.size(); ++i)
    interleaved[i] = static_cast<int16_t>(static_cast<int64_t>(i * 2654435761u % 20000) - 10000);
  write_wav(path("stereo.wav"), interleaved, 2, 44100);
  for (const ResampleType type : {ResampleType::SoxrHq, ResampleType::SincBest}) {
    for (const DType dtype : {kFloat32, kFloat64}) {
      const Tensor native =
          load_audio(path("stereo.wav"), {.sample_rate = 0, .dtype = dtype});  // [4410]
      const Tensor expected = resample(native, 44100, 22050, type);
      const Tensor y = load_audio(path("stereo.wav"), {.dtype = dtype, .resample_type = type});
      ASSERT_EQ(y.sizes(), Shape{2205});
      ASSERT_EQ(y.dtype(), dtype);
      EXPECT_EQ(y.to_vector<double>(), expected.to_vector<double>())
          << resample_type_name(type) << " " << dtype_name(dtype);
      const Tensor both = load_audio(path("stereo.wav"), {.mono = false, .resample_type = type});
      EXPECT_EQ(both.sizes(), (Shape{2, 2205}));
    }
  }
}

TEST_F(AudioFiles, ErrorsNameTheFileAndTheReason) {
  const std::string missing = path("missing.wav");
  EXPECT_ERROR_CONTAINS(load_audio(missing), "missing.wav");
  EXPECT_ERROR_CONTAINS(load_audio(missing), "no such file");
  EXPECT_ERROR_CONTAINS(native_sample_rate(missing), "missing.wav");

  write_bytes(path("empty.wav"), {});
  EXPECT_ERROR_CONTAINS(load_audio(path("empty.wav")), "empty.wav");

  // A header cut short, and a file whose data stops long before its header says.
  const std::vector<unsigned char> wav = read_bytes(data_path("audio/tones.wav"));
  write_bytes(path("cut_header.wav"), std::vector<unsigned char>(wav.begin(), wav.begin() + 30));
  EXPECT_ERROR_CONTAINS(load_audio(path("cut_header.wav")), "cut_header.wav");
  write_bytes(path("cut_data.wav"), std::vector<unsigned char>(wav.begin(), wav.begin() + 20000));
  EXPECT_ERROR_CONTAINS(load_audio(path("cut_data.wav")), "cut_data.wav");
  EXPECT_ERROR_CONTAINS(load_audio(path("cut_data.wav")), "truncated");

  const std::string text = "This is not audio, just a text file with a .wav name.\n";
  write_bytes(path("text.wav"), std::vector<unsigned char>(text.begin(), text.end()));
  EXPECT_ERROR_CONTAINS(load_audio(path("text.wav")), "text.wav");

  EXPECT_ERROR_CONTAINS(load_audio(directory_.string()), "directory");
  EXPECT_ERROR_CONTAINS(load_audio(data_path("audio/tones.wav"), {.sample_rate = -1}),
                        "sample_rate");
}

}  // namespace
}  // namespace timbre::audio
