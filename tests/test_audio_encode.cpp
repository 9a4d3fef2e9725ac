// tests/test_audio_encode.cpp - write_wav (audio/encode.h): 16-bit WAV files that load_audio
// reads back to within 1/65536 (exactly for multiples of 1/32768), values outside [-1, 1]
// clipped, no temporary file left, and bad input named in the error.
#include <unistd.h>  // getpid

#include <filesystem>
#include <string>
#include <vector>

#include "audio/decode.h"
#include "audio/encode.h"
#include "test_helpers.h"

namespace timbre::audio {
namespace {

namespace fs = std::filesystem;

class WriteWav : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() /
            ("timbre_encode_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string path(const std::string& name) const { return (root_ / name).string(); }
  fs::path root_;
};

TEST_F(WriteWav, SixteenBitValuesRoundTripExactly) {
  const std::vector<double> values = {0.0, 0.5, -0.5, -1.0, 32767.0 / 32768.0, 1.0 / 32768.0};
  write_wav(path("a.wav"), from_vector(values, {6}, {.dtype = kFloat64}), 22050);
  EXPECT_EQ(native_sample_rate(path("a.wav")), 22050);
  EXPECT_EQ(load_audio(path("a.wav"), {.dtype = kFloat64}).to_vector<double>(), values);
  EXPECT_FALSE(fs::exists(path("a.wav.tmp")));
}

TEST_F(WriteWav, OtherValuesAreRoundedAndOutOfRangeValuesClipped) {
  write_wav(path("b.wav"), from_vector(std::vector<float>{0.3f, 1.5f, -7.0f}, {3}), 8000);
  const std::vector<double> read =
      load_audio(path("b.wav"), {.sample_rate = 0}).to_vector<double>();
  ASSERT_EQ(read.size(), 3u);
  EXPECT_NEAR(read[0], 0.3, 1.0 / 65536.0);
  EXPECT_EQ(read[1], 32767.0 / 32768.0);  // +1 is not a 16-bit value: the largest one is kept
  EXPECT_EQ(read[2], -1.0);
}

TEST_F(WriteWav, BadInputIsAnErrorNamingTheFile) {
  const Tensor two_d = zeros({2, 3});
  EXPECT_ERROR_CONTAINS(write_wav(path("c.wav"), two_d, 22050), "c.wav': samples must be 1-d");
  EXPECT_ERROR_CONTAINS(write_wav(path("c.wav"), zeros({4}), 0), "sample rate must be > 0");
  EXPECT_ERROR_CONTAINS(write_wav(path("no/such/folder/c.wav"), zeros({4}), 22050),
                        "cannot write '" + path("no/such/folder/c.wav"));
}

}  // namespace
}  // namespace timbre::audio
