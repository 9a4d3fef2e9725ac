// train/plots_svg.cpp - the training curves and the confusion matrix as SVG text (see
// plots.h). SVG is a list of shapes in XML: <line>, <polyline points="x,y x,y ...">, <rect>,
// <text>; y grows downwards, as in the PNG pictures, so both use the same layout.
#include <cmath>
#include <cstdio>
#include <string>

#include "data/text_file.h"
#include "tensor/error.h"
#include "train/plot_layout.h"
#include "train/plots.h"

namespace timbre::train {

namespace {

// A number for an attribute, to a tenth of a pixel.
std::string coordinate(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", value);
  return text;
}

// Text with XML's special characters escaped.
std::string escape(const std::string& text) {
  std::string result;
  for (char c : text) {
    switch (c) {
      case '&':
        result += "&amp;";
        break;
      case '<':
        result += "&lt;";
        break;
      case '>':
        result += "&gt;";
        break;
      case '"':
        result += "&quot;";
        break;
      case '\'':
        result += "&apos;";
        break;
      default:
        result += c;
    }
  }
  return result;
}

std::string svg_start(int width, int height) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) +
         "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) +
         " " + std::to_string(height) +
         "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
         "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
}

std::string line(double x0, double y0, double x1, double y1, audio::Rgb colour,
                 double width = 1.0) {
  return "<line x1=\"" + coordinate(x0) + "\" y1=\"" + coordinate(y0) + "\" x2=\"" +
         coordinate(x1) + "\" y2=\"" + coordinate(y1) + "\" stroke=\"" + svg_colour(colour) +
         "\" stroke-width=\"" + coordinate(width) + "\"/>\n";
}

// anchor: "start", "middle" or "end"; rotate: degrees (negative: counterclockwise).
std::string text(double x, double y, const std::string& content, int size,
                 const std::string& anchor, audio::Rgb colour = kInkColour, double rotate = 0.0,
                 const std::string& weight = "normal") {
  std::string element = "<text x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) +
                        "\" font-size=\"" + std::to_string(size) + "\" text-anchor=\"" + anchor +
                        "\" fill=\"" + svg_colour(colour) + "\"";
  if (weight != "normal") element += " font-weight=\"" + weight + "\"";
  if (rotate != 0.0) {
    element += " transform=\"rotate(" + coordinate(rotate) + " " + coordinate(x) + " " +
               coordinate(y) + ")\"";
  }
  return element + ">" + escape(content) + "</text>\n";
}

std::string curve_panel(const CurvePanel& panel, const PanelBox& box) {
  std::string svg;
  // Grid and tick labels.
  for (double tick : panel.y_ticks.values) {
    const double y = box.y_pixel(tick, panel.y_ticks);
    svg += line(box.left, y, box.left + box.width, y, kGridColour);
    svg += text(box.left - 8, y + 4, tick_label(tick, panel.y_ticks.decimals), 12, "end");
  }
  for (double tick : panel.x_ticks.values) {
    const double x = box.x_pixel(tick, panel.x_ticks);
    svg += line(x, box.top + box.height, x, box.top + box.height + 5, kInkColour);
    svg +=
        text(x, box.top + box.height + 20, tick_label(tick, panel.x_ticks.decimals), 12, "middle");
  }
  // Axes, titles.
  svg += line(box.left, box.top, box.left, box.top + box.height, kInkColour);
  svg +=
      line(box.left, box.top + box.height, box.left + box.width, box.top + box.height, kInkColour);
  svg += text(box.left + box.width / 2, box.top - 14, panel.title, 15, "middle", kInkColour, 0,
              "bold");
  svg += text(box.left + box.width / 2, box.top + box.height + 42, "epoch", 13, "middle");
  svg +=
      text(box.left - 55, box.top + box.height / 2, panel.y_label, 13, "middle", kInkColour, -90.0);
  // One polyline per series, with a dot per epoch so that a single epoch is visible too.
  for (const CurveSeries& series : panel.series) {
    std::string points;
    std::string dots;
    for (size_t i = 0; i < series.x.size(); ++i) {
      if (!std::isfinite(series.y[i])) continue;
      const double x = box.x_pixel(series.x[i], panel.x_ticks);
      const double y = box.y_pixel(series.y[i], panel.y_ticks);
      // Built with append: GCC 12's -Wrestrict misfires on chains of std::string operator+.
      if (!points.empty()) points.append(" ");
      points.append(coordinate(x)).append(",").append(coordinate(y));
      dots += "<circle cx=\"" + coordinate(x) + "\" cy=\"" + coordinate(y) +
              "\" r=\"2.5\" fill=\"" + svg_colour(series.colour) + "\"/>\n";
    }
    svg += "<polyline fill=\"none\" stroke=\"" + svg_colour(series.colour) +
           "\" stroke-width=\"2\" points=\"" + points + "\"/>\n" + dots;
  }
  return svg;
}

