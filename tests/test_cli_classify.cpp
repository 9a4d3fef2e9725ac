// tests/test_cli_classify.cpp - `timbre classify` (cli/classify_command.cpp) and `timbre
// preprocess` (cli/preprocess_command.cpp) run as a user runs them. Nothing is trained: classify
// reads freshly initialised weights from `timbre save-init` (which carry the model's name but no
// class names and no input recipe, so the model's default recipe is used), and every song is a
// short tone written with audio::write_wav.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "audio/encode.h"
#include "layers/json.h"
#include "tensor/npy.h"
#include "test_helpers.h"

using namespace timbre;

namespace {

namespace fs = std::filesystem;

using timbre::testing::RunResult;

constexpr int kRate = 22050;

// A tone of `frequency` Hz, `seconds` long, at 22050 Hz: float32 [round(seconds * 22050)].
Tensor tone(double seconds, double frequency) {
  const auto samples = static_cast<int64_t>(std::llround(seconds * kRate));
  std::vector<float> values(static_cast<size_t>(samples));
  for (int64_t n = 0; n < samples; ++n) {
    values[static_cast<size_t>(n)] = static_cast<float>(
        0.4 * std::sin(2 * std::numbers::pi * frequency * static_cast<double>(n) / kRate));
  }
  return from_vector(values, {samples});
}

// The lines of `text` that start with '{' (the JSON lines; stderr's lines are left out).
std::vector<std::string> json_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.front() == '{') lines.push_back(line);
  }
  return lines;
}

bool contains(const std::string& text, const std::string& fragment) {
  return text.find(fragment) != std::string::npos;
}

class CliClassify : public timbre::testing::ProgramTest {
 protected:
  CliClassify() : ProgramTest(TIMBRE_CLI_PATH, "timbre_cli_classify_") {}

  // sutd_lstm's initial weights (seed 0) as w.safetensors, and a 6-s song as song.wav.
  void SetUp() override {
    ProgramTest::SetUp();
    const RunResult saved = run("save-init --model sutd_lstm --out " + path("w.safetensors"));
    ASSERT_EQ(saved.exit_code, 0) << saved.output;
    audio::write_wav(path("song.wav"), tone(6.0, 440.0), kRate);
  }

  // Runs classify and returns the one JSON line it printed, parsed.
  nn::JsonValue classify_one(const std::string& arguments) {
    const RunResult result = run("classify --weights " + path("w.safetensors") + " " + arguments);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    const std::vector<std::string> lines = json_lines(result.output);
    EXPECT_EQ(lines.size(), 1u) << result.output;
    if (lines.empty()) return {};
    return nn::parse_json(lines.front(), "classify output");
  }
};

TEST_F(CliClassify, PrintsOneJsonLineWithGenreTimingWindowsAndProbabilities) {
  const nn::JsonValue line = classify_one("--model sutd_lstm " + path("song.wav"));
  ASSERT_EQ(line.kind, nn::JsonValue::Kind::Object);
  ASSERT_NE(line.find("status"), nullptr);
  EXPECT_EQ(line.find("status")->string, "success");
  ASSERT_NE(line.find("duration"), nullptr);
  EXPECT_GE(line.find("duration")->number, 0.0);
  EXPECT_EQ(line.find("file")->string, path("song.wav"));
  // sutd_lstm's recipe: windows of 3 s every second; a 6-s song starts them at 0, 1, 2 and 3 s.
  ASSERT_NE(line.find("windows"), nullptr);
  EXPECT_EQ(line.find("windows")->number, 4.0);
  const nn::JsonValue* probabilities = line.find("probabilities");
  ASSERT_NE(probabilities, nullptr);
  ASSERT_EQ(probabilities->members.size(), 8u);  // the LSTM's eight outputs
  double sum = 0.0;
  double best = -1.0;
  std::string best_class;
  for (const auto& [name, value] : probabilities->members) {
    EXPECT_GE(value.number, 0.0) << name;
    sum += value.number;
    if (value.number > best) {
      best = value.number;
      best_class = name;
    }
  }
  EXPECT_NEAR(sum, 1.0, 1e-4);
  // The message is the class of the largest summed probability.
  EXPECT_EQ(line.find("message")->string, best_class);
}

TEST_F(CliClassify, WeightsWithoutClassNamesGiveNumberedClasses) {
  // save-init's weights name no classes, and the LSTM's eight outputs are not GTZAN's ten
  // genres, so the outputs are called class0 .. class7.
  const nn::JsonValue line = classify_one(path("song.wav"));  // the model from the metadata
  const nn::JsonValue* probabilities = line.find("probabilities");
  ASSERT_NE(probabilities, nullptr);
  ASSERT_EQ(probabilities->members.size(), 8u);
  for (size_t c = 0; c < 8; ++c) {
    EXPECT_EQ(probabilities->members[c].first, "class" + std::to_string(c));
  }
}

TEST_F(CliClassify, MiddleWindowClassifiesFewerWindows) {
  const nn::JsonValue line = classify_one("--window middle:4 " + path("song.wav"));
  ASSERT_NE(line.find("windows"), nullptr);
  EXPECT_EQ(line.find("windows")->number, 2.0);  // 4 s around the middle: windows at 0 and 1 s
}

