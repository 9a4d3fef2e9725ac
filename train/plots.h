// train/plots.h - the pictures of a run: training curves (loss and accuracy against the epoch)
// and the confusion matrix, each as SVG (sharp at any size, opens in a browser) and PNG (for
// slides and for viewers without SVG). Every file is written atomically.
//
//   train::write_training_curves_svg("runs/cnn/curves.svg", result.history);
//   train::write_confusion_matrix_png("runs/cnn/confusion_matrix.png", report, "test set");
#pragma once

#include <string>

#include "train/history.h"
#include "train/metrics.h"

namespace timbre::train {

// Two panels side by side, "loss" and "accuracy" against the epoch: the training line, and the
// validation line when the run has validation; ticks and labels on both axes, a legend, and a
// title naming the best epoch. A history without epochs gives empty panels.
// Requires: the folder of `path` exists (else timbre::Error naming the path).
void write_training_curves_svg(const std::string& path, const History& history);
void write_training_curves_png(const std::string& path, const History& history);

// The confusion matrix: rows are the true classes, columns the predicted ones, each cell
// coloured by its share of the row (viridis, dark = 0, yellow = 1) with its count written in
// it; class names on both axes, "true" and "predicted" along them, `title` above.
// Requires: report.confusion_matrix is C x C with C == report.classes.size() >= 1.
void write_confusion_matrix_svg(const std::string& path, const ClassificationReport& report,
                                const std::string& title);
void write_confusion_matrix_png(const std::string& path, const ClassificationReport& report,
                                const std::string& title);

}  // namespace timbre::train
