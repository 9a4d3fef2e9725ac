// train/plots.h and the pieces under it: the training curves and the confusion matrix as SVG
// (well-formed enough to check by text: one <polyline> per line, the class names) and PNG
// (read back with the expected size), written atomically; the 5x7 font and the canvas.
#include <cmath>
#include <filesystem>
#include <string>

#include "audio/image.h"
#include "data/text_file.h"
#include "test_helpers.h"
#include "train/bitmap_font.h"
#include "train/canvas.h"
#include "train/plot_layout.h"
#include "train/plots.h"

using namespace timbre;
using namespace timbre::train;

namespace {

namespace fs = std::filesystem;

// A fresh folder per test, removed afterwards.
class TrainPlots : public timbre::testing::FolderTest {
 protected:
  TrainPlots() : FolderTest("timbre_plots_") {}
};

History three_epochs(bool with_validation) {
  History history;
  const double nan = std::nan("");
  history.epochs = {
      {1, 1.10, 0.40, with_validation ? 1.20 : nan, with_validation ? 0.35 : nan, 1e-3, 2.0},
      {2, 0.80, 0.60, with_validation ? 0.95 : nan, with_validation ? 0.55 : nan, 1e-3, 2.0},
      {3, 0.50, 0.80, with_validation ? 0.90 : nan, with_validation ? 0.60 : nan, 1e-3, 2.0}};
  history.best_epoch = 3;
  return history;
}

ClassificationReport four_class_report() {
  // A diagonal-heavy matrix of four GTZAN genres.
  ClassificationReport report;
  report.classes = {"blues", "classical", "hiphop", "rock"};
  report.confusion_matrix = {{8, 1, 0, 1}, {0, 10, 0, 0}, {1, 0, 7, 2}, {2, 0, 1, 7}};
  report.samples = 40;
  return report;
}

size_t count_of(const std::string& text, const std::string& piece) {
  size_t count = 0;
  for (size_t at = text.find(piece); at != std::string::npos; at = text.find(piece, at + 1))
    ++count;
  return count;
}

}  // namespace

TEST_F(TrainPlots, TrainingCurvesSvgHasOneLinePerSeriesInEachPanel) {
  write_training_curves_svg(path("curves.svg"), three_epochs(true));
  const std::string svg = data::read_text(path("curves.svg"));
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_EQ(count_of(svg, "<polyline"), 4u);  // train and validation, loss and accuracy
  EXPECT_NE(svg.find(">loss<"), std::string::npos);
  EXPECT_NE(svg.find(">accuracy<"), std::string::npos);
  EXPECT_NE(svg.find(">validation<"), std::string::npos);
  EXPECT_NE(svg.find(">epoch<"), std::string::npos);
  EXPECT_NE(svg.find("best epoch 3"), std::string::npos);
  EXPECT_FALSE(fs::exists(path("curves.svg.tmp")));
}

TEST_F(TrainPlots, TrainingCurvesWithoutValidationDrawOnlyTheTrainingLines) {
  write_training_curves_svg(path("curves.svg"), three_epochs(false));
  const std::string svg = data::read_text(path("curves.svg"));
  EXPECT_EQ(count_of(svg, "<polyline"), 2u);
  EXPECT_EQ(svg.find(">validation<"), std::string::npos);
}

TEST_F(TrainPlots, TrainingCurvesPngHasThePictureSizeAndInkOfBothLineColours) {
  write_training_curves_png(path("curves.png"), three_epochs(true));
  const audio::Image image = audio::read_png(path("curves.png"));
  EXPECT_EQ(image.width, kCurvesWidth);
  EXPECT_EQ(image.height, kCurvesHeight);
  bool has_train = false, has_validation = false;
  for (size_t i = 0; i + 2 < image.rgb.size(); i += 3) {
    const audio::Rgb pixel{image.rgb[i], image.rgb[i + 1], image.rgb[i + 2]};
    has_train = has_train || pixel == kTrainColour;
    has_validation = has_validation || pixel == kValidationColour;
  }
  EXPECT_TRUE(has_train);
  EXPECT_TRUE(has_validation);
}

TEST_F(TrainPlots, EmptyHistoryStillGivesAPicture) {
  write_training_curves_svg(path("curves.svg"), History{});
  write_training_curves_png(path("curves.png"), History{});
  EXPECT_EQ(audio::read_png(path("curves.png")).width, kCurvesWidth);
}

TEST_F(TrainPlots, ConfusionMatrixSvgNamesEveryClassOnBothAxesAndWritesEveryCount) {
  write_confusion_matrix_svg(path("cm.svg"), four_class_report(), "test set");
  const std::string svg = data::read_text(path("cm.svg"));
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  for (const char* name : {"blues", "classical", "hiphop", "rock"})
    EXPECT_EQ(count_of(svg, std::string(">") + name + "<"), 2u) << name;
  EXPECT_EQ(count_of(svg, "<rect"), 1u + 16u + 1u);  // background, cells, frame
  EXPECT_NE(svg.find(">10<"), std::string::npos);
  EXPECT_NE(svg.find(">predicted<"), std::string::npos);
  EXPECT_NE(svg.find(">true<"), std::string::npos);
  EXPECT_NE(svg.find(">test set<"), std::string::npos);
}

