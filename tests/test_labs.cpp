// tests/test_labs.cpp - the five training labs (examples/) run as a student runs them, each on a
// tiny synthetic GTZAN generated into the test's own folder: one epoch must write every result
// file (checkpoints, history, curves, metrics.json, confusion matrix), the common flags must be
// there and fail clearly, --resume must continue a run, and a second run must reuse the cache.
// Every lab's path comes from CMake (TIMBRE_LAB_<NAME>_PATH).
#include <algorithm>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "data/text_file.h"
#include "layers/json.h"
#include "test_helpers.h"

namespace {

namespace fs = std::filesystem;

using timbre::data::read_text;
using timbre::testing::RunResult;

bool contains(const std::string& text, const std::string& fragment) {
  return text.find(fragment) != std::string::npos;
}

// Where a lab's tiny data set comes from.
enum class TinySet {
  // The lab's own synthetic default, made smaller with its --synthetic-* flags.
  SyntheticFlags,
  // A folder written first by `timbre synth` and given with --data: the labs other than
  // gtzan_cnn have no --synthetic-seconds, and their default 30-s clips (with the feature CSVs)
  // take ~20 s to make on two cores even for two clips per genre.
  SynthFolder,
};

// A lab program and the smallest data set it trains on within a few seconds.
struct Lab {
  std::string name;
  std::string program;
  bool song_level;  // metrics.json also has song_accuracy
  TinySet source;
  // SyntheticFlags: the flags; SynthFolder: the `timbre synth` flags of the folder.
  std::string set_flags;
};

// The smallest clip counts that leave every part of a lab's split non-empty: gtzan_cnn's SUTD
// split needs 2 clips per genre (60% rounds to 1), gtzan_hybrid's 80/20 split 3 (20% of 2 rounds
// to 0), gtzan_lstm's and fma_cnn's 70/20/10 split 6 (10% of 5 rounds to 0); gtzan_mlp splits
// the 3-s rows of 2 songs per genre by song (67/33). 4-s clips hold one 128-frame LSTM window.
const Lab kGtzanCnn{"gtzan_cnn", TIMBRE_LAB_GTZAN_CNN_PATH, false, TinySet::SyntheticFlags,
                    "--synthetic-clips 2 --synthetic-seconds 6"};
const Lab kGtzanLstm{"gtzan_lstm", TIMBRE_LAB_GTZAN_LSTM_PATH, false, TinySet::SynthFolder,
                     "--clips-per-class 6 --seconds 4 --no-images --no-features"};
const Lab kGtzanHybrid{"gtzan_hybrid", TIMBRE_LAB_GTZAN_HYBRID_PATH, false, TinySet::SynthFolder,
                       "--clips-per-class 3 --seconds 6 --no-images"};
const Lab kGtzanMlp{"gtzan_mlp", TIMBRE_LAB_GTZAN_MLP_PATH, true, TinySet::SynthFolder,
                    "--clips-per-class 2 --seconds 6 --no-images"};
const Lab kFmaCnn{"fma_cnn", TIMBRE_LAB_FMA_CNN_PATH, true, TinySet::SyntheticFlags,
                  "--synthetic-clips 6"};

// How GoogleTest prints a Lab (in the names ctest lists and in failures): its name.
void PrintTo(const Lab& lab, std::ostream* out) {
  *out << lab.name;
}

const std::vector<Lab>& all_labs() {
  static const std::vector<Lab> labs = {kGtzanCnn, kGtzanLstm, kGtzanHybrid, kGtzanMlp, kFmaCnn};
  return labs;
}

// A fresh folder per test, and run(lab, arguments) to run a lab there with its cache and its
// output inside that folder.
class LabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    directory_ =
        fs::temp_directory_path() / ("timbre_labs_" + std::to_string(getpid()) + "_" + name);
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  std::string path(const std::string& name) const { return (directory_ / name).string(); }

  // Runs `<program> <arguments>` with stdout and stderr captured.
  RunResult run(const std::string& program, const std::string& arguments) const {
    return timbre::testing::run_capturing(program + " " + arguments, path("output.txt"));
  }
  RunResult run(const Lab& lab, const std::string& arguments) const {
    return run(lab.program, arguments);
  }

  // The flags that give `lab` its tiny data set, writing the `timbre synth` folder first (once
  // per test) when the lab reads one.
  std::string tiny_set(const Lab& lab) const {
    if (lab.source == TinySet::SyntheticFlags) return lab.set_flags;
    const std::string folder = path("gtzan");
    if (!fs::exists(folder)) {
      const RunResult made =
          run(TIMBRE_CLI_PATH, "synth --out " + folder + " --threads 2 " + lab.set_flags);
      EXPECT_EQ(made.exit_code, 0) << made.output;
    }
    return "--data " + folder;
  }

