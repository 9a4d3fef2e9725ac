// train/metrics.cpp - classification metrics as scikit-learn computes them (see metrics.h).
#include "train/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>

#include "data/text_file.h"
#include "layers/json.h"
#include "tensor/error.h"
#include "tensor/factories.h"

namespace timbre::train {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The probabilities as a row-major [N * C] array of doubles, after checking the shape.
std::vector<double> probability_rows(const Tensor& probabilities, const std::string& caller) {
  TIMBRE_CHECK(probabilities.defined() && probabilities.dim() == 2, caller,
               ": probabilities must be a 2-d tensor [N, C]");
  TIMBRE_CHECK(probabilities.size(0) >= 1 && probabilities.size(1) >= 1, caller,
               ": probabilities must have at least one row and one class, got shape ",
               shape_str(probabilities.sizes()));
  std::vector<double> values = probabilities.to_vector<double>();
  for (double value : values)
    TIMBRE_CHECK(std::isfinite(value), caller, ": probabilities hold a NaN or infinite value");
  return values;
}

int64_t argmax_of_row(const double* row, int64_t classes) {
  return std::max_element(row, row + classes) - row;  // the first maximum, as numpy
}

double safe_ratio(double numerator, double denominator) {
  return denominator > 0.0 ? numerator / denominator : 0.0;  // sklearn's zero_division=0
}

// The mean of the values that are not NaN; NaN when there are none.
double mean_of_defined(const std::vector<double>& values) {
  double sum = 0.0;
  int64_t count = 0;
  for (double value : values) {
    if (std::isnan(value)) continue;
    sum += value;
    ++count;
  }
  return count > 0 ? sum / static_cast<double>(count) : kNaN;
}

}  // namespace

std::vector<int64_t> predicted_classes(const Tensor& probabilities) {
  const std::vector<double> values = probability_rows(probabilities, "predicted_classes");
  const int64_t rows = probabilities.size(0);
  const int64_t classes = probabilities.size(1);
  std::vector<int64_t> predicted(rows);
  for (int64_t n = 0; n < rows; ++n)
    predicted[n] = argmax_of_row(values.data() + n * classes, classes);
  return predicted;
}

double roc_auc(const std::vector<double>& scores, const std::vector<bool>& positive) {
  TIMBRE_CHECK(scores.size() == positive.size(), "roc_auc: ", scores.size(), " scores but ",
               positive.size(), " labels");
  const int64_t count = static_cast<int64_t>(scores.size());
  const int64_t positives = std::count(positive.begin(), positive.end(), true);
  const int64_t negatives = count - positives;
  if (positives == 0 || negatives == 0) return kNaN;
  // Sort by score; a run of equal scores occupies ranks first+1 .. last+1 and each of its
  // members gets their mean, which counts a tied positive/negative pair as half right.
  std::vector<int64_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](int64_t a, int64_t b) { return scores[a] < scores[b]; });
  double positive_rank_sum = 0.0;
  for (int64_t first = 0; first < count;) {
    int64_t last = first;
    while (last + 1 < count && scores[order[last + 1]] == scores[order[first]])
      ++last;
    const double mean_rank = 0.5 * static_cast<double>(first + last) + 1.0;
    for (int64_t k = first; k <= last; ++k) {
      if (positive[order[k]]) positive_rank_sum += mean_rank;
    }
    first = last + 1;
  }
  const double p = static_cast<double>(positives);
  const double n = static_cast<double>(negatives);
  return (positive_rank_sum - p * (p + 1.0) / 2.0) / (p * n);
}

double average_precision(const std::vector<double>& scores, const std::vector<bool>& positive) {
  TIMBRE_CHECK(scores.size() == positive.size(), "average_precision: ", scores.size(),
               " scores but ", positive.size(), " labels");
  const int64_t count = static_cast<int64_t>(scores.size());
  const int64_t positives = std::count(positive.begin(), positive.end(), true);
  if (positives == 0) return kNaN;
  std::vector<int64_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](int64_t a, int64_t b) { return scores[a] > scores[b]; });
  // Lower the threshold one distinct score at a time; tied scores enter together, as in
  // sklearn's precision_recall_curve.
  double true_positives = 0.0;
  double false_positives = 0.0;
  double previous_recall = 0.0;
  double result = 0.0;
  for (int64_t first = 0; first < count;) {
    int64_t last = first;
    while (last + 1 < count && scores[order[last + 1]] == scores[order[first]])
      ++last;
    for (int64_t k = first; k <= last; ++k) {
      if (positive[order[k]]) {
        true_positives += 1.0;
      } else {
        false_positives += 1.0;
      }
    }
    const double recall = true_positives / static_cast<double>(positives);
    const double precision = true_positives / (true_positives + false_positives);
    result += (recall - previous_recall) * precision;
    previous_recall = recall;
    first = last + 1;
  }
  return result;
}

