// tests/test_audio_batch.cpp - extract_folder (audio/batch.h) and `timbre features FOLDER`:
// every good file is processed once, a corrupt one is reported and skipped, outputs land at
// OUT/<relative path>.npy, the gtzan57 CSV has its rows in sorted file order, and 1 or 3
// threads give byte-identical outputs (each file's work does not depend on the thread count).
//
// The test folder holds tones.wav, drums.wav, sub/mix.wav (a subfolder, to check the recursive
// listing), broken.wav (text, not audio) and notes.txt (not an audio file name: ignored).
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "audio/batch.h"
#include "audio/decode.h"
#include "data/text_file.h"
#include "test_helpers.h"

namespace timbre::audio {
namespace {

using data::lines_of;
using data::read_text;
using timbre::testing::data_path;
using timbre::testing::run_capturing;
using timbre::testing::RunResult;
namespace fs = std::filesystem;

// A fresh folder per test with the clips laid out as described at the top.
class AudioBatch : public timbre::testing::FolderTest {
 protected:
  AudioBatch() : FolderTest("timbre_batch_") {}

  void SetUp() override {
    FolderTest::SetUp();
    input_ = directory_ / "clips";
    fs::create_directories(input_ / "sub");
    fs::copy_file(data_path("audio/tones.wav"), input_ / "tones.wav");
    fs::copy_file(data_path("audio/drums.wav"), input_ / "drums.wav");
    fs::copy_file(data_path("audio/mix.wav"), input_ / "sub" / "mix.wav");
    std::ofstream(input_ / "broken.wav") << "not a RIFF file at all";
    std::ofstream(input_ / "notes.txt") << "ignored";
  }