  // Runs `lab` on its tiny set for `epochs` epochs, with --cache <dir>/cache, --out <dir>/run.
  RunResult train(const Lab& lab, int epochs, const std::string& extra = "") const {
    return run(lab, "--cache " + path("cache") + " --out " + path("run") + " " + tiny_set(lab) +
                        " --epochs " + std::to_string(epochs) + " --threads 2 " + extra);
  }

  // Checks the files every run writes into --out, and the keys of metrics.json.
  void expect_run_results(const Lab& lab) const {
    for (const char* file :
         {"best.safetensors", "last.safetensors", "history.csv", "history.json", "curves.svg",
          "curves.png", "metrics.json", "confusion_matrix.svg", "confusion_matrix.png"}) {
      EXPECT_TRUE(fs::exists(path("run/") + file)) << lab.name << " did not write " << file;
    }
    const timbre::nn::JsonValue metrics =
        timbre::nn::parse_json(read_text(path("run/metrics.json")), "metrics.json");
    for (const char* key :
         {"accuracy", "macro_f1", "weighted_f1", "per_class", "confusion_matrix", "classes"}) {
      EXPECT_NE(metrics.find(key), nullptr) << lab.name << ": metrics.json has no " << key;
    }
    EXPECT_EQ(metrics.find("song_accuracy") != nullptr, lab.song_level)
        << lab.name << ": song_accuracy in metrics.json";
    if (const timbre::nn::JsonValue* accuracy = metrics.find("accuracy")) {
      EXPECT_GE(accuracy->number, 0.0);
      EXPECT_LE(accuracy->number, 1.0);
    }
  }

  // The number of epochs history.csv records (its lines after the header).
  int64_t history_epochs() const {
    const std::string text = read_text(path("run/history.csv"));
    return static_cast<int64_t>(std::count(text.begin(), text.end(), '\n')) - 1;
  }

  fs::path directory_;
};

// ---- Every lab: one epoch on a tiny set writes every result ----

TEST_F(LabTest, GtzanCnnTrainsAnEpochAndWritesEveryResult) {
  const RunResult result = train(kGtzanCnn, 1);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "device: cpu")) << result.output;
  expect_run_results(kGtzanCnn);
}

TEST_F(LabTest, GtzanCnnSplitMelReportsSongAccuracy) {
  // 12-s clips give one 10-s slice each: the slices are segments of songs, voted per song.
  const RunResult result = run(kGtzanCnn, "--cache " + path("cache") + " --out " + path("run") +
                                              " --synthetic-clips 2 --synthetic-seconds 12 "
                                              "--kind splitmel --epochs 1 --threads 2");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const Lab split_mel{"gtzan_cnn --kind splitmel", kGtzanCnn.program, true, TinySet::SyntheticFlags,
                      ""};
  expect_run_results(split_mel);
}

TEST_F(LabTest, GtzanLstmTrainsAnEpochAndWritesEveryResult) {
  const RunResult result = train(kGtzanLstm, 1);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expect_run_results(kGtzanLstm);
}

TEST_F(LabTest, GtzanHybridTrainsAnEpochAndWritesEveryResult) {
  const RunResult result = train(kGtzanHybrid, 1);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expect_run_results(kGtzanHybrid);
  EXPECT_TRUE(fs::exists(path("run/scaler.safetensors")));  // what classify standardises with
}

TEST_F(LabTest, GtzanMlpTrainsAnEpochAndWritesEveryResult) {
  const RunResult result = train(kGtzanMlp, 1);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expect_run_results(kGtzanMlp);
  EXPECT_TRUE(fs::exists(path("run/scaler.safetensors")));
}

TEST_F(LabTest, FmaCnnTrainsAnEpochAndWritesEveryResult) {
  const RunResult result = train(kFmaCnn, 1);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expect_run_results(kFmaCnn);
}

// ---- Resuming and the cache ----