ClassificationReport classification_report(const Tensor& probabilities,
                                           const std::vector<int64_t>& labels,
                                           const std::vector<std::string>& classes) {
  const std::vector<double> values = probability_rows(probabilities, "classification_report");
  const int64_t rows = probabilities.size(0);
  const int64_t class_count = probabilities.size(1);
  TIMBRE_CHECK(static_cast<int64_t>(classes.size()) == class_count,
               "classification_report: ", classes.size(), " class names for ", class_count,
               " probability columns");
  TIMBRE_CHECK(static_cast<int64_t>(labels.size()) == rows,
               "classification_report: ", labels.size(), " labels for ", rows,
               " rows of probabilities");
  for (int64_t n = 0; n < rows; ++n) {
    TIMBRE_CHECK(labels[n] >= 0 && labels[n] < class_count, "classification_report: label ",
                 labels[n], " of example ", n, " is outside [0, ", class_count, ")");
  }

  ClassificationReport report;
  report.classes = classes;
  report.samples = rows;
  report.confusion_matrix.assign(class_count, std::vector<int64_t>(class_count, 0));
  const std::vector<int64_t> predicted = predicted_classes(probabilities);
  int64_t correct = 0;
  for (int64_t n = 0; n < rows; ++n) {
    ++report.confusion_matrix[labels[n]][predicted[n]];
    correct += predicted[n] == labels[n];
  }
  report.accuracy = static_cast<double>(correct) / static_cast<double>(rows);

  report.per_class.resize(class_count);
  std::vector<double> f1_present;  // F1 of the classes seen among labels or predictions
  double weighted_f1_sum = 0.0;
  std::vector<double> roc_values, pr_values;
  for (int64_t c = 0; c < class_count; ++c) {
    // Column c of the matrix holds everything predicted as c; row c everything truly c.
    int64_t predicted_as_c = 0;
    int64_t truly_c = 0;
    for (int64_t k = 0; k < class_count; ++k) {
      predicted_as_c += report.confusion_matrix[k][c];
      truly_c += report.confusion_matrix[c][k];
    }
    const double true_positives = static_cast<double>(report.confusion_matrix[c][c]);
    ClassMetrics& metrics = report.per_class[c];
    metrics.support = truly_c;
    metrics.precision = safe_ratio(true_positives, static_cast<double>(predicted_as_c));
    metrics.recall = safe_ratio(true_positives, static_cast<double>(truly_c));
    metrics.f1 =
        safe_ratio(2.0 * metrics.precision * metrics.recall, metrics.precision + metrics.recall);
    if (predicted_as_c > 0 || truly_c > 0) f1_present.push_back(metrics.f1);
    weighted_f1_sum += metrics.f1 * static_cast<double>(truly_c);

    std::vector<double> scores(rows);
    std::vector<bool> positive(rows);
    for (int64_t n = 0; n < rows; ++n) {
      scores[n] = values[n * class_count + c];
      positive[n] = labels[n] == c;
    }
    metrics.roc_auc = roc_auc(scores, positive);
    metrics.pr_auc = average_precision(scores, positive);
    roc_values.push_back(metrics.roc_auc);
    pr_values.push_back(metrics.pr_auc);
  }
  // At least one class occurs (N >= 1), so f1_present is never empty.
  report.macro_f1 = std::accumulate(f1_present.begin(), f1_present.end(), 0.0) /
                    static_cast<double>(f1_present.size());
  report.weighted_f1 = weighted_f1_sum / static_cast<double>(rows);
  report.macro_roc_auc = mean_of_defined(roc_values);
  report.macro_pr_auc = mean_of_defined(pr_values);
  return report;
}