// One row under the title: a short line and the name of each series, centred.
std::string legend(const std::vector<CurveSeries>& series) {
  constexpr double kEntryWidth = 130.0;
  double left = kCurvesWidth / 2.0 - kEntryWidth * static_cast<double>(series.size()) / 2.0;
  std::string svg;
  for (const CurveSeries& entry : series) {
    svg += line(left, kCurvesLegendY, left + 24, kCurvesLegendY, entry.colour, 2.5);
    svg += text(left + 30, kCurvesLegendY + 4, entry.name, 13, "start");
    left += kEntryWidth;
  }
  return svg;
}

}  // namespace

void write_training_curves_svg(const std::string& path, const History& history) {
  std::string svg = svg_start(kCurvesWidth, kCurvesHeight);
  std::string title = "training curves";
  if (history.best_epoch > 0) title += " (best epoch " + std::to_string(history.best_epoch) + ")";
  svg += text(kCurvesWidth / 2.0, 30, title, 18, "middle", kInkColour, 0, "bold");
  const std::vector<CurvePanel> panels = training_curve_panels(history);
  svg += legend(panels.front().series);
  for (size_t i = 0; i < panels.size(); ++i)
    svg += curve_panel(panels[i], curve_panel_box(static_cast<int>(i)));
  svg += "</svg>\n";
  data::write_text_atomically(path, svg);
}

void write_confusion_matrix_svg(const std::string& path, const ClassificationReport& report,
                                const std::string& title) {
  const size_t classes = report.classes.size();
  TIMBRE_CHECK(classes >= 1 && report.confusion_matrix.size() == classes, path,
               ": the confusion matrix must be C x C for the report's C >= 1 classes");
  // Characters of a 12-pixel sans-serif font are at most about 8 pixels wide.
  const ConfusionLayout layout = confusion_layout(report, 8);
  std::string svg = svg_start(layout.width, layout.height);
  const int matrix = layout.cell * static_cast<int>(classes);
  svg += text(layout.left + matrix / 2.0, 32, title, 18, "middle", kInkColour, 0, "bold");
  for (size_t row = 0; row < classes; ++row) {
    TIMBRE_CHECK(report.confusion_matrix[row].size() == classes, path, ": row ", row,
                 " of the confusion matrix does not have ", classes, " entries");
    for (size_t column = 0; column < classes; ++column) {
      const double fraction = row_fraction(report, row, column);
      const double x = layout.left + static_cast<double>(column * layout.cell);
      const double y = layout.top + static_cast<double>(row * layout.cell);
      svg += "<rect x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) + "\" width=\"" +
             std::to_string(layout.cell) + "\" height=\"" + std::to_string(layout.cell) +
             "\" fill=\"" + svg_colour(confusion_cell_colour(fraction)) + "\"/>\n";
      svg += text(x + layout.cell / 2.0, y + layout.cell / 2.0 + 5,
                  std::to_string(report.confusion_matrix[row][column]), 14, "middle",
                  dark_text_on_cell(fraction) ? kInkColour : kWhite);
    }
    // The true class's name, right-aligned left of its row.
    svg += text(layout.left - layout.label_gap, layout.top + (row + 0.5) * layout.cell + 5,
                report.classes[row], 13, "end");
    // The predicted class's name below its column, read upwards, ending at the matrix.
    svg += text(layout.left + (row + 0.5) * layout.cell + 5, layout.top + matrix + layout.label_gap,
                report.classes[row], 13, "end", kInkColour, -90.0);
  }
  svg += "<rect x=\"" + std::to_string(layout.left) + "\" y=\"" + std::to_string(layout.top) +
         "\" width=\"" + std::to_string(matrix) + "\" height=\"" + std::to_string(matrix) +
         "\" fill=\"none\" stroke=\"" + svg_colour(kInkColour) + "\"/>\n";
  svg += text(layout.left + matrix / 2.0,
              layout.top + matrix + layout.label_gap + layout.longest_name + 30, "predicted", 14,
              "middle", kInkColour, 0, "bold");
  svg += text(20, layout.top + matrix / 2.0, "true", 14, "middle", kInkColour, -90.0, "bold");
  svg += "</svg>\n";
  data::write_text_atomically(path, svg);
}

}  // namespace timbre::train
