// tests/test_data_synth.cpp - the synthetic GTZAN (data/synth.h): clips are a function of the
// seed alone, have the asked length and range, the genres differ the way their recipes say, and
// write_synthetic_gtzan writes the Kaggle layout once, reusing it on the next run and making
// only what is missing. Tiny settings (2-3 s clips, 1-2 clips per genre) keep it fast.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "audio/batch.h"
#include "audio/decode.h"
#include "audio/hpss.h"
#include "audio/image.h"
#include "data/dataset.h"
#include "data/synth.h"
#include "data/text_file.h"
#include "test_helpers.h"

namespace timbre::data {
namespace {

namespace fs = std::filesystem;

size_t count_fields(const std::string& line) {
  return static_cast<size_t>(std::count(line.begin(), line.end(), ',')) + 1;
}

SynthOptions short_clips(double seconds = 2.0) {
  SynthOptions options;
  options.seconds = seconds;
  options.progress = false;
  return options;
}

TEST(SynthesizeClip, IsAFunctionOfSeedGenreAndIndex) {
  const SynthOptions options = short_clips();
  const std::vector<float> first = synthesize_clip(3, 5, options).to_vector<float>();
  const std::vector<float> again = synthesize_clip(3, 5, options).to_vector<float>();
  EXPECT_EQ(first, again);
}

TEST(SynthesizeClip, DifferentSeedsAndIndicesGiveDifferentClips) {
  SynthOptions options = short_clips();
  const std::vector<float> base = synthesize_clip(7, 0, options).to_vector<float>();
  EXPECT_NE(base, synthesize_clip(7, 1, options).to_vector<float>());
  options.seed = 1;
  EXPECT_NE(base, synthesize_clip(7, 0, options).to_vector<float>());
}

TEST(SynthesizeClip, HasTheRequestedLengthAndStaysInRange) {
  SynthOptions options = short_clips(2.5);
  for (int64_t genre = 0; genre < 10; ++genre) {
    SCOPED_TRACE(gtzan_genres()[static_cast<size_t>(genre)]);
    const Tensor clip = synthesize_clip(genre, 0, options);
    EXPECT_EQ(clip.sizes(), (Shape{55125}));  // round(2.5 * 22050)
    EXPECT_EQ(clip.dtype(), kFloat32);
    double energy = 0.0;
    for (float value : clip.to_vector<float>()) {
      ASSERT_GE(value, -1.0f);
      ASSERT_LT(value, 1.0f);
      energy += static_cast<double>(value) * value;
    }
    EXPECT_GT(std::sqrt(energy / 55125.0), 0.01) << "the clip is (nearly) silent";
  }
}

TEST(SynthesizeClip, DoesNotDependOnTheNumberOfThreads) {
  const SynthOptions options = short_clips();
  std::vector<std::vector<float>> parallel(10);
  audio::ParallelOptions threads;
  threads.threads = 4;
  threads.progress = false;
  audio::for_each_in_parallel(
      10,
      [&](int64_t genre) {
        parallel[static_cast<size_t>(genre)] =
            synthesize_clip(genre, 2, options).to_vector<float>();
      },
      [](int64_t genre) { return std::to_string(genre); }, threads);
  for (int64_t genre = 0; genre < 10; ++genre)
    EXPECT_EQ(parallel[static_cast<size_t>(genre)],
              synthesize_clip(genre, 2, options).to_vector<float>());
}

// The share of a clip's energy in HPSS's percussive part.
double percussive_share(const Tensor& clip) {
  const auto [harmonic, percussive] = audio::hpss_waveforms(clip);
  double harmonic_energy = 0.0, percussive_energy = 0.0;
  for (float value : harmonic.to_vector<float>())
    harmonic_energy += static_cast<double>(value) * value;
  for (float value : percussive.to_vector<float>())
    percussive_energy += static_cast<double>(value) * value;
  return percussive_energy / (harmonic_energy + percussive_energy);
}

TEST(SynthesizeClip, ClassicalIsLessPercussiveThanMetal) {
  const SynthOptions options = short_clips(2.0);
  double classical = 0.0, metal = 0.0;
  for (int64_t index = 0; index < 3; ++index) {
    classical += percussive_share(synthesize_clip(1, index, options)) / 3.0;
    metal += percussive_share(synthesize_clip(6, index, options)) / 3.0;
  }
  // Classical has no drums (unless borrowed): its "percussive" energy is note onsets only.
  EXPECT_LT(2.0 * classical, metal) << "classical " << classical << ", metal " << metal;
}

TEST(SynthesizeClip, RejectsBadArguments) {
  const SynthOptions options = short_clips();
  EXPECT_ERROR_CONTAINS(synthesize_clip(10, 0, options), "genre must be in [0, 10)");
  EXPECT_ERROR_CONTAINS(synthesize_clip(0, -1, options), "index must be >= 0");
  SynthOptions no_time = options;
  no_time.seconds = 0.0;
  EXPECT_ERROR_CONTAINS(synthesize_clip(0, 0, no_time), "seconds must be in (0, 3600]");
  SynthOptions slow = options;
  slow.sample_rate = 100;
  EXPECT_ERROR_CONTAINS(synthesize_clip(0, 0, slow), "sample_rate must be in [8000, 192000]");
}

// A fresh folder per test.
class WriteSyntheticGtzan : public timbre::testing::FolderTest {
 protected:
  WriteSyntheticGtzan() : FolderTest("timbre_synth_") {}