TEST_F(TrainPlots, ConfusionMatrixPngColoursCellsByTheirShareOfTheRow) {
  const ClassificationReport report = four_class_report();
  write_confusion_matrix_png(path("cm.png"), report, "test set");
  const audio::Image image = audio::read_png(path("cm.png"));
  const ConfusionLayout layout = confusion_layout(report, 12);
  ASSERT_EQ(image.width, layout.width);
  ASSERT_EQ(image.height, layout.height);
  // The corner pixel of a cell has no text on it: row 1 column 1 holds all of its row (10/10,
  // the top of viridis), row 1 column 0 none of it (the bottom).
  auto corner = [&](int row, int column) {
    const size_t x = layout.left + column * layout.cell + 1;
    const size_t y = layout.top + row * layout.cell + 1;
    const size_t at = (y * image.width + x) * 3;
    return audio::Rgb{image.rgb[at], image.rgb[at + 1], image.rgb[at + 2]};
  };
  EXPECT_EQ(corner(1, 1), confusion_cell_colour(1.0));
  EXPECT_EQ(corner(1, 0), confusion_cell_colour(0.0));
  EXPECT_EQ(corner(0, 0), confusion_cell_colour(0.8));
}

TEST_F(TrainPlots, WritingIntoAMissingFolderFailsNamingThePathAndLeavesNothing) {
  const std::string missing = path("no/such/folder/cm.svg");
  EXPECT_ERROR_CONTAINS(write_confusion_matrix_svg(missing, four_class_report(), "t"), missing);
  EXPECT_ERROR_CONTAINS(write_training_curves_png(path("no/curves.png"), three_epochs(true)),
                        "curves.png");
  EXPECT_FALSE(fs::exists(path("no")));
}

TEST_F(TrainPlots, RewritingReplacesTheFileWhole) {
  write_confusion_matrix_svg(path("cm.svg"), four_class_report(), "first");
  write_confusion_matrix_svg(path("cm.svg"), four_class_report(), "second");
  const std::string svg = data::read_text(path("cm.svg"));
  EXPECT_EQ(svg.find("first"), std::string::npos);
  EXPECT_NE(svg.find("second"), std::string::npos);
  EXPECT_FALSE(fs::exists(path("cm.svg.tmp")));
}

TEST(TrainFont, CoversDigitsLettersAndThePunctuationOfLabels) {
  for (char c : std::string("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.%-/()"))
    EXPECT_TRUE(has_glyph(c)) << c;
  EXPECT_FALSE(has_glyph('~'));
  // A glyph is ink on paper: '1' has ink in its middle column, ' ' none at all.
  EXPECT_TRUE(glyph_pixel('1', 2, 3));
  for (int row = 0; row < kGlyphHeight; ++row) {
    for (int column = 0; column < kGlyphWidth; ++column)
      EXPECT_FALSE(glyph_pixel(' ', column, row));
  }
}

TEST(TrainCanvas, TextIsDrawnInsideItsMeasuredBox) {
  Canvas canvas(60, 20, kWhite);
  const audio::Rgb black{0, 0, 0};
  canvas.draw_text(30, 3, "ab1", black, 1, TextAlign::Center);
  const int width = Canvas::text_width("ab1", 1);  // 3 glyphs of 5 pixels, 1 pixel apart
  EXPECT_EQ(width, 17);
  int ink = 0;
  for (int y = 0; y < 20; ++y) {
    for (int x = 0; x < 60; ++x) {
      if (canvas.pixel(x, y) == black) {
        ++ink;
        EXPECT_GE(x, 30 - width / 2);
        EXPECT_LT(x, 30 - width / 2 + width);
        EXPECT_GE(y, 3);
        EXPECT_LT(y, 3 + 7);
      }
    }
  }
  EXPECT_GT(ink, 10);
}

TEST(TrainCanvas, UpwardTextRunsFromItsAnchorTowardsTheTop) {
  Canvas canvas(20, 60, kWhite);
  const audio::Rgb black{0, 0, 0};
  canvas.draw_text_upwards(5, 50, "ll", black, 1, TextAlign::Left);
  for (int y = 0; y < 60; ++y) {
    for (int x = 0; x < 20; ++x) {
      if (!(canvas.pixel(x, y) == black)) continue;
      EXPECT_GE(x, 5);
      EXPECT_LT(x, 5 + 7);
      EXPECT_LT(y, 50);
      EXPECT_GE(y, 50 - Canvas::text_width("ll", 1));
    }
  }
}

TEST(TrainPlotLayout, NiceTicksUseStepsOfOneTwoOrFive) {
  const Ticks ticks = nice_ticks(0.0, 2.3, 5);
  EXPECT_EQ(ticks.values, (std::vector<double>{0.0, 0.5, 1.0, 1.5, 2.0, 2.5}));
  EXPECT_EQ(ticks.decimals, 1);
  EXPECT_EQ(tick_label(ticks.values[1], ticks.decimals), "0.5");
  const Ticks epochs = nice_ticks(0.0, 3.0, 6, 1.0);  // never a tick between two epochs
  EXPECT_EQ(epochs.values, (std::vector<double>{0.0, 1.0, 2.0, 3.0}));
  EXPECT_EQ(nice_ticks(0.0, 100.0, 5).values.size(), 6u);  // 0, 20, ..., 100
}
