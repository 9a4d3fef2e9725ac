// tests/test_audio_feature_sets.cpp - the lstm33 and gtzan57 feature sets (audio/feature_sets.h)
// against librosa 0.10.1 on the three test clips (tones, drums, mix) x pad mode (constant,
// reflect) x dtype (float32, float64). Goldens: tests/data/librosa/<clip>/<pad>_<dtype>/lstm33,
// lstm33_full_last8, gtzan57 (see tests/data/README.md); the clips are decoded from
// tests/data/audio/.
//
// Tolerances: 1e-4 relative for every value, plus an absolute floor per column where a value
// can cross zero (a relative error there means nothing) or where librosa's float32 rounding is
// relative to the frame's loudest cell rather than to the cell itself (the same floors as
// tests/test_audio_features.cpp, which checks each feature alone):
//   MFCC columns: 2e-4 dB on the float32 path (sums of 128 dB values of up to ~80 dB, each
//     rounded to float32), 1e-6 dB on the float64 path;
//   chroma columns: 1e-6 (chroma lies in [0, 1]);
//   centroid and contrast: 1e-9 (librosa returns them in float64 on both paths).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "audio/decode.h"
#include "audio/feature_sets.h"
#include "test_helpers.h"

namespace timbre::audio {
namespace {

using timbre::testing::data_path;

constexpr double kSampleRate = 22050.0;
constexpr double kRelative = 1e-4;

using Case = timbre::testing::LibrosaCase;
using timbre::testing::librosa_case_name;

// The absolute floor of lstm33's column (see the file comment).
double lstm33_floor(int64_t column, DType dtype) {
  if (column < 13) return dtype == kFloat32 ? 2e-4 : 1e-6;  // mfcc
  if (column >= 14 && column < 26) return 1e-6;             // chroma
  return 1e-9;                                              // centroid, contrast
}

// Checks a [frames, 33] table cell by cell; reports the first failure, the failure count and the
// largest relative error (over cells where the relative bound binds).
void expect_lstm33_near(const Tensor& actual, const Tensor& expected, DType dtype,
                        const std::string& what) {
  ASSERT_EQ(actual.sizes(), expected.sizes()) << what;
  ASSERT_EQ(actual.dtype(), kFloat64) << what;
  const std::vector<double> a = actual.to_vector<double>(), e = expected.to_vector<double>();
  int64_t failures = 0;
  double max_relative = 0.0;
  std::string first_failure;
  for (size_t i = 0; i < a.size(); ++i) {
    const int64_t column = static_cast<int64_t>(i) % kLstm33Features;
    const double floor = lstm33_floor(column, dtype);
    const double error = std::fabs(a[i] - e[i]);
    if (std::fabs(e[i]) * kRelative > floor) {
      max_relative = std::max(max_relative, error / std::fabs(e[i]));
    }
    if (!(error <= kRelative * std::fabs(e[i]) + floor)) {
      if (failures++ == 0) {
        first_failure = "frame " + std::to_string(i / kLstm33Features) + " column " +
                        std::to_string(column) + ": " + std::to_string(a[i]) + " vs " +
                        std::to_string(e[i]);
      }
    }
  }
  EXPECT_EQ(failures, 0) << what << ": " << failures << " cells off, first " << first_failure;
  std::printf("  %-40s largest relative error %.2e\n", what.c_str(), max_relative);
}

class FeatureSets : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    y_ = load_audio(data_path("audio/" + GetParam().clip + ".wav"), {.dtype = GetParam().dtype});
    ASSERT_EQ(y_.numel(), 220500);
  }
  Tensor y_;
};

TEST_P(FeatureSets, Lstm33FirstFramesMatchLibrosa) {
  const Case& c = GetParam();
  const Tensor features = lstm33(y_, kSampleRate, c.pad_mode);  // [128, 33]
  expect_lstm33_near(features, c.golden("lstm33"), c.dtype, c.folder() + " lstm33");
}

TEST_P(FeatureSets, Lstm33AllFramesEndLikeLibrosa) {
  // The last frames are where pad_mode matters most (the first ones are covered above).
  const Case& c = GetParam();
  const Tensor features = lstm33(y_, kSampleRate, c.pad_mode, 0);  // [431, 33]
  ASSERT_EQ(features.sizes(), (Shape{431, kLstm33Features}));
  expect_lstm33_near(features.slice(0, 431 - 8, 431).contiguous(), c.golden("lstm33_full_last8"),
                     c.dtype, c.folder() + " lstm33_full[-8:]");
}