TEST_F(LabTest, ResumeContinuesARunToMoreEpochs) {
  ASSERT_EQ(train(kGtzanMlp, 1).exit_code, 0);
  ASSERT_EQ(history_epochs(), 1);
  const RunResult resumed = train(kGtzanMlp, 2, "--resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_TRUE(contains(resumed.output, "resuming from epoch")) << resumed.output;
  EXPECT_EQ(history_epochs(), 2);
  expect_run_results(kGtzanMlp);
}

TEST_F(LabTest, ASecondRunReusesTheSyntheticSetAndThePreprocessedFiles) {
  ASSERT_EQ(train(kGtzanCnn, 1).exit_code, 0);
  // Every cached picture, with the time it was written.
  std::vector<std::pair<fs::path, fs::file_time_type>> pictures;
  for (const auto& entry : fs::recursive_directory_iterator(path("cache/preprocessed"))) {
    if (entry.path().extension() == ".png") {
      pictures.emplace_back(entry.path(), fs::last_write_time(entry.path()));
    }
  }
  ASSERT_EQ(pictures.size(), 20u);  // 2 clips of 10 genres
  const RunResult second = train(kGtzanCnn, 1);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_TRUE(contains(second.output, "is up to date (20 clips; nothing to do)")) << second.output;
  for (const auto& [picture, written] : pictures) {
    EXPECT_EQ(fs::last_write_time(picture), written) << picture << " was rendered again";
  }
}

// ---- What `timbre classify` reads from a lab's run ----

TEST_F(LabTest, ClassifyUsesTheClassesRecipeAndScalerOfALabsRun) {
  ASSERT_EQ(train(kGtzanMlp, 1).exit_code, 0);
  const std::string song = path("gtzan/genres_original/jazz/jazz.00001.wav");
  const RunResult result =
      run(TIMBRE_CLI_PATH, "classify --weights " + path("run/best.safetensors") + " " + song);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  // The JSON line (stderr, captured too, says which device ran the model).
  const std::size_t json_start = result.output.find('{');
  ASSERT_NE(json_start, std::string::npos) << result.output;
  const timbre::nn::JsonValue line =
      timbre::nn::parse_json(result.output.substr(json_start), "classify output");
  EXPECT_EQ(line.find("status")->string, "success");
  // The features recipe cuts windows of 66149 samples (GTZAN's 3-s rows) every second: a 6-s
  // song (132300 samples) has them at 0, 1, 2 and 3 s, the last ending 1 sample before its end.
  EXPECT_EQ(line.find("windows")->number, 4.0);
  const timbre::nn::JsonValue* probabilities = line.find("probabilities");
  ASSERT_NE(probabilities, nullptr);
  const std::vector<std::string> genres = {"blues", "classical", "country", "disco",  "hiphop",
                                           "jazz",  "metal",     "pop",     "reggae", "rock"};
  ASSERT_EQ(probabilities->members.size(), genres.size());
  for (size_t c = 0; c < genres.size(); ++c) {
    EXPECT_EQ(probabilities->members[c].first, genres[c]);
  }
  EXPECT_TRUE(std::find(genres.begin(), genres.end(), line.find("message")->string) !=
              genres.end());
}

// ---- The common flags, for every lab ----

class EveryLab : public LabTest, public ::testing::WithParamInterface<Lab> {};

TEST_P(EveryLab, HelpListsTheCommonFlags) {
  const RunResult result = run(GetParam(), "--help");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* flag :
       {"--data", "--out", "--cache", "--epochs", "--batch-size", "--lr", "--seed", "--device",
        "--threads", "--resume", "--patience", "--synthetic-clips"}) {
    EXPECT_TRUE(contains(result.output, flag)) << flag << " not in\n" << result.output;
  }
}

TEST_P(EveryLab, CudaWithoutAGpuFailsWithOneSentence) {
  const RunResult result =
      run(GetParam(), "--device cuda --cache " + path("cache") + " --out " + path("run"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, GetParam().name + ": cannot run on --device cuda: "))
      << result.output;
  EXPECT_TRUE(contains(result.output, "use --device cpu")) << result.output;
  EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
  EXPECT_FALSE(fs::exists(path("cache"))) << "nothing should be generated before failing";
}

TEST_P(EveryLab, AMissingDataFolderFailsNamingIt) {
  const RunResult result = run(GetParam(), "--data " + path("nonexistent") + " --cache " +
                                               path("cache") + " --out " + path("run"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, path("nonexistent"))) << result.output;
}

TEST_P(EveryLab, ABadFlagValueIsAUsageError) {
  const RunResult result = run(GetParam(), "--epochs 0 --out " + path("run"));
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "--epochs")) << result.output;
  EXPECT_FALSE(fs::exists(path("run"))) << "nothing should be written before failing";
}

INSTANTIATE_TEST_SUITE_P(Labs, EveryLab, ::testing::ValuesIn(all_labs()),
                         [](const ::testing::TestParamInfo<Lab>& info) { return info.param.name; });

}  // namespace
