// train/plots_png.cpp - the training curves and the confusion matrix drawn pixel by pixel into
// an audio::Image (canvas.h) and written with audio::write_png (see plots.h). The layout is the
// SVG's (plot_layout.h); text is the 5x7 bitmap font drawn at twice its size.
#include <cmath>
#include <string>

#include "audio/image.h"
#include "tensor/error.h"
#include "train/canvas.h"
#include "train/plot_layout.h"
#include "train/plots.h"

namespace timbre::train {

namespace {

constexpr int kTextScale = 2;  // font pixels are drawn 2x2: 12 pixels per character, 14 high
constexpr int kCharacterWidth = 6 * kTextScale;
constexpr int kTextHeight = 7 * kTextScale;

void draw_curve_panel(Canvas& canvas, const CurvePanel& panel, const PanelBox& box) {
  const int left = static_cast<int>(box.left);
  const int top = static_cast<int>(box.top);
  const int right = static_cast<int>(box.left + box.width);
  const int bottom = static_cast<int>(box.top + box.height);
  for (double tick : panel.y_ticks.values) {
    const int y = static_cast<int>(std::lround(box.y_pixel(tick, panel.y_ticks)));
    canvas.draw_line(left, y, right, y, kGridColour);
    canvas.draw_text(left - 8, y - kTextHeight / 2, tick_label(tick, panel.y_ticks.decimals),
                     kInkColour, kTextScale, TextAlign::Right);
  }
  for (double tick : panel.x_ticks.values) {
    const int x = static_cast<int>(std::lround(box.x_pixel(tick, panel.x_ticks)));
    canvas.draw_line(x, bottom, x, bottom + 5, kInkColour);
    canvas.draw_text(x, bottom + 9, tick_label(tick, panel.x_ticks.decimals), kInkColour,
                     kTextScale, TextAlign::Center);
  }
  canvas.draw_line(left, top, left, bottom, kInkColour);
  canvas.draw_line(left, bottom, right, bottom, kInkColour);
  canvas.draw_text((left + right) / 2, top - 28, panel.title, kInkColour, kTextScale,
                   TextAlign::Center);
  canvas.draw_text((left + right) / 2, bottom + 32, "epoch", kInkColour, kTextScale,
                   TextAlign::Center);
  canvas.draw_text_upwards(left - 82, (top + bottom) / 2, panel.y_label, kInkColour, kTextScale,
                           TextAlign::Center);

  for (const CurveSeries& series : panel.series) {
    bool has_previous = false;
    double previous_x = 0.0, previous_y = 0.0;
    for (size_t i = 0; i < series.x.size(); ++i) {
      if (!std::isfinite(series.y[i])) continue;
      const double x = box.x_pixel(series.x[i], panel.x_ticks);
      const double y = box.y_pixel(series.y[i], panel.y_ticks);
      if (has_previous) canvas.draw_line(previous_x, previous_y, x, y, series.colour, 2);
      // A dot per epoch, so that a single epoch is visible too.
      canvas.fill_rectangle(static_cast<int>(std::lround(x)) - 2,
                            static_cast<int>(std::lround(y)) - 2, 5, 5, series.colour);
      has_previous = true;
      previous_x = x;
      previous_y = y;
    }
  }
}

// One row under the title: a short line and the name of each series, centred.
void draw_legend(Canvas& canvas, const std::vector<CurveSeries>& series) {
  constexpr int kEntryWidth = 190;
  int left = kCurvesWidth / 2 - kEntryWidth * static_cast<int>(series.size()) / 2;
  for (const CurveSeries& entry : series) {
    canvas.draw_line(left, kCurvesLegendY, left + 30, kCurvesLegendY, entry.colour, 3);
    canvas.draw_text(left + 38, kCurvesLegendY - kTextHeight / 2, entry.name, kInkColour,
                     kTextScale);
    left += kEntryWidth;
  }
}

}  // namespace

void write_training_curves_png(const std::string& path, const History& history) {
  Canvas canvas(kCurvesWidth, kCurvesHeight, kWhite);
  std::string title = "training curves";
  if (history.best_epoch > 0) title += " (best epoch " + std::to_string(history.best_epoch) + ")";
  canvas.draw_text(kCurvesWidth / 2, 14, title, kInkColour, kTextScale, TextAlign::Center);
  const std::vector<CurvePanel> panels = training_curve_panels(history);
  draw_legend(canvas, panels.front().series);
  for (size_t i = 0; i < panels.size(); ++i)
    draw_curve_panel(canvas, panels[i], curve_panel_box(static_cast<int>(i)));
  audio::write_png(path, canvas.image());
}

void write_confusion_matrix_png(const std::string& path, const ClassificationReport& report,
                                const std::string& title) {
  const size_t classes = report.classes.size();
  TIMBRE_CHECK(classes >= 1 && report.confusion_matrix.size() == classes, path,
               ": the confusion matrix must be C x C for the report's C >= 1 classes");
  const ConfusionLayout layout = confusion_layout(report, kCharacterWidth);
  Canvas canvas(layout.width, layout.height, kWhite);
  const int matrix = layout.cell * static_cast<int>(classes);
  canvas.draw_text(layout.left + matrix / 2, 18, title, kInkColour, kTextScale, TextAlign::Center);
  for (size_t row = 0; row < classes; ++row) {
    TIMBRE_CHECK(report.confusion_matrix[row].size() == classes, path, ": row ", row,
                 " of the confusion matrix does not have ", classes, " entries");
    const int row_top = layout.top + static_cast<int>(row) * layout.cell;
    for (size_t column = 0; column < classes; ++column) {
      const double fraction = row_fraction(report, row, column);
      const int column_left = layout.left + static_cast<int>(column) * layout.cell;
      canvas.fill_rectangle(column_left, row_top, layout.cell, layout.cell,
                            confusion_cell_colour(fraction));
      canvas.draw_text(column_left + layout.cell / 2, row_top + (layout.cell - kTextHeight) / 2,
                       std::to_string(report.confusion_matrix[row][column]),
                       dark_text_on_cell(fraction) ? kInkColour : kWhite, kTextScale,
                       TextAlign::Center);
    }
    // The true class's name left of its row; the predicted class's name under its column,
    // read upwards and ending just below the matrix.
    canvas.draw_text(layout.left - layout.label_gap, row_top + (layout.cell - kTextHeight) / 2,
                     report.classes[row], kInkColour, kTextScale, TextAlign::Right);
    const int column_left = layout.left + static_cast<int>(row) * layout.cell;
    canvas.draw_text_upwards(column_left + (layout.cell - kTextHeight) / 2,
                             layout.top + matrix + layout.label_gap, report.classes[row],
                             kInkColour, kTextScale, TextAlign::Right);
  }
  canvas.draw_rectangle(layout.left - 1, layout.top - 1, matrix + 2, matrix + 2, kInkColour);
  canvas.draw_text(layout.left + matrix / 2,
                   layout.top + matrix + layout.label_gap + layout.longest_name + 20, "predicted",
                   kInkColour, kTextScale, TextAlign::Center);
  canvas.draw_text_upwards(8, layout.top + matrix / 2, "true", kInkColour, kTextScale,
                           TextAlign::Center);
  audio::write_png(path, canvas.image());
}

}  // namespace timbre::train