std::string format_report(const ClassificationReport& report) {
  size_t name_width = std::string("weighted avg").size();
  for (const std::string& name : report.classes)
    name_width = std::max(name_width, name.size());
  const int width = static_cast<int>(name_width);
  std::string text;
  char line[512];
  std::snprintf(line, sizeof(line), "%*s %9s %9s %9s %9s\n\n", width, "", "precision", "recall",
                "f1-score", "support");
  text += line;
  double macro_precision = 0.0, macro_recall = 0.0;
  double weighted_precision = 0.0, weighted_recall = 0.0;
  int64_t present = 0;
  for (size_t c = 0; c < report.classes.size(); ++c) {
    const ClassMetrics& metrics = report.per_class[c];
    std::snprintf(line, sizeof(line), "%*s %9.2f %9.2f %9.2f %9lld\n", width,
                  report.classes[c].c_str(), metrics.precision, metrics.recall, metrics.f1,
                  static_cast<long long>(metrics.support));
    text += line;
    // The same classes as the macro F1: those seen among the labels or the predictions.
    int64_t predicted_as_c = 0;
    for (const std::vector<int64_t>& row : report.confusion_matrix)
      predicted_as_c += row[c];
    if (predicted_as_c > 0 || metrics.support > 0) {
      macro_precision += metrics.precision;
      macro_recall += metrics.recall;
      ++present;
    }
    const double weight = static_cast<double>(metrics.support);
    weighted_precision += metrics.precision * weight;
    weighted_recall += metrics.recall * weight;
  }
  const double samples = static_cast<double>(std::max<int64_t>(report.samples, 1));
  const double classes_present = static_cast<double>(std::max<int64_t>(present, 1));
  const long long total = static_cast<long long>(report.samples);
  std::snprintf(line, sizeof(line), "\n%*s %9s %9s %9.2f %9lld\n", width, "accuracy", "", "",
                report.accuracy, total);
  text += line;
  std::snprintf(line, sizeof(line), "%*s %9.2f %9.2f %9.2f %9lld\n", width, "macro avg",
                macro_precision / classes_present, macro_recall / classes_present, report.macro_f1,
                total);
  text += line;
  std::snprintf(line, sizeof(line), "%*s %9.2f %9.2f %9.2f %9lld\n", width, "weighted avg",
                weighted_precision / samples, weighted_recall / samples, report.weighted_f1, total);
  text += line;
  std::snprintf(line, sizeof(line), "\nROC-AUC (macro, one-vs-rest) %.3f   PR-AUC (macro) %.3f\n",
                report.macro_roc_auc, report.macro_pr_auc);
  text += line;
  return text;
}

SongLevel song_level(const Tensor& probabilities, const std::vector<int64_t>& labels,
                     const std::vector<std::string>& songs) {
  const std::vector<double> values = probability_rows(probabilities, "song_level");
  const int64_t rows = probabilities.size(0);
  const int64_t class_count = probabilities.size(1);
  TIMBRE_CHECK(
      static_cast<int64_t>(labels.size()) == rows && static_cast<int64_t>(songs.size()) == rows,
      "song_level: ", rows, " rows of probabilities but ", labels.size(), " labels and ",
      songs.size(), " songs");

  SongLevel result;
  std::map<std::string, int64_t> song_index;
  std::vector<std::vector<double>> sums;    // [S][C] summed probabilities
  std::vector<std::vector<int64_t>> votes;  // [S][C] segments voting for each class
  for (int64_t n = 0; n < rows; ++n) {
    auto [position, added] =
        song_index.emplace(songs[n], static_cast<int64_t>(result.songs.size()));
    const int64_t s = position->second;
    if (added) {
      result.songs.push_back(songs[n]);
      result.labels.push_back(labels[n]);
      sums.emplace_back(class_count, 0.0);
      votes.emplace_back(class_count, 0);
    }
    TIMBRE_CHECK(result.labels[s] == labels[n], "song_level: the segments of song '", songs[n],
                 "' have different labels (", result.labels[s], " and ", labels[n], ")");
    const double* row = values.data() + n * class_count;
    for (int64_t c = 0; c < class_count; ++c)
      sums[s][c] += row[c];
    ++votes[s][argmax_of_row(row, class_count)];
  }

  const int64_t song_count = static_cast<int64_t>(result.songs.size());
  std::vector<float> mean_probabilities;
  int64_t correct_summed = 0;
  int64_t correct_vote = 0;
  for (int64_t s = 0; s < song_count; ++s) {
    const double segments = std::accumulate(votes[s].begin(), votes[s].end(), 0.0);
    for (int64_t c = 0; c < class_count; ++c)
      mean_probabilities.push_back(static_cast<float>(sums[s][c] / segments));
    const int64_t by_sum = argmax_of_row(sums[s].data(), class_count);
    // max_element returns the first largest count: ties go to the lowest class index.
    const int64_t by_vote = std::max_element(votes[s].begin(), votes[s].end()) - votes[s].begin();
    correct_summed += by_sum == result.labels[s];
    correct_vote += by_vote == result.labels[s];
  }
  result.probabilities = from_vector(mean_probabilities, {song_count, class_count});
  result.accuracy_summed = static_cast<double>(correct_summed) / static_cast<double>(song_count);
  result.accuracy_vote = static_cast<double>(correct_vote) / static_cast<double>(song_count);
  return result;
}

