// train/plot_layout.h - what the SVG and the PNG pictures of a run share: the axis ticks, the
// lines of the training curves, the colours. Both writers draw from these, so the two files of
// one picture always show the same thing.
#pragma once

#include <string>
#include <vector>

#include "audio/colormap.h"
#include "train/history.h"
#include "train/metrics.h"

namespace timbre::train {

// Tick marks of an axis: the axis runs from low to high, and `values` are the ticks in between
// (low and high included).
struct Ticks {
  double low = 0.0;
  double high = 1.0;
  std::vector<double> values;
  int decimals = 0;  // digits after the point that label every tick exactly
};

// About `target_count` ticks covering [low, high] at a "nice" step: 1, 2 or 5 times a power of
// ten, at least `minimum_step`. The range is widened outwards to whole steps.
// Requires: low <= high, finite; target_count >= 1. (low == high is widened by one unit.)
Ticks nice_ticks(double low, double high, int target_count, double minimum_step = 0.0);

// A tick's text with `decimals` digits after the point: "0.5", "20", "1.25".
std::string tick_label(double value, int decimals);

// One line of a chart: points (x[i], y[i]); a NaN y is left out.
struct CurveSeries {
  std::string name;  // shown in the legend: "train", "validation"
  audio::Rgb colour;
  std::vector<double> x, y;
};

// One chart of the training curves.
struct CurvePanel {
  std::string title;    // "loss", "accuracy"
  std::string y_label;  // "cross-entropy", "accuracy (%)"
  Ticks x_ticks, y_ticks;
  std::vector<CurveSeries> series;  // train, then validation when the run has it
};

// The two panels of the training curves: loss and accuracy (in percent, 0 to 100) against the
// epoch, each with a training line and, when any epoch has validation, a validation line.
std::vector<CurvePanel> training_curve_panels(const History& history);

// The colour of a confusion-matrix cell holding `fraction` of its row (viridis: dark purple
// at 0, yellow at 1) and whether text on it should be dark (on light cells) or white.
audio::Rgb confusion_cell_colour(double fraction);
bool dark_text_on_cell(double fraction);

// count / (the row's total): the share of the true class's examples predicted as `predicted`;
// 0 for a class without examples.
double row_fraction(const ClassificationReport& report, size_t true_class, size_t predicted);

// Colours of the lines (matplotlib's first two default colours) and of the text and axes.
inline constexpr audio::Rgb kTrainColour{31, 119, 180};
inline constexpr audio::Rgb kValidationColour{255, 127, 14};
inline constexpr audio::Rgb kInkColour{34, 34, 34};
inline constexpr audio::Rgb kGridColour{225, 225, 225};
inline constexpr audio::Rgb kWhite{255, 255, 255};

// Where a chart is drawn, in pixels (y down): the plotting area inside the axes.
struct PanelBox {
  double left = 0.0, top = 0.0, width = 1.0, height = 1.0;
  // The pixel of a data value, by linear interpolation over the ticks' range.
  double x_pixel(double x, const Ticks& ticks) const;
  double y_pixel(double y, const Ticks& ticks) const;
};

// The training-curves picture: kCurvesWidth x kCurvesHeight pixels, the title on top, below it
// one legend row for both panels centred at y = kCurvesLegendY (outside the charts, so it never
// hides a line), and panel i of training_curve_panels at curve_panel_box(i).
inline constexpr int kCurvesWidth = 1000;
inline constexpr int kCurvesHeight = 460;
inline constexpr int kCurvesLegendY = 50;
PanelBox curve_panel_box(int index);

// The confusion-matrix picture for text whose characters are `character_width` pixels wide:
// a square cell per (true, predicted) pair, the true classes' names left of the rows, the
// predicted classes' names below the columns (written upwards), the title above.
struct ConfusionLayout {
  int cell = 0;               // side of a cell
  int left = 0, top = 0;      // the matrix's top-left corner
  int width = 0, height = 0;  // the whole picture
  int label_gap = 8;          // between the matrix and the class names
  int longest_name = 0;       // pixels of the longest class name
};
ConfusionLayout confusion_layout(const ClassificationReport& report, int character_width);

// "#1f77b4" for an SVG attribute.
std::string svg_colour(audio::Rgb colour);

}  // namespace timbre::train