  fs::path input_;
};

TEST(FormatDuration, GivesMinutesSecondsAndHours) {
  EXPECT_EQ(format_duration(7.0), "0:07");
  EXPECT_EQ(format_duration(62.4), "1:02");
  EXPECT_EQ(format_duration(3723.0), "1:02:03");
}

TEST(FormatDuration, NegativeOrNonFiniteIsAQuestionMark) {
  EXPECT_EQ(format_duration(-1.0), "?");
  EXPECT_EQ(format_duration(std::nan("")), "?");
}

TEST_F(AudioBatch, ListsAudioFilesRecursivelyInSortedOrder) {
  const std::vector<std::string> files =
      list_audio_files(input_.string(), BatchOptions{}.extensions);
  const std::vector<std::string> expected = {
      (input_ / "broken.wav").string(), (input_ / "drums.wav").string(),
      (input_ / "sub" / "mix.wav").string(), (input_ / "tones.wav").string()};
  EXPECT_EQ(files, expected);
  EXPECT_ERROR_CONTAINS(list_audio_files((input_ / "tones.wav").string(), {".wav"}),
                        "is not a directory");
}

// The first 1000 decoded samples of each file as .npy: cheap, and enough to tell files apart.
void write_head(const std::string& in, const std::string& out) {
  const Tensor y = load_audio(in);
  write_npy(out, y.slice(0, 0, 1000).contiguous());
}

TEST_F(AudioBatch, ProcessesGoodFilesOnceAndReportsTheCorruptOne) {
  for (int threads : {1, 3}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    const fs::path output = directory_ / ("out" + std::to_string(threads));
    std::mutex mutex;
    std::map<std::string, int> calls;  // input -> how many times extract_one saw it
    BatchOptions options;
    options.threads = threads;
    options.progress = false;
    const BatchSummary summary = extract_folder(
        input_.string(), output.string(),
        [&](const std::string& in, const std::string& out) {
          {
            std::lock_guard<std::mutex> lock(mutex);
            ++calls[in];
          }
          write_head(in, out);
        },
        options);
    EXPECT_EQ(summary.files.size(), 4u);
    EXPECT_EQ(summary.done(), 3);
    for (const std::string& file : summary.files)
      EXPECT_EQ(calls[file], 1) << file;
    ASSERT_EQ(summary.failed.size(), 1u);
    EXPECT_EQ(summary.failed[0], (input_ / "broken.wav").string());
    EXPECT_NE(summary.errors[0].find("broken.wav"), std::string::npos) << summary.errors[0];
    // OUT/<relative path>.npy, the subfolder made for sub/mix.wav; none for the corrupt file.
    EXPECT_TRUE(fs::exists(output / "tones.wav.npy"));
    EXPECT_TRUE(fs::exists(output / "drums.wav.npy"));
    EXPECT_TRUE(fs::exists(output / "sub" / "mix.wav.npy"));
    EXPECT_FALSE(fs::exists(output / "broken.wav.npy"));
  }
  for (const char* name : {"tones.wav.npy", "drums.wav.npy", "sub/mix.wav.npy"}) {
    EXPECT_EQ(read_text(directory_ / "out1" / name), read_text(directory_ / "out3" / name)) << name;
  }
}

TEST_F(AudioBatch, EmptyOutputFolderGivesAnEmptyOutPath) {
  std::atomic<int> empty_outs{0};
  BatchOptions options;
  options.threads = 2;
  options.progress = false;
  extract_folder(
      input_.string(), "",
      [&](const std::string&, const std::string& out) {
        if (out.empty()) ++empty_outs;
      },
      options);
  EXPECT_EQ(empty_outs.load(), 4);
}

// Runs `timbre features <arguments>` (the binary CMake built), stdout and stderr into `log`.
RunResult run_cli(const std::string& arguments, const fs::path& log) {
  return run_capturing(std::string(TIMBRE_CLI_PATH) + " features " + arguments, log.string());
}

TEST_F(AudioBatch, FeaturesCommandOverAFolderWritesTheCsvInSortedOrder) {
  std::string csv[2];
  for (int index = 0; index < 2; ++index) {
    const int threads = index == 0 ? 1 : 3;
    SCOPED_TRACE("threads " + std::to_string(threads));
    const fs::path out = directory_ / ("gtzan" + std::to_string(threads) + ".csv");
    const RunResult result =
        run_cli(input_.string() + " --kind gtzan57 --threads " + std::to_string(threads) +
                    " --progress --out " + out.string(),
                directory_ / "log.txt");
    // The corrupt file makes the exit status 1 after the good files were written.
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("warning: " + (input_ / "broken.wav").string()), std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("3 done, 1 failed"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("4/4 100%"), std::string::npos) << result.output;  // the bar
    csv[index] = read_text(out);
    const std::vector<std::string> lines = lines_of(csv[index]);
    ASSERT_EQ(lines.size(), 4u) << csv[index];
    EXPECT_EQ(lines[0].rfind("filename,length,", 0), 0u) << lines[0];
    // Rows in sorted order of the relative paths: drums.wav, sub/mix.wav, tones.wav.
    EXPECT_EQ(lines[1].rfind("drums.wav,220500,", 0), 0u) << lines[1];
    EXPECT_EQ(lines[2].rfind("mix.wav,220500,", 0), 0u) << lines[2];
    EXPECT_EQ(lines[3].rfind("tones.wav,220500,", 0), 0u) << lines[3];
  }
  EXPECT_EQ(csv[0], csv[1]);
}

TEST_F(AudioBatch, FeaturesCommandOverAFolderWritesOneNpyPerFile) {
  for (int threads : {1, 3}) {
    const fs::path out = directory_ / ("mfcc" + std::to_string(threads));
    const RunResult result = run_cli(input_.string() + " --kind mfcc --threads " +
                                         std::to_string(threads) + " --out " + out.string(),
                                     directory_ / "log.txt");
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("broken.wav"), std::string::npos) << result.output;
    // Without --progress and with stderr redirected to a file: no bar, only the summary.
    EXPECT_EQ(result.output.find("files/s"), std::string::npos) << result.output;
  }
  for (const char* name : {"tones.wav.npy", "drums.wav.npy", "sub/mix.wav.npy"}) {
    ASSERT_TRUE(fs::exists(directory_ / "mfcc1" / name)) << name;
    EXPECT_EQ(read_text(directory_ / "mfcc1" / name), read_text(directory_ / "mfcc3" / name))
        << name;
    // mfcc of a 10-s clip: 20 coefficients x 431 frames.
    EXPECT_EQ(read_npy((directory_ / "mfcc1" / name).string()).sizes(), (Shape{20, 431})) << name;
  }
}

}  // namespace
}  // namespace timbre::audio