void write_metrics_json(const std::string& path, const ClassificationReport& report,
                        std::optional<double> song_accuracy,
                        const std::vector<std::pair<std::string, JsonScalar>>& extra) {
  static const std::vector<std::string> kReservedKeys = {
      "accuracy", "macro_f1", "weighted_f1", "macro_roc_auc",    "macro_pr_auc",
      "samples",  "classes",  "per_class",   "confusion_matrix", "song_accuracy"};
  for (const auto& [key, value] : extra) {
    TIMBRE_CHECK(std::find(kReservedKeys.begin(), kReservedKeys.end(), key) == kReservedKeys.end(),
                 path, ": the extra key '", key, "' would replace a metric of the same name");
  }
  using nn::json_number;
  using nn::json_string;
  std::string text = "{\n";
  text += "  \"accuracy\": " + json_number(report.accuracy) + ",\n";
  text += "  \"macro_f1\": " + json_number(report.macro_f1) + ",\n";
  text += "  \"weighted_f1\": " + json_number(report.weighted_f1) + ",\n";
  text += "  \"macro_roc_auc\": " + json_number(report.macro_roc_auc) + ",\n";
  text += "  \"macro_pr_auc\": " + json_number(report.macro_pr_auc) + ",\n";
  text += "  \"samples\": " + std::to_string(report.samples) + ",\n";
  text += "  \"classes\": [";
  for (size_t c = 0; c < report.classes.size(); ++c)
    text += (c > 0 ? ", " : "") + json_string(report.classes[c]);
  text += "],\n  \"per_class\": {\n";
  for (size_t c = 0; c < report.classes.size(); ++c) {
    const ClassMetrics& metrics = report.per_class[c];
    text += "    " + json_string(report.classes[c]) +
            ": {\"precision\": " + json_number(metrics.precision) +
            ", \"recall\": " + json_number(metrics.recall) +
            ", \"f1\": " + json_number(metrics.f1) +
            ", \"support\": " + std::to_string(metrics.support) +
            ", \"roc_auc\": " + json_number(metrics.roc_auc) +
            ", \"pr_auc\": " + json_number(metrics.pr_auc) + "}";
    text += c + 1 < report.classes.size() ? ",\n" : "\n";
  }
  text += "  },\n  \"confusion_matrix\": [\n";
  for (size_t row = 0; row < report.confusion_matrix.size(); ++row) {
    text += "    [";
    for (size_t column = 0; column < report.confusion_matrix[row].size(); ++column)
      text += (column > 0 ? ", " : "") + std::to_string(report.confusion_matrix[row][column]);
    text += row + 1 < report.confusion_matrix.size() ? "],\n" : "]\n";
  }
  text += "  ]";
  if (song_accuracy) text += ",\n  \"song_accuracy\": " + json_number(*song_accuracy);
  for (const auto& [key, value] : extra) {
    text += ",\n  " + json_string(key) + ": ";
    if (const int64_t* integer = std::get_if<int64_t>(&value)) {
      text += std::to_string(*integer);
    } else if (const double* number = std::get_if<double>(&value)) {
      text += json_number(*number);
    } else {
      text += json_string(std::get<std::string>(value));
    }
  }
  text += "\n}\n";
  data::write_text_atomically(path, text);
}

}  // namespace timbre::train
