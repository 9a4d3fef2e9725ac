// Unit tests of the audio subcommands of the `timbre` program (cli/features_command.cpp,
// cli/render_command.cpp), run as a separate process the way a user runs it: the arrays
// `timbre features` writes must equal what the library computes for the same clip and options
// (same code, so exactly equal), error exits must name the file, and `timbre render` must write
// a PNG of the requested size.
#include <sys/wait.h>  // WEXITSTATUS

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "audio/beat.h"
#include "audio/chroma.h"
#include "audio/decode.h"
#include "audio/feature_sets.h"
#include "audio/image.h"
#include "audio/mel.h"
#include "audio/onset.h"
#include "audio/render.h"
#include "audio/spectral.h"
#include "test_helpers.h"

using namespace timbre;
using timbre::testing::all_close;
using timbre::testing::data_path;

namespace {

namespace fs = std::filesystem;

using timbre::testing::RunResult;

// A fresh directory per test, and the built `timbre` program (TIMBRE_CLI_PATH) to run in it.
class CliAudio : public timbre::testing::ProgramTest {
 protected:
  CliAudio() : ProgramTest(TIMBRE_CLI_PATH, "timbre_cli_audio_") {}
};

const std::string kDrums = data_path("audio/drums.wav");  // 10 s, 22050 Hz -> 431 frames

TEST_F(CliAudio, FeaturesMfccEqualsTheLibrary) {
  const RunResult result =
      run("features " + kDrums + " --kind mfcc --n-mfcc 13 --out " + path("mfcc.npy"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const Tensor written = read_npy(path("mfcc.npy"));
  EXPECT_EQ(written.sizes(), (Shape{13, 431}));  // librosa's layout: coefficients x frames
  EXPECT_EQ(written.dtype(), kFloat32);
  const Tensor expected = audio::mfcc(audio::load_audio(kDrums), 22050.0, 13);
  EXPECT_TRUE(all_close(written, expected, 0.0, 0.0));
}

TEST_F(CliAudio, FeaturesChromaHonoursPadModeAndDtype) {
  const RunResult result =
      run("features " + kDrums + " --kind chroma --pad-mode reflect --dtype float64 --out " +
          path("chroma.npy"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const Tensor y = audio::load_audio(kDrums, {.dtype = kFloat64});
  const Tensor expected =
      audio::chroma_stft(y, 22050.0, {.pad_mode = audio::PadMode::Reflect});  // [12, 431]
  const Tensor written = read_npy(path("chroma.npy"));
  EXPECT_EQ(written.dtype(), kFloat64);
  EXPECT_TRUE(all_close(written, expected, 0.0, 0.0));
}

TEST_F(CliAudio, FeaturesResampleWithTheChosenResType) {
  // --sr other than the file's rate resamples as librosa.load(sr, res_type): soxr_hq by default.
  for (const std::string res_type : {"", "sinc_fastest"}) {
    const std::string flag = res_type.empty() ? "" : " --res-type " + res_type;
    const RunResult result =
        run("features " + kDrums + " --kind rms --sr 16000" + flag + " --out " + path("rms.npy"));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const audio::ResampleType type =
        audio::parse_resample_type(res_type.empty() ? std::string("soxr_hq") : res_type);
    const Tensor y = audio::load_audio(kDrums, {.sample_rate = 16000, .resample_type = type});
    EXPECT_TRUE(all_close(read_npy(path("rms.npy")), audio::rms(y), 0.0, 0.0)) << res_type;
  }
  const RunResult refused = run("features " + kDrums + " --kind rms --sr 16000 --res-type " +
                                "kaiser_best --out " + path("rms.npy"));
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("kaiser_best"), std::string::npos) << refused.output;
}

TEST_F(CliAudio, FeaturesSpectralCentroidIsFloat64LikeLibrosa) {
  const RunResult result = run("features " + kDrums + " --kind spectral_centroid --hop 256 --out " +
                               path("centroid.npy"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const Tensor written = read_npy(path("centroid.npy"));
  EXPECT_EQ(written.sizes(), (Shape{1, 1 + 220500 / 256}));
  EXPECT_EQ(written.dtype(), kFloat64);  // librosa's float64 frequency axis carries the result
  const Tensor expected =
      audio::spectral_centroid(audio::load_audio(kDrums), 22050.0, {.hop_length = 256});
  EXPECT_TRUE(all_close(written, expected, 0.0, 0.0));
}

TEST_F(CliAudio, FeaturesOnsetEnvIsTheBeatTrackersMedianEnvelope) {
  const RunResult result = run("features " + kDrums + " --kind onset_env --out " + path("o.npy"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const Tensor expected = audio::onset_strength(audio::load_audio(kDrums), 22050.0,
                                                {.aggregate = audio::OnsetAggregate::Median});
  const Tensor written = read_npy(path("o.npy"));
  EXPECT_EQ(written.sizes(), (Shape{431}));
  EXPECT_TRUE(all_close(written, expected, 0.0, 0.0));
}

TEST_F(CliAudio, FeaturesLstm33IsFramesByFeatures) {
  const RunResult result = run("features " + kDrums + " --kind lstm33 --out " + path("x.npy"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const Tensor written = read_npy(path("x.npy"));
  EXPECT_EQ(written.sizes(), (Shape{128, 33}));
  EXPECT_TRUE(all_close(written, audio::lstm33(audio::load_audio(kDrums), 22050.0), 0.0, 0.0));

  // The reports' feature sets fix librosa's defaults: an option they would ignore is an error.
  const RunResult refused =
      run("features " + kDrums + " --kind lstm33 --n-fft 1024 --out " + path("y.npy"));
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("--n-fft does not apply"), std::string::npos) << refused.output;
}

TEST_F(CliAudio, FeaturesTempoPrintsTheBeatTrackerTempo) {
  const RunResult result = run("features " + kDrums + " --kind tempo");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const double expected = audio::beat_track(audio::load_audio(kDrums), 22050.0).tempo;
  EXPECT_EQ(std::stod(result.output), expected) << result.output;  // printed to round-trip
}

TEST_F(CliAudio, FeaturesGtzan57WritesTheCsvHeaderAndRow) {
  const RunResult result =
      run("features " + kDrums + " --kind gtzan57 --label rock --out " + path("features.csv"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::ifstream csv(path("features.csv"));
  std::string header, row;
  std::getline(csv, header);
  std::getline(csv, row);
  EXPECT_EQ(header, audio::gtzan_csv_header());
  EXPECT_EQ(row.rfind("drums.wav,220500,", 0), 0u) << row;
  EXPECT_EQ(row.substr(row.size() - 5), ",rock") << row;
  EXPECT_EQ(std::count(row.begin(), row.end(), ','), 59) << row;  // 60 columns
}

TEST_F(CliAudio, CorruptInputExitsOneNamingTheFile) {
  const std::string corrupt = path("corrupt.wav");
  std::ofstream(corrupt) << "RIFF this is not really a wave file";
  const RunResult result = run("features " + corrupt + " --kind mel --out " + path("mel.npy"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(result.output.rfind("timbre: ", 0), 0u) << result.output;
  EXPECT_NE(result.output.find(corrupt), std::string::npos) << result.output;
  EXPECT_FALSE(fs::exists(path("mel.npy")));
}

TEST_F(CliAudio, UnknownKindIsAUsageError) {
  const RunResult result = run("features " + kDrums + " --kind loudness --out " + path("x.npy"));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("loudness"), std::string::npos) << result.output;
}

TEST_F(CliAudio, RenderWritesAPngOfTheRequestedSize) {
  const RunResult result = run("render " + kDrums + " --kind mel --cmap viridis --size 160x90 " +
                               "--out " + path("mel.png"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const audio::Image image = audio::read_png(path("mel.png"));
  EXPECT_EQ(image.width, 160);
  EXPECT_EQ(image.height, 90);

  const RunResult bad_size =
      run("render " + kDrums + " --kind mel --size 160 --out " + path("bad.png"));
  EXPECT_EQ(bad_size.exit_code, 2) << bad_size.output;
  EXPECT_FALSE(fs::exists(path("bad.png")));
}

TEST_F(CliAudio, RenderResamplesWithTheChosenResType) {
  // The picture of the clip decoded at --sr 16000 through --res-type, as the library draws it.
  for (const std::string res_type : {"soxr_hq", "linear"}) {
    const RunResult result = run("render " + kDrums + " --kind mel --size 160x90 --sr 16000" +
                                 " --res-type " + res_type + " --out " + path("mel.png"));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const Tensor y = audio::load_audio(
        kDrums, {.sample_rate = 16000, .resample_type = audio::parse_resample_type(res_type)});
    const audio::Image expected = audio::render(
        y, 16000.0, audio::ImageKind::Mel, {.width = 160, .height = 90, .colormap = std::nullopt});
    EXPECT_EQ(audio::read_png(path("mel.png")).rgb, expected.rgb) << res_type;
  }
  // The two resamplers give different pictures, so the option is not ignored.
  run("render " + kDrums + " --kind mel --size 160x90 --sr 16000 --out " + path("a.png"));
  run("render " + kDrums + " --kind mel --size 160x90 --sr 16000 --res-type linear --out " +
      path("b.png"));
  EXPECT_NE(audio::read_png(path("a.png")).rgb, audio::read_png(path("b.png")).rgb);
}

}  // namespace
