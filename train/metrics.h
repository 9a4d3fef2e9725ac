// train/metrics.h - how good a classifier is: accuracy, per-class precision / recall / F1,
// their macro and weighted means, the confusion matrix, one-vs-rest ROC-AUC and average
// precision (PR-AUC), and song-level decisions from segment predictions. The numbers follow
// scikit-learn (classification_report, confusion_matrix, roc_auc_score,
// average_precision_score) so that they compare with the reports'. Formulas: docs/training.md.
//
//   train::ClassificationReport report = train::classification_report(probabilities, labels,
//                                                                     data::gtzan_genres());
//   std::cout << train::format_report(report);
//   train::write_metrics_json("runs/cnn/metrics.json", report, std::nullopt);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "tensor/tensor.h"

namespace timbre::train {

// One class, treated one-vs-rest.
struct ClassMetrics {
  double precision = 0.0;  // TP / (TP + FP); 0 when the class is never predicted
  double recall = 0.0;     // TP / (TP + FN); 0 when the class has no examples
  double f1 = 0.0;         // 2 P R / (P + R); 0 when P + R = 0
  int64_t support = 0;     // examples whose true class this is (TP + FN)
  double roc_auc = 0.0;    // area under the ROC curve; NaN without positives or negatives
  double pr_auc = 0.0;     // average precision; NaN without positives
};

struct ClassificationReport {
  std::vector<std::string> classes;  // class names; class c is classes[c]
  double accuracy = 0.0;             // correct / samples
  // Means over the classes that occur among the labels or the predictions (scikit-learn's
  // classification_report without `labels`): a class absent from both is left out.
  double macro_f1 = 0.0;     // plain mean of the F1 scores
  double weighted_f1 = 0.0;  // mean of the F1 scores weighted by support
  // Means over the classes whose AUC is defined (not NaN); NaN when none is.
  double macro_roc_auc = 0.0;
  double macro_pr_auc = 0.0;
  std::vector<ClassMetrics> per_class;                 // [C]
  std::vector<std::vector<int64_t>> confusion_matrix;  // [C][C]: [true class][predicted class]
  int64_t samples = 0;
};

// The predicted class of each row: the index of its largest probability (the first one on
// ties, as numpy's argmax).
// probabilities: [N, C] -> [N]
std::vector<int64_t> predicted_classes(const Tensor& probabilities);

// Everything above from predicted probabilities and true labels.
// probabilities: [N, C] (any float dtype; rows are class scores, usually softmax outputs)
// Requires: N >= 1; C == classes.size() >= 1; labels.size() == N, each in [0, C);
//           probabilities finite (else timbre::Error saying what is wrong).
// Ensures: per_class.size() == C, confusion_matrix is C x C and sums to N; a row of the matrix
//          sums to that class's support.
ClassificationReport classification_report(const Tensor& probabilities,
                                           const std::vector<int64_t>& labels,
                                           const std::vector<std::string>& classes);

// One-vs-rest ROC-AUC of `scores` for the examples with positive[i] true, by the rank
// statistic (Mann-Whitney U): (sum of the positives' ranks - P (P + 1) / 2) / (P N), ranks
// counted from 1 at the smallest score with tied scores sharing their mean rank. Equals
// sklearn.metrics.roc_auc_score. Requires scores.size() == positive.size().
// Ensures: NaN when there is no positive or no negative example.
double roc_auc(const std::vector<double>& scores, const std::vector<bool>& positive);

// Average precision, as sklearn.metrics.average_precision_score: walking the distinct scores
// from the highest down, AP = sum_k (R_k - R_{k-1}) P_k, with P_k and R_k the precision and
// recall when everything scoring >= the k-th distinct score is called positive.
// Requires scores.size() == positive.size(). Ensures: NaN when there is no positive example.
double average_precision(const std::vector<double>& scores, const std::vector<bool>& positive);

// A table like scikit-learn's classification_report (two decimals), followed by the macro
// ROC-AUC and PR-AUC:
//                precision    recall  f1-score   support
//          blues      0.80      0.70      0.75        20
//          ...
//       accuracy                          0.75       200
//      macro avg      0.75      0.75      0.75       200
//   weighted avg      0.76      0.75      0.75       200
//   ROC-AUC (macro, one-vs-rest) 0.974   PR-AUC (macro) 0.861
std::string format_report(const ClassificationReport& report);

// Song-level decisions when each example is a segment of a song (Chourdakis 2020): the segments
// of one song are pooled and the song gets one class.
struct SongLevel {
  std::vector<std::string> songs;  // [S], in order of first appearance
  Tensor probabilities;            // float32 [S, C]: the mean of the song's segment probabilities
  std::vector<int64_t> labels;     // [S] the true class of each song
  // Summed probabilities: a song's class is the argmax of the sum of its segments' rows.
  double accuracy_summed = 0.0;
  // Majority vote: each segment votes for its own argmax; ties go to the lowest class index.
  double accuracy_vote = 0.0;
};

// probabilities: [N, C], labels [N], songs [N] -> S songs
// Requires: the sizes agree, N >= 1, and all segments of a song share one label (else
//           timbre::Error naming the song).
SongLevel song_level(const Tensor& probabilities, const std::vector<int64_t>& labels,
                     const std::vector<std::string>& songs);

// A value written into metrics.json beside the metrics: an integer, a number or a string.
using JsonScalar = std::variant<int64_t, double, std::string>;

// Writes `report` as JSON (atomically, see data/text_file.h):
//   {"accuracy": 0.75, "macro_f1": ..., "weighted_f1": ..., "macro_roc_auc": ...,
//    "macro_pr_auc": ..., "samples": 200, "classes": ["blues", ...],
//    "per_class": {"blues": {"precision": .., "recall": .., "f1": .., "support": 20,
//                            "roc_auc": .., "pr_auc": ..}, ...},
//    "confusion_matrix": [[14, 2, ...], ...],      <- rows: true class, columns: predicted
//    "song_accuracy": 0.8,                         <- only when given
//    <extra keys>}
// An undefined value (NaN AUC) is written as null.
// Requires: the folder of `path` exists; no extra key equal to one of the keys above.
void write_metrics_json(const std::string& path, const ClassificationReport& report,
                        std::optional<double> song_accuracy,
                        const std::vector<std::pair<std::string, JsonScalar>>& extra = {});

}  // namespace timbre::train
