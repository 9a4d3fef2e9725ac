// train/plot_layout.cpp - ticks, curve series and cell colours (see plot_layout.h).
#include "train/plot_layout.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tensor/error.h"

namespace timbre::train {

Ticks nice_ticks(double low, double high, int target_count, double minimum_step) {
  TIMBRE_CHECK(std::isfinite(low) && std::isfinite(high) && low <= high && target_count >= 1,
               "nice_ticks: need finite low <= high and target_count >= 1, got [", low, ", ", high,
               "] and ", target_count);
  if (high == low) high = low + 1.0;
  // The raw step, rounded up to 1, 2, 5 or 10 times its power of ten.
  const double raw = (high - low) / target_count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10.0 * magnitude;
  for (double multiple : {1.0, 2.0, 5.0}) {
    if (multiple * magnitude >= raw * (1.0 - 1e-9)) {
      step = multiple * magnitude;
      break;
    }
  }
  step = std::max(step, minimum_step);
  Ticks ticks;
  ticks.low = std::floor(low / step + 1e-9) * step;
  ticks.high = std::ceil(high / step - 1e-9) * step;
  const int count = static_cast<int>(std::lround((ticks.high - ticks.low) / step));
  for (int k = 0; k <= count; ++k)
    ticks.values.push_back(ticks.low + k * step);
  ticks.decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  return ticks;
}

std::string tick_label(double value, int decimals) {
  char text[64];
  // + 0.0 turns -0 into 0, so no tick reads "-0".
  std::snprintf(text, sizeof(text), "%.*f", decimals, value + 0.0);
  return text;
}

std::vector<CurvePanel> training_curve_panels(const History& history) {
  CurveSeries train_loss{"train", kTrainColour, {}, {}};
  CurveSeries validation_loss{"validation", kValidationColour, {}, {}};
  CurveSeries train_accuracy = train_loss;
  CurveSeries validation_accuracy = validation_loss;
  double largest_loss = 0.0;
  bool has_validation = false;
  for (const EpochRecord& record : history.epochs) {
    const double epoch = static_cast<double>(record.epoch);
    train_loss.x.push_back(epoch);
    train_loss.y.push_back(record.train_loss);
    validation_loss.x.push_back(epoch);
    validation_loss.y.push_back(record.validation_loss);
    train_accuracy.x.push_back(epoch);
    train_accuracy.y.push_back(100.0 * record.train_accuracy);
    validation_accuracy.x.push_back(epoch);
    validation_accuracy.y.push_back(100.0 * record.validation_accuracy);
    for (double loss : {record.train_loss, record.validation_loss}) {
      if (std::isfinite(loss)) largest_loss = std::max(largest_loss, loss);
    }
    has_validation = has_validation || !std::isnan(record.validation_accuracy);
  }
  const double last_epoch = std::max<double>(1.0, static_cast<double>(history.epochs.size()));
  // Epochs are whole numbers: never a tick between two of them.
  const Ticks epochs = nice_ticks(0.0, last_epoch, 6, 1.0);

  CurvePanel loss{"loss", "cross-entropy", epochs, nice_ticks(0.0, largest_loss, 5), {}};
  CurvePanel accuracy{"accuracy", "accuracy (%)", epochs, nice_ticks(0.0, 100.0, 5), {}};
  loss.series.push_back(train_loss);
  accuracy.series.push_back(train_accuracy);
  if (has_validation) {
    loss.series.push_back(validation_loss);
    accuracy.series.push_back(validation_accuracy);
  }
  return {loss, accuracy};
}

audio::Rgb confusion_cell_colour(double fraction) {
  return audio::map_value(audio::Colormap::Viridis, fraction);
}

// viridis is dark up to about its middle and light after it (as sklearn's
// ConfusionMatrixDisplay switches its text colour at half the colour range).
bool dark_text_on_cell(double fraction) {
  return fraction >= 0.5;
}

double row_fraction(const ClassificationReport& report, size_t true_class, size_t predicted) {
  const std::vector<int64_t>& row = report.confusion_matrix.at(true_class);
  int64_t total = 0;
  for (int64_t count : row)
    total += count;
  return total > 0 ? static_cast<double>(row.at(predicted)) / static_cast<double>(total) : 0.0;
}

double PanelBox::x_pixel(double x, const Ticks& ticks) const {
  return left + (x - ticks.low) / (ticks.high - ticks.low) * width;
}

double PanelBox::y_pixel(double y, const Ticks& ticks) const {
  return top + height - (y - ticks.low) / (ticks.high - ticks.low) * height;
}

PanelBox curve_panel_box(int index) {
  // Two panels side by side, each with room on its left for the tick labels and the axis
  // title, above for the panel's title and below for the epoch ticks and "epoch".
  constexpr double kPanelWidth = kCurvesWidth / 2.0;
  return {index * kPanelWidth + 90.0, 100.0, kPanelWidth - 120.0, kCurvesHeight - 170.0};
}

ConfusionLayout confusion_layout(const ClassificationReport& report, int character_width) {
  ConfusionLayout layout;
  size_t longest = 1;
  for (const std::string& name : report.classes)
    longest = std::max(longest, name.size());
  layout.longest_name = static_cast<int>(longest) * character_width;
  // A cell holds a count of up to five digits.
  layout.cell = std::max(48, 6 * character_width);
  const int matrix = layout.cell * static_cast<int>(report.classes.size());
  // Left: "true" written upwards, the names, the gap. Top: the title.
  layout.left = 3 * character_width + layout.longest_name + layout.label_gap + 10;
  layout.top = 60;
  layout.width = std::max(layout.left + matrix + 30, 40 * character_width);
  layout.height = layout.top + matrix + layout.label_gap + layout.longest_name + 60;
  return layout;
}

std::string svg_colour(audio::Rgb colour) {
  char text[8];
  std::snprintf(text, sizeof(text), "#%02x%02x%02x", colour.red, colour.green, colour.blue);
  return text;
}

}  // namespace timbre::train