TEST_F(CliClassify, AMiddleWindowShorterThanOneSegmentIsOneWindow) {
  const nn::JsonValue line = classify_one("--window middle:2 " + path("song.wav"));
  ASSERT_NE(line.find("windows"), nullptr);
  EXPECT_EQ(line.find("windows")->number, 1.0);
}

TEST_F(CliClassify, VoteChoosesTheMostFrequentWindowDecision) {
  const nn::JsonValue line = classify_one("--vote " + path("song.wav"));
  EXPECT_EQ(line.find("status")->string, "success");
  EXPECT_TRUE(contains(line.find("message")->string, "class"));
  EXPECT_EQ(line.find("windows")->number, 4.0);
}

TEST_F(CliClassify, ABadWindowIsAUsageError) {
  const RunResult result =
      run("classify --weights " + path("w.safetensors") + " --window middle " + path("song.wav"));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "expected all or middle:SECONDS")) << result.output;
}

TEST_F(CliClassify, ACorruptSongGivesAnErrorLineWhileTheOthersAreClassified) {
  {
    std::ofstream corrupt(path("corrupt.wav"), std::ios::binary);
    corrupt << "RIFF this is not a wave file at all";
  }
  const RunResult result = run("classify --weights " + path("w.safetensors") + " " +
                               path("corrupt.wav") + " " + path("song.wav"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const std::vector<std::string> lines = json_lines(result.output);
  ASSERT_EQ(lines.size(), 2u) << result.output;
  const nn::JsonValue failed = nn::parse_json(lines[0], "first line");
  EXPECT_EQ(failed.find("status")->string, "error");
  EXPECT_EQ(failed.find("file")->string, path("corrupt.wav"));
  EXPECT_FALSE(failed.find("message")->string.empty());
  const nn::JsonValue classified = nn::parse_json(lines[1], "second line");
  EXPECT_EQ(classified.find("status")->string, "success");
  EXPECT_EQ(classified.find("file")->string, path("song.wav"));
  EXPECT_TRUE(contains(result.output, "some songs could not be classified")) << result.output;
}

TEST_F(CliClassify, AMissingWeightsFileFailsNamingIt) {
  const RunResult result =
      run("classify --weights " + path("missing.safetensors") + " " + path("song.wav"));
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "missing.safetensors")) << result.output;
}

TEST_F(CliClassify, WeightsOfAnotherModelFailNamingBoth) {
  const RunResult result =
      run("classify --weights " + path("w.safetensors") + " --model sutd_cnn " + path("song.wav"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, "holds a sutd_lstm, not a sutd_cnn")) << result.output;
}

// ---- timbre preprocess ----

class CliPreprocess : public timbre::testing::ProgramTest {
 protected:
  CliPreprocess() : ProgramTest(TIMBRE_CLI_PATH, "timbre_cli_preprocess_") {}

  // A tiny GTZAN in the Kaggle layout: two 1-s clips of each of two genres.
  void SetUp() override {
    ProgramTest::SetUp();
    double frequency = 220.0;
    for (const std::string& genre : {std::string("blues"), std::string("jazz")}) {
      fs::create_directories(path("gtzan/genres_original/" + genre));
      for (int clip = 0; clip < 2; ++clip) {
        audio::write_wav(path("gtzan/genres_original/" + genre + "/" + genre + ".0000" +
                              std::to_string(clip) + ".wav"),
                         tone(1.0, frequency), kRate);
        frequency *= 1.5;
      }
    }
  }
};

TEST_F(CliPreprocess, Lstm33WritesAnArrayPerClipAndTheIndex) {
  const RunResult result =
      run("preprocess " + path("gtzan") + " --kind lstm33 --threads 2 --out " + path("cache"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "4 items of kind lstm33")) << result.output;
  EXPECT_TRUE(fs::exists(path("cache/index.csv")));
  for (const char* clip :
       {"blues/blues.00000", "blues/blues.00001", "jazz/jazz.00000", "jazz/jazz.00001"}) {
    const std::string array = path("cache/" + std::string(clip) + ".npy");
    ASSERT_TRUE(fs::exists(array)) << array;
    EXPECT_EQ(read_npy(array).sizes(), (Shape{44, 33})) << array;  // 1 + 22050 / 512 frames
  }
}

TEST_F(CliPreprocess, ASecondRunReusesTheArrays) {
  const std::string arguments =
      "preprocess " + path("gtzan") + " --kind lstm33 --threads 2 --out " + path("cache");
  ASSERT_EQ(run(arguments).exit_code, 0);
  // Replace one cached array by a marker: a run that recomputed it would overwrite the marker.
  const std::string array = path("cache/jazz/jazz.00001.npy");
  write_npy(array, zeros({5, 33}));
  const RunResult again = run(arguments);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(contains(again.output, "4 items of kind lstm33")) << again.output;
  EXPECT_EQ(read_npy(array).sizes(), (Shape{5, 33}));
}

TEST_F(CliPreprocess, AnUnknownKindFailsListingTheKinds) {
  const RunResult result =
      run("preprocess " + path("gtzan") + " --kind chromagram --out " + path("cache"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, "chromagram")) << result.output;
  for (const char* kind : {"spectrogram", "mel", "mfcc", "lstm33", "gtzan57"}) {
    EXPECT_TRUE(contains(result.output, kind)) << kind << " not in " << result.output;
  }
}

}  // namespace