TEST_P(FeatureSets, Gtzan57MatchesLibrosa) {
  const Case& c = GetParam();
  const Gtzan57 features = gtzan57(y_, kSampleRate, c.pad_mode);
  ASSERT_EQ(features.names, gtzan57_names());
  const std::vector<double> expected = c.golden("gtzan57").to_vector<double>();
  ASSERT_EQ(features.values.size(), expected.size());
  double max_relative = 0.0;
  for (size_t i = 0; i < expected.size(); ++i) {
    const std::string& name = features.names[i];
    if (name == "tempo") {
      // A lag on the 22050 / 512 grid: any difference would be a whole different lag.
      EXPECT_EQ(features.values[i], expected[i]) << c.folder() << " tempo";
      continue;
    }
    const double relative = std::fabs(features.values[i] - expected[i]) / std::fabs(expected[i]);
    max_relative = std::max(max_relative, relative);
    EXPECT_LE(relative, kRelative)
        << c.folder() << " " << name << ": " << features.values[i] << " vs " << expected[i];
  }
  std::printf("  %-40s largest relative error %.2e\n", (c.folder() + " gtzan57").c_str(),
              max_relative);
}

INSTANTIATE_TEST_SUITE_P(Librosa, FeatureSets,
                         ::testing::ValuesIn(timbre::testing::librosa_cases(kFloat32)),
                         librosa_case_name);

TEST(FeatureSetsUnit, Lstm33KeepsShortClipsWhole) {
  // 40 frames only: max_frames cuts nothing.
  const Tensor y = zeros({39 * 512}, {.dtype = kFloat64});
  EXPECT_EQ(lstm33(y, kSampleRate).sizes(), (Shape{40, kLstm33Features}));
  EXPECT_EQ(lstm33(y, kSampleRate, PadMode::Constant, 7).sizes(), (Shape{7, kLstm33Features}));
}

TEST(FeatureSetsUnit, Lstm33RejectsBadInput) {
  EXPECT_ERROR_CONTAINS(lstm33(zeros({2, 100}), kSampleRate), "1-d signal");
  EXPECT_ERROR_CONTAINS(lstm33(zeros({4096}), kSampleRate, PadMode::Constant, -1), "max_frames");
}

TEST(FeatureSetsUnit, GtzanCsvHeaderHasTheKaggleColumns) {
  const std::string header = gtzan_csv_header();
  EXPECT_EQ(header.rfind("filename,length,chroma_stft_mean,chroma_stft_var,rms_mean,", 0), 0u);
  EXPECT_NE(header.find(",perceptr_var,tempo,mfcc1_mean,mfcc1_var,"), std::string::npos);
  EXPECT_EQ(header.substr(header.size() - 28), "mfcc20_mean,mfcc20_var,label");
  EXPECT_EQ(std::count(header.begin(), header.end(), ','), 59);  // 60 columns
  EXPECT_EQ(gtzan57_names().size(), 57u);
}

TEST(FeatureSetsUnit, GtzanCsvRowRoundTripsValues) {
  std::vector<double> values(57, 0.0);
  values[0] = 0.1;
  values[16] = 123.046875;
  values[56] = -1.0 / 3.0;
  const std::string row = gtzan_csv_row("blues.00000.wav", 661794, values, "blues");
  EXPECT_EQ(row.rfind("blues.00000.wav,661794,0.1,0,", 0), 0u) << row;
  EXPECT_NE(row.find(",123.046875,"), std::string::npos) << row;
  const size_t last_value = row.rfind(',', row.size() - 7);
  EXPECT_EQ(std::stod(row.substr(last_value + 1)), -1.0 / 3.0) << row;  // exact round trip
  EXPECT_EQ(row.substr(row.size() - 6), ",blues");
  EXPECT_ERROR_CONTAINS(gtzan_csv_row("a,b.wav", 1, values, "blues"), "comma");
  EXPECT_ERROR_CONTAINS(gtzan_csv_row("a.wav", 1, {1.0}, "blues"), "57");
}

}  // namespace
}  // namespace timbre::audio
