// train/metrics.h: accuracy, precision / recall / F1 (with scikit-learn's zero_division=0),
// macro and weighted F1, the confusion matrix's orientation, ROC-AUC and average precision with
// tied scores, song-level decisions, the report table and metrics.json. scikit-learn is not
// needed: every expected value is worked out by hand in the comments.
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "data/text_file.h"
#include "layers/json.h"
#include "test_helpers.h"
#include "train/metrics.h"

using namespace timbre;
using namespace timbre::train;
using timbre::testing::make;

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kClasses = {"blues", "classical", "country"};

// Seven examples, three classes. Row n's argmax is the predicted class:
//   n  true  probabilities        predicted
//   0   0    [0.7, 0.2, 0.1]      0   right
//   1   0    [0.3, 0.6, 0.1]      1   wrong
//   2   1    [0.2, 0.7, 0.1]      1   right
//   3   1    [0.1, 0.8, 0.1]      1   right
//   4   2    [0.6, 0.1, 0.3]      0   wrong
//   5   2    [0.5, 0.2, 0.3]      0   wrong
//   6   1    [0.1, 0.9, 0.0]      1   right
Tensor seven_probabilities() {
  return make({0.7, 0.2, 0.1, 0.3, 0.6, 0.1, 0.2, 0.7, 0.1, 0.1, 0.8,
               0.1, 0.6, 0.1, 0.3, 0.5, 0.2, 0.3, 0.1, 0.9, 0.0},
              {7, 3});
}
const std::vector<int64_t> kSevenLabels = {0, 0, 1, 1, 2, 2, 1};

}  // namespace

TEST(TrainMetrics, AccuracyIsTheShareOfRowsWhoseArgmaxIsTheLabel) {
  const ClassificationReport report =
      classification_report(seven_probabilities(), kSevenLabels, kClasses);
  EXPECT_EQ(report.samples, 7);
  EXPECT_DOUBLE_EQ(report.accuracy, 4.0 / 7.0);  // rows 0, 2, 3, 6
}

TEST(TrainMetrics, ConfusionMatrixRowsAreTrueClassesAndColumnsPredictedOnes) {
  const ClassificationReport report =
      classification_report(seven_probabilities(), kSevenLabels, kClasses);
  const std::vector<std::vector<int64_t>> expected = {{1, 1, 0}, {0, 3, 0}, {2, 0, 0}};
  EXPECT_EQ(report.confusion_matrix, expected);
  // One example of class 0 predicted as class 2 lands in row 0, column 2.
  const ClassificationReport single =
      classification_report(make({0.1, 0.2, 0.7}, {1, 3}), {0}, kClasses);
  EXPECT_EQ(single.confusion_matrix[0][2], 1);
  EXPECT_EQ(single.confusion_matrix[2][0], 0);
}

