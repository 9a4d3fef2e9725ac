// tests/test_cli_synth.cpp - `timbre synth` (cli/synth_command.cpp) run as a user runs it: it
// writes the synthetic GTZAN's Kaggle layout, a second run reuses it, --no-images leaves the
// pictures out, and bad values or a folder of other options fail with a clear message.
#include <filesystem>
#include <string>

#include "test_helpers.h"

namespace {

namespace fs = std::filesystem;

using timbre::testing::RunResult;

class CliSynth : public timbre::testing::ProgramTest {
 protected:
  CliSynth() : ProgramTest(TIMBRE_CLI_PATH, "timbre_cli_synth_") {}
};

// One clip per genre of 2 s without the CSVs: the smallest data set.
const std::string kTiny = " --clips-per-class 1 --seconds 2 --no-features --threads 2";

TEST_F(CliSynth, WritesTheDataSetThenReusesIt) {
  const RunResult first = run("synth --out " + path("gtzan") + kTiny);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("10 clips"), std::string::npos) << first.output;
  EXPECT_TRUE(fs::exists(path("gtzan/genres_original/reggae/reggae.00000.wav")));
  EXPECT_TRUE(fs::exists(path("gtzan/images_original/reggae/reggae00000.png")));
  EXPECT_TRUE(fs::exists(path("gtzan/synth.json")));
  EXPECT_FALSE(fs::exists(path("gtzan/features_30_sec.csv")));
  const RunResult second = run("synth --out " + path("gtzan") + kTiny);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("up to date"), std::string::npos) << second.output;
}

TEST_F(CliSynth, NoImagesLeavesOutThePictures) {
  const RunResult result = run("synth --no-images --out " + path("gtzan") + kTiny);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(fs::exists(path("gtzan/genres_original/blues/blues.00000.wav")));
  EXPECT_FALSE(fs::exists(path("gtzan/images_original")));
}

TEST_F(CliSynth, ABadValueIsAUsageError) {
  const RunResult result = run("synth --out " + path("gtzan") + " --clips-per-class 0");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("--clips-per-class"), std::string::npos) << result.output;
}

TEST_F(CliSynth, AFolderOfOtherOptionsFailsNamingIt) {
  ASSERT_EQ(run("synth --no-images --out " + path("gtzan") + kTiny).exit_code, 0);
  const RunResult result = run("synth --no-images --seed 3 --out " + path("gtzan") + kTiny);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("synth.json' records a data set made with other options"),
            std::string::npos)
      << result.output;
}

}  // namespace