  // 1 or 2 clips per genre of 3 s, without the CSVs unless asked (they are the slow part).
  SynthOptions tiny(int64_t clips_per_class = 1, bool features = false) const {
    SynthOptions options = short_clips(3.0);
    options.clips_per_class = clips_per_class;
    options.features_30_sec = features;
    options.features_3_sec = features;
    options.threads = 2;
    return options;
  }
};

TEST_F(WriteSyntheticGtzan, WritesTheKaggleLayout) {
  const SynthSummary summary = write_synthetic_gtzan(directory_.string(), tiny(2));
  EXPECT_EQ(summary.clips, 20);
  EXPECT_EQ(summary.failed, 0);
  EXPECT_FALSE(summary.cached);
  for (const std::string& genre : gtzan_genres()) {
    for (const char* number : {"00000", "00001"}) {
      EXPECT_TRUE(
          fs::exists(directory_ / "genres_original" / genre / (genre + "." + number + ".wav")))
          << genre << number;
      EXPECT_TRUE(fs::exists(directory_ / "images_original" / genre / (genre + number + ".png")))
          << genre << number;
    }
  }
  EXPECT_TRUE(fs::exists(directory_ / "synth.json"));
  EXPECT_FALSE(fs::exists(directory_ / "features_30_sec.csv"));  // not asked for
  // The picture is Kaggle's size; the file holds the clip as 16-bit samples.
  const audio::Image image =
      audio::read_png((directory_ / "images_original/jazz/jazz00001.png").string());
  EXPECT_EQ(image.width, 432);
  EXPECT_EQ(image.height, 288);
  const Tensor decoded =
      audio::load_audio((directory_ / "genres_original/jazz/jazz.00001.wav").string());
  EXPECT_TRUE(
      timbre::testing::all_close(decoded, synthesize_clip(5, 1, tiny(2)), 0.0, 1.0 / 32768.0));
}

TEST_F(WriteSyntheticGtzan, WritesBothFeatureCsvsInGtzanOrder) {
  write_synthetic_gtzan(directory_.string(), tiny(1, true));
  const std::vector<std::string> rows30 = lines_of(read_text(directory_ / "features_30_sec.csv"));
  ASSERT_EQ(rows30.size(), 11u);  // header + one row per clip
  EXPECT_EQ(rows30[0].rfind("filename,length,chroma_stft_mean,", 0), 0u) << rows30[0];
  for (const std::string& row : rows30)
    EXPECT_EQ(count_fields(row), 60u) << row;
  EXPECT_EQ(rows30[1].rfind("blues.00000.wav,66150,", 0), 0u) << rows30[1];
  EXPECT_EQ(rows30[10].rfind("rock.00000.wav,66150,", 0), 0u) << rows30[10];
  EXPECT_EQ(rows30[10].substr(rows30[10].rfind(',') + 1), "rock");
  // A 3-s clip (66150 samples) holds one 66149-sample piece.
  const std::vector<std::string> rows3 = lines_of(read_text(directory_ / "features_3_sec.csv"));
  ASSERT_EQ(rows3.size(), 11u);
  EXPECT_EQ(rows3[1].rfind("blues.00000.0.wav,66149,", 0), 0u) << rows3[1];
  EXPECT_EQ(count_fields(rows3[5]), 60u);
}

TEST_F(WriteSyntheticGtzan, SecondRunWithTheSameOptionsRewritesNothing) {
  write_synthetic_gtzan(directory_.string(), tiny());
  const fs::path wav = directory_ / "genres_original/pop/pop.00000.wav";
  const fs::path png = directory_ / "images_original/pop/pop00000.png";
  const auto wav_time = fs::last_write_time(wav);
  const auto png_time = fs::last_write_time(png);
  const SynthSummary again = write_synthetic_gtzan(directory_.string(), tiny());
  EXPECT_TRUE(again.cached);
  EXPECT_EQ(again.written, 0);
  EXPECT_EQ(fs::last_write_time(wav), wav_time);
  EXPECT_EQ(fs::last_write_time(png), png_time);
}

TEST_F(WriteSyntheticGtzan, AnInterruptedRunIsCompletedWithTheSameFiles) {
  write_synthetic_gtzan(directory_.string(), tiny());
  const fs::path wav = directory_ / "genres_original/disco/disco.00000.wav";
  const fs::path png = directory_ / "images_original/metal/metal00000.png";
  const fs::path untouched = directory_ / "genres_original/blues/blues.00000.wav";
  const std::string wav_bytes = read_text(wav);
  const auto untouched_time = fs::last_write_time(untouched);
  // As a run killed while writing: the files are missing and a half temporary file is left.
  fs::remove(wav);
  fs::remove(png);
  std::ofstream(wav.string() + ".tmp") << "RIFF, cut off";
  const SynthSummary summary = write_synthetic_gtzan(directory_.string(), tiny());
  EXPECT_FALSE(summary.cached);
  EXPECT_EQ(summary.written, 2);
  EXPECT_EQ(read_text(wav), wav_bytes);
  EXPECT_TRUE(fs::exists(png));
  EXPECT_EQ(fs::last_write_time(untouched), untouched_time);
}

TEST_F(WriteSyntheticGtzan, AFolderOfOtherOptionsIsAnError) {
  write_synthetic_gtzan(directory_.string(), tiny());
  SynthOptions other = tiny();
  other.seed = 1;
  EXPECT_ERROR_CONTAINS(write_synthetic_gtzan(directory_.string(), other),
                        "records a data set made with other options");
}

}  // namespace
}  // namespace timbre::data