TEST(TrainMetrics, PrecisionRecallAndF1PerClass) {
  const ClassificationReport report =
      classification_report(seven_probabilities(), kSevenLabels, kClasses);
  // Class 0: predicted for rows 0, 4, 5, right once: P = 1/3; 2 examples: R = 1/2;
  //          F1 = 2 (1/3)(1/2) / (1/3 + 1/2) = (1/3) / (5/6) = 0.4.
  EXPECT_DOUBLE_EQ(report.per_class[0].precision, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(report.per_class[0].recall, 0.5);
  EXPECT_NEAR(report.per_class[0].f1, 0.4, 1e-12);
  EXPECT_EQ(report.per_class[0].support, 2);
  // Class 1: predicted for rows 1, 2, 3, 6, right three times: P = 3/4, R = 3/3 = 1,
  //          F1 = 2 * 0.75 / 1.75 = 6/7.
  EXPECT_DOUBLE_EQ(report.per_class[1].precision, 0.75);
  EXPECT_DOUBLE_EQ(report.per_class[1].recall, 1.0);
  EXPECT_NEAR(report.per_class[1].f1, 6.0 / 7.0, 1e-12);
  EXPECT_EQ(report.per_class[1].support, 3);
}

TEST(TrainMetrics, NeverPredictedClassHasZeroPrecisionLikeZeroDivisionZero) {
  const ClassificationReport report =
      classification_report(seven_probabilities(), kSevenLabels, kClasses);
  // Class 2 has two examples but is never predicted: 0/0 precision counts as 0, recall 0/2.
  EXPECT_EQ(report.per_class[2].precision, 0.0);
  EXPECT_EQ(report.per_class[2].recall, 0.0);
  EXPECT_EQ(report.per_class[2].f1, 0.0);
  EXPECT_EQ(report.per_class[2].support, 2);
}

TEST(TrainMetrics, MacroF1IsThePlainMeanAndWeightedF1TheSupportWeightedMean) {
  const ClassificationReport report =
      classification_report(seven_probabilities(), kSevenLabels, kClasses);
  // macro = (0.4 + 6/7 + 0) / 3 = 8.8 / 21;  weighted = (0.4*2 + (6/7)*3 + 0*2) / 7 = 23.6 / 49.
  EXPECT_NEAR(report.macro_f1, 8.8 / 21.0, 1e-12);
  EXPECT_NEAR(report.weighted_f1, 23.6 / 49.0, 1e-12);
}

TEST(TrainMetrics, ClassAbsentFromLabelsAndPredictionsIsLeftOutOfTheMacroMean) {
  // Two perfectly classified classes; "country" never occurs: macro F1 is 1, not 2/3, as in
  // scikit-learn's classification_report, and its AUCs are undefined (NaN).
  const ClassificationReport report = classification_report(
      make({0.9, 0.1, 0.0, 0.2, 0.8, 0.0, 0.6, 0.3, 0.1, 0.1, 0.7, 0.2}, {4, 3}), {0, 1, 0, 1},
      kClasses);
  EXPECT_DOUBLE_EQ(report.macro_f1, 1.0);
  EXPECT_DOUBLE_EQ(report.weighted_f1, 1.0);
  EXPECT_TRUE(std::isnan(report.per_class[2].roc_auc));
  EXPECT_TRUE(std::isnan(report.per_class[2].pr_auc));
  EXPECT_DOUBLE_EQ(report.macro_roc_auc, 1.0);  // the mean over classes 0 and 1 only
}

TEST(TrainMetrics, RocAucCountsTiedPositiveNegativePairsAsHalf) {
  // Scores 0.1 (neg), 0.4 (pos), 0.4 (neg), 0.8 (pos). Ranks from 1: 0.1 -> 1, the two 0.4 share
  // (2 + 3) / 2 = 2.5, 0.8 -> 4. Positive rank sum 2.5 + 4 = 6.5; P = N = 2:
  // AUC = (6.5 - 2*3/2) / (2*2) = 3.5 / 4 = 0.875. Pairwise: 1 + 0.5 (tie) + 1 + 1 of 4 pairs.
  EXPECT_DOUBLE_EQ(roc_auc({0.1, 0.4, 0.4, 0.8}, {false, true, false, true}), 0.875);
  EXPECT_DOUBLE_EQ(roc_auc({0.1, 0.2, 0.3}, {false, false, true}), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc({0.3, 0.2, 0.1}, {false, false, true}), 0.0);
}

TEST(TrainMetrics, RocAucIsUndefinedWithoutPositivesOrNegatives) {
  EXPECT_TRUE(std::isnan(roc_auc({0.1, 0.9}, {true, true})));
  EXPECT_TRUE(std::isnan(roc_auc({0.1, 0.9}, {false, false})));
}

TEST(TrainMetrics, AveragePrecisionSumsPrecisionTimesRecallStepsOverDistinctScores) {
  // Same scores. Threshold 0.8: TP 1, FP 0 -> P = 1, R = 1/2: adds (1/2 - 0) * 1 = 1/2.
  // Threshold 0.4 (both tied examples enter together): TP 2, FP 1 -> P = 2/3, R = 1:
  // adds (1 - 1/2) * 2/3 = 1/3. Threshold 0.1: R stays 1, adds 0. AP = 5/6.
  EXPECT_NEAR(average_precision({0.1, 0.4, 0.4, 0.8}, {false, true, false, true}), 5.0 / 6.0,
              1e-12);
  // A perfect ranking has AP 1; no positive leaves AP undefined.
  EXPECT_DOUBLE_EQ(average_precision({0.9, 0.8, 0.1}, {true, true, false}), 1.0);
  EXPECT_TRUE(std::isnan(average_precision({0.9, 0.8}, {false, false})));
}

TEST(TrainMetrics, ReportAucsAreOneVersusRestOnEachProbabilityColumn) {
  const ClassificationReport report =
      classification_report(seven_probabilities(), kSevenLabels, kClasses);
  // Class 0, column 0: scores 0.7+ 0.3+ 0.2 0.1 0.6 0.5 0.1 (+ = positive). Ascending ranks:
  // the two 0.1 share 1.5, 0.2 -> 3, 0.3 -> 4, 0.5 -> 5, 0.6 -> 6, 0.7 -> 7.
  // AUC = (4 + 7 - 3) / (2 * 5) = 0.8.
  EXPECT_NEAR(report.per_class[0].roc_auc, 0.8, 1e-12);
  // AP, descending: 0.7+ (P 1, R 1/2) adds 1/2; 0.6, 0.5 add nothing; 0.3+ (P 2/4, R 1) adds
  // 1/2 * 1/2 = 1/4. AP = 0.75.
  EXPECT_NEAR(report.per_class[0].pr_auc, 0.75, 1e-12);
}

TEST(TrainMetrics, BadInputsGiveClearErrors) {
  EXPECT_ERROR_CONTAINS(classification_report(seven_probabilities(), {0, 1}, kClasses),
                        "2 labels for 7 rows");
  EXPECT_ERROR_CONTAINS(classification_report(seven_probabilities(), kSevenLabels, {"a", "b"}),
                        "2 class names for 3 probability columns");
  EXPECT_ERROR_CONTAINS(classification_report(make({0.5, 0.5}, {1, 2}), {2}, {"a", "b"}),
                        "label 2 of example 0 is outside [0, 2)");
  EXPECT_ERROR_CONTAINS(classification_report(make({NAN, 0.5}, {1, 2}), {0}, {"a", "b"}), "NaN");
}

TEST(TrainMetrics, FormatReportLooksLikeScikitLearns) {
  const std::string text =
      format_report(classification_report(seven_probabilities(), kSevenLabels, kClasses));
  EXPECT_NE(text.find("precision    recall  f1-score   support"), std::string::npos) << text;
  EXPECT_NE(text.find("       blues      0.33      0.50      0.40         2"), std::string::npos)
      << text;
  EXPECT_NE(text.find("    accuracy                          0.57         7"), std::string::npos)
      << text;
  EXPECT_NE(text.find("   macro avg"), std::string::npos) << text;
  EXPECT_NE(text.find("weighted avg"), std::string::npos) << text;
  EXPECT_NE(text.find("ROC-AUC"), std::string::npos) << text;
}

TEST(TrainMetrics, SongLevelSumsProbabilitiesOrCountsVotes) {
  // Song a (class 0): rows argmax 0, 1, 1; summed [1.75, 1.25] -> 0 (right), votes 1:2 -> 1.
  // Song b (class 1): rows argmax 0, 1; summed [0.9, 1.1] -> 1 (right), votes 1:1, a tie that
  // goes to the lowest class, 0 (wrong).
  const SongLevel songs =
      song_level(make({0.9, 0.1, 0.4, 0.6, 0.45, 0.55, 0.6, 0.4, 0.3, 0.7}, {5, 2}),
                 {0, 0, 0, 1, 1}, {"a", "a", "a", "b", "b"});
  EXPECT_EQ(songs.songs, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(songs.labels, (std::vector<int64_t>{0, 1}));
  EXPECT_DOUBLE_EQ(songs.accuracy_summed, 1.0);
  EXPECT_DOUBLE_EQ(songs.accuracy_vote, 0.0);
  // The song probabilities are the means of the segments' rows, so rows still sum to 1.
  timbre::testing::expect_tensor(songs.probabilities, {2, 2}, {1.75 / 3, 1.25 / 3, 0.45, 0.55},
                                 1e-6);
}

TEST(TrainMetrics, SongWhoseSegmentsDisagreeOnTheLabelIsAnError) {
  EXPECT_ERROR_CONTAINS(song_level(make({0.5, 0.5, 0.5, 0.5}, {2, 2}), {0, 1}, {"x", "x"}),
                        "segments of song 'x' have different labels");
}

TEST(TrainMetrics, MetricsJsonHoldsTheRequiredKeys) {
  const fs::path folder =
      fs::temp_directory_path() / ("timbre_metrics_" + std::to_string(getpid()));
  fs::create_directories(folder);
  const std::string path = (folder / "metrics.json").string();
  const ClassificationReport report =
      classification_report(seven_probabilities(), kSevenLabels, kClasses);
  write_metrics_json(path, report, 0.5, {{"model", "sutd_cnn"}, {"epochs", int64_t{15}}});
  const nn::JsonValue root = nn::parse_json(data::read_text(path), path);
  for (const char* key : {"accuracy", "macro_f1", "weighted_f1", "per_class", "confusion_matrix",
                          "classes", "song_accuracy", "model", "epochs"}) {
    EXPECT_NE(root.find(key), nullptr) << key;
  }
  EXPECT_DOUBLE_EQ(root.find("accuracy")->number, 4.0 / 7.0);  // shortest round-trip text
  EXPECT_DOUBLE_EQ(root.find("song_accuracy")->number, 0.5);
  EXPECT_EQ(root.find("model")->string, "sutd_cnn");
  const nn::JsonValue& blues = *root.find("per_class")->find("blues");
  EXPECT_DOUBLE_EQ(blues.find("precision")->number, 1.0 / 3.0);
  EXPECT_EQ(blues.find("support")->number, 2.0);
  EXPECT_EQ(root.find("confusion_matrix")->items[2].items[0].number, 2.0);  // true 2, pred 0
  EXPECT_EQ(root.find("classes")->items[1].string, "classical");
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  // Without song accuracy the key is absent; a NaN AUC is written as null.
  const ClassificationReport partial =
      classification_report(make({0.9, 0.1, 0.0, 0.2, 0.8, 0.0}, {2, 3}), {0, 1}, kClasses);
  write_metrics_json(path, partial, std::nullopt);
  const nn::JsonValue second = nn::parse_json(data::read_text(path), path);
  EXPECT_EQ(second.find("song_accuracy"), nullptr);
  EXPECT_EQ(second.find("per_class")->find("country")->find("roc_auc")->kind,
            nn::JsonValue::Kind::Null);
  EXPECT_ERROR_CONTAINS(write_metrics_json(path, report, std::nullopt, {{"accuracy", 1.0}}),
                        "'accuracy' would replace a metric");
  fs::remove_all(folder);
}
