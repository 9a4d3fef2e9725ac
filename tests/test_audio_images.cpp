// tests/test_audio_images.cpp - colormaps, images, PNG files and the SUTD image recipes.
//
// Colormaps are checked entry by entry against matplotlib 3.6.3's `cmap(arange(256),
// bytes=True)` (tests/data/matplotlib/colormap_bytes.npy, int64 [3 maps, 256, 3]: magma, viridis,
// coolwarm), which must agree exactly: bytes are truncations, so even coolwarm's interpolation
// must repeat matplotlib's arithmetic to the last bit.
#include <stb/stb_image_write.h>  // declarations only; the implementation lives in audio/image.cpp

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <unistd.h>

#include "audio/colormap.h"
#include "audio/decode.h"
#include "audio/image.h"
#include "audio/render.h"
#include "test_helpers.h"

namespace timbre::audio {
namespace {

using timbre::testing::data_path;

// A fresh directory under the system temporary directory, removed at the end of the test.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    path_ = std::filesystem::temp_directory_path() /
            ("timbre_images_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TemporaryDirectory() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

// True when at least two pixels differ.
bool has_two_colours(const Image& image) {
  for (size_t i = 3; i < image.rgb.size(); i += 3) {
    if (!std::equal(image.rgb.begin(), image.rgb.begin() + 3, image.rgb.begin() + i)) return true;
  }
  return false;
}

// ---- colormaps -------------------------------------------------------------------------------

TEST(Colormap, EveryEntryMatchesMatplotlib) {
  const std::vector<int64_t> bytes =
      read_npy(data_path("matplotlib/colormap_bytes.npy")).to_vector<int64_t>();  // [3, 256, 3]
  const Colormap maps[] = {Colormap::Magma, Colormap::Viridis, Colormap::Coolwarm};
  for (int m = 0; m < 3; ++m) {
    int mismatches = 0;
    for (int i = 0; i < 256; ++i) {
      const Rgb colour = colormap_entry(maps[m], i);
      const int64_t* expected = &bytes[(m * 256 + i) * 3];
      if (colour.red != expected[0] || colour.green != expected[1] || colour.blue != expected[2]) {
        ++mismatches;
        ADD_FAILURE() << colormap_name(maps[m]) << "[" << i << "] = (" << int(colour.red) << ", "
                      << int(colour.green) << ", " << int(colour.blue) << ") vs matplotlib ("
                      << expected[0] << ", " << expected[1] << ", " << expected[2] << ")";
      }
      if (mismatches > 5) break;
    }
  }
}

TEST(Colormap, KnownMatplotlibValues) {
  // matplotlib 3.6.3: cmap(t, bytes=True), which truncates channel * 255.
  EXPECT_EQ(map_value(Colormap::Viridis, 0.0), (Rgb{68, 1, 84}));
  EXPECT_EQ(map_value(Colormap::Magma, 1.0), (Rgb{251, 252, 191}));  // 0.987053 * 255 = 251.7
  EXPECT_EQ(map_value(Colormap::Coolwarm, 0.5), (Rgb{221, 220, 219}));
  EXPECT_EQ(map_value(Colormap::Coolwarm, 0.0), (Rgb{58, 76, 192}));
  EXPECT_EQ(map_value(Colormap::Coolwarm, 1.0), (Rgb{179, 3, 38}));
}

TEST(Colormap, LookupTruncatesAndClips) {
  // int(t * 256): t just below 1/256 is entry 0, t = 1/256 is entry 1; outside [0, 1] clips.
  EXPECT_EQ(map_value(Colormap::Magma, 0.999 / 256), colormap_entry(Colormap::Magma, 0));
  EXPECT_EQ(map_value(Colormap::Magma, 1.0 / 256), colormap_entry(Colormap::Magma, 1));
  EXPECT_EQ(map_value(Colormap::Magma, -3.0), colormap_entry(Colormap::Magma, 0));
  EXPECT_EQ(map_value(Colormap::Magma, 7.0), colormap_entry(Colormap::Magma, 255));
  EXPECT_EQ(map_value(Colormap::Magma, std::nan("")), (Rgb{0, 0, 0}));
}

TEST(Colormap, NamesRoundTripAndUnknownNamesAreRejected) {
  for (Colormap map : {Colormap::Magma, Colormap::Viridis, Colormap::Coolwarm}) {
    EXPECT_EQ(colormap_from_name(colormap_name(map)), map);
  }
  EXPECT_ERROR_CONTAINS(colormap_from_name("jet"), "known: magma, viridis, coolwarm");
  EXPECT_ERROR_CONTAINS(colormap_entry(Colormap::Magma, 256), "outside");
}

// ---- render_matrix, resize, image_to_tensor ----------------------------------------------------

TEST(RenderMatrix, LowRowsAtTheBottomAndAutoscaled) {
  // values [2, 3]: row 0 (low frequency) all -80, row 1 all 0.
  const Tensor values = timbre::testing::make({-80, -80, -80, 0, 0, 0}, {2, 3}, DType::Float64);
  const Image image = render_matrix(values, Colormap::Magma);
  ASSERT_EQ(image.width, 3);
  ASSERT_EQ(image.height, 2);
  const Rgb top{image.rgb[0], image.rgb[1], image.rgb[2]};
  const Rgb bottom{image.rgb[9], image.rgb[10], image.rgb[11]};
  EXPECT_EQ(top, map_value(Colormap::Magma, 1.0));     // the largest value, drawn at the top
  EXPECT_EQ(bottom, map_value(Colormap::Magma, 0.0));  // row 0, drawn at the bottom
  const Image unflipped = render_matrix(values, Colormap::Magma, {}, {}, false);
  EXPECT_EQ((Rgb{unflipped.rgb[0], unflipped.rgb[1], unflipped.rgb[2]}), bottom);
}

TEST(RenderMatrix, ExplicitRangeAndConstantMatrix) {
  const Tensor values = timbre::testing::make({0.5}, {1, 1}, DType::Float64);
  const Image image = render_matrix(values, Colormap::Viridis, 0.0, 1.0);
  EXPECT_EQ((Rgb{image.rgb[0], image.rgb[1], image.rgb[2]}), map_value(Colormap::Viridis, 0.5));
  // vmin == vmax from autoscaling: matplotlib maps everything to 0.
  const Image constant = render_matrix(values, Colormap::Viridis);
  EXPECT_EQ((Rgb{constant.rgb[0], constant.rgb[1], constant.rgb[2]}), (Rgb{68, 1, 84}));
  EXPECT_ERROR_CONTAINS(render_matrix(values, Colormap::Viridis, 1.0, 0.0), "vmin");
  EXPECT_ERROR_CONTAINS(render_matrix(zeros({4}), Colormap::Viridis), "2-d");
}

TEST(Resize, GivesTheRequestedSizeAndKeepsFlatColours) {
  Image image{4, 2, std::vector<uint8_t>(4 * 2 * 3, 0)};
  for (size_t i = 0; i < image.rgb.size(); i += 3)
    image.rgb[i] = 200;  // all (200, 0, 0)
  const Image bigger = resize(image, 13, 7);
  ASSERT_EQ(bigger.width, 13);
  ASSERT_EQ(bigger.height, 7);
  ASSERT_EQ(bigger.rgb.size(), 13u * 7u * 3u);
  for (size_t i = 0; i < bigger.rgb.size(); i += 3) {
    EXPECT_EQ(bigger.rgb[i], 200);
    EXPECT_EQ(bigger.rgb[i + 1], 0);
  }
  EXPECT_EQ(resize(image, 4, 2).rgb, image.rgb);
  EXPECT_ERROR_CONTAINS(resize(image, 0, 3), "at least 1x1");
}

TEST(ImageToTensor, PlanarFloatsInZeroOne) {
  // 2 x 1 image: pixel (0,0) = (255, 0, 51), pixel (1,0) = (0, 102, 255).
  const Image image{2, 1, {255, 0, 51, 0, 102, 255}};
  const Tensor x = image_to_tensor(image);
  timbre::testing::expect_tensor(x, {3, 1, 2}, {1.0, 0.0, 0.0, 0.4, 0.2, 1.0}, 1e-7);
  EXPECT_EQ(x.dtype(), DType::Float32);
}

// ---- PNG files --------------------------------------------------------------------------------

TEST(Png, RoundTripIsExact) {
  TemporaryDirectory directory;
  const Tensor values = timbre::testing::random_uniform({20, 30}, 7, {.dtype = DType::Float64});
  const Image image = render_matrix(values, Colormap::Coolwarm);
  const std::string path = directory.file("picture.png");
  write_png(path, image);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  const Image back = read_png(path);
  EXPECT_EQ(back.width, 30);
  EXPECT_EQ(back.height, 20);
  EXPECT_EQ(back.rgb, image.rgb);
}

TEST(Png, ReadingRgbaDropsAlphaAndGreyIsExpanded) {
  TemporaryDirectory directory;
  // One RGBA pixel, half transparent: alpha is dropped, not blended into the colour.
  const uint8_t rgba[] = {10, 20, 30, 128, 40, 50, 60, 255};
  const std::string path = directory.file("rgba.png");
  ASSERT_NE(stbi_write_png(path.c_str(), 2, 1, 4, rgba, 8), 0);
  const Image image = read_png(path);
  EXPECT_EQ(image.width, 2);
  EXPECT_EQ(image.rgb, (std::vector<uint8_t>{10, 20, 30, 40, 50, 60}));
  const uint8_t grey[] = {77};
  const std::string grey_path = directory.file("grey.png");
  ASSERT_NE(stbi_write_png(grey_path.c_str(), 1, 1, 1, grey, 1), 0);
  EXPECT_EQ(read_png(grey_path).rgb, (std::vector<uint8_t>{77, 77, 77}));
}

TEST(Png, ErrorsNameTheFile) {
  TemporaryDirectory directory;
  EXPECT_ERROR_CONTAINS(read_png(directory.file("missing.png")), "missing.png");
  const std::string corrupt = directory.file("corrupt.png");
  std::ofstream(corrupt) << "this is not a png";
  EXPECT_ERROR_CONTAINS(read_png(corrupt), "corrupt.png");
  const Image image{1, 1, {1, 2, 3}};
  EXPECT_ERROR_CONTAINS(write_png(directory.file("no/such/dir/out.png"), image), "out.png");
  EXPECT_ERROR_CONTAINS(write_png(directory.file("bad.png"), Image{2, 2, {1, 2, 3}}), "bytes");
}

// ---- render: the SUTD image kinds -------------------------------------------------------------

class RenderKinds : public ::testing::TestWithParam<ImageKind> {};

TEST_P(RenderKinds, GivesTheRequestedSizeAndIsNotConstant) {
  // The first 3 s of the drums clip keep the test quick.
  const Tensor y = load_audio(data_path("audio/drums.wav"), {.duration = 3.0});
  const Image image = render(y, 22050.0, GetParam());
  EXPECT_EQ(image.width, 432);
  EXPECT_EQ(image.height, 288);
  EXPECT_EQ(image.rgb.size(), 432u * 288u * 3u);
  EXPECT_TRUE(has_two_colours(image)) << image_kind_name(GetParam());
  const Image small =
      render(y, 22050.0, GetParam(), {.width = 50, .height = 40, .colormap = std::nullopt});
  EXPECT_EQ(small.width, 50);
  EXPECT_EQ(small.height, 40);
  EXPECT_TRUE(has_two_colours(small));
}

INSTANTIATE_TEST_SUITE_P(AllKinds, RenderKinds,
                         ::testing::Values(ImageKind::Spectrogram, ImageKind::Mel, ImageKind::Mfcc,
                                           ImageKind::Waveform, ImageKind::Scalogram),
                         [](const ::testing::TestParamInfo<ImageKind>& info) {
                           return image_kind_name(info.param);
                         });

TEST(Render, ValueShapesFollowTheRecipes) {
  const Tensor y = zeros({22050}, {.dtype = DType::Float32});
  EXPECT_EQ(image_values(y, 22050.0, ImageKind::Spectrogram).sizes(), (Shape{1025, 44}));
  EXPECT_EQ(image_values(y, 22050.0, ImageKind::Mel).sizes(), (Shape{128, 22}));
  EXPECT_EQ(image_values(y, 22050.0, ImageKind::Mfcc).sizes(), (Shape{13, 44}));
  EXPECT_EQ(image_values(y, 22050.0, ImageKind::Scalogram, 100).sizes(), (Shape{128, 100}));
  EXPECT_ERROR_CONTAINS(image_values(y, 22050.0, ImageKind::Waveform), "waveform");
}

TEST(Render, MelOfAClipPeaksAtZeroDecibels) {
  const Tensor y = load_audio(data_path("audio/tones.wav"), {.duration = 2.0});
  const std::vector<double> mel = image_values(y, 22050.0, ImageKind::Mel).to_vector<double>();
  EXPECT_DOUBLE_EQ(*std::max_element(mel.begin(), mel.end()), 0.0);
  EXPECT_GE(*std::min_element(mel.begin(), mel.end()), -80.0);
}

TEST(Render, KindNames) {
  for (ImageKind kind : {ImageKind::Spectrogram, ImageKind::Mel, ImageKind::Mfcc,
                         ImageKind::Waveform, ImageKind::Scalogram}) {
    EXPECT_EQ(image_kind_from_name(image_kind_name(kind)), kind);
  }
  EXPECT_EQ(image_kind_from_name("melspect"), ImageKind::Mel);
  EXPECT_EQ(image_kind_from_name("wavelets"), ImageKind::Waveform);
  EXPECT_ERROR_CONTAINS(image_kind_from_name("chroma"), "unknown image kind");
}

// ---- split_clip and spec_augment_mask ---------------------------------------------------------

TEST(SplitClip, ThreeTenSecondSlicesOfAGtzanClip) {
  const Tensor y = timbre::testing::random_uniform({661794}, 3, {.dtype = DType::Float32});
  const std::vector<Tensor> slices = split_clip(y, 22050.0, 10.0);
  ASSERT_EQ(slices.size(), 3u);
  const std::vector<float> all = y.to_vector<float>();
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(slices[i].sizes(), (Shape{220500}));
    EXPECT_EQ(slices[i].dtype(), DType::Float32);
    EXPECT_EQ(slices[i].to_vector<float>().front(), all[i * 220500]);
    EXPECT_EQ(slices[i].to_vector<float>().back(), all[i * 220500 + 220499]);
  }
  // Shorter than one slice: the whole clip.
  const std::vector<Tensor> short_clip = split_clip(zeros({1000}), 22050.0, 10.0);
  ASSERT_EQ(short_clip.size(), 1u);
  EXPECT_EQ(short_clip[0].numel(), 1000);
  EXPECT_ERROR_CONTAINS(split_clip(y, 22050.0, 0.0), "seconds");
}

TEST(SpecAugmentMask, MasksStayWithinTheLimitsAndUseTheMaximum) {
  const int64_t rows = 128, frames = 216;  // a 10-s slice's mel image
  // Values in [-80, -1) except one cell at 0 dB (the maximum).
  Tensor mel =
      timbre::testing::random_uniform({rows, frames}, 11, {.dtype = DType::Float64}, -80.0, -1.0);
  std::vector<double> cells = mel.to_vector<double>();
  cells[5] = 0.0;
  mel = timbre::testing::make(cells, {rows, frames}, DType::Float64);
  int64_t widest = 0, tallest = 0;
  for (uint64_t seed = 0; seed < 60; ++seed) {
    Generator generator(seed);
    const std::vector<double> masked = spec_augment_mask(mel, generator).to_vector<double>();
    std::set<int64_t> masked_columns, masked_rows;
    for (int64_t t = 0; t < frames; ++t) {
      bool all_max = true;
      for (int64_t r = 0; r < rows; ++r)
        all_max = all_max && masked[r * frames + t] == 0.0;
      if (all_max) masked_columns.insert(t);
    }
    for (int64_t r = 0; r < rows; ++r) {
      bool all_max = true;
      for (int64_t t = 0; t < frames; ++t)
        all_max = all_max && masked[r * frames + t] == 0.0;
      if (all_max) masked_rows.insert(r);
    }
    EXPECT_LE(static_cast<int64_t>(masked_columns.size()), 32);  // floor(0.15 * 216)
    EXPECT_LE(static_cast<int64_t>(masked_rows.size()), 38);     // floor(0.3 * 128)
    // Each mask is one contiguous band.
    if (!masked_columns.empty()) {
      EXPECT_EQ(*masked_columns.rbegin() - *masked_columns.begin() + 1,
                static_cast<int64_t>(masked_columns.size()));
    }
    // Every other cell is untouched.
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t t = 0; t < frames; ++t) {
        if (!masked_columns.count(t) && !masked_rows.count(r)) {
          ASSERT_EQ(masked[r * frames + t], cells[r * frames + t]);
        }
      }
    }
    widest = std::max<int64_t>(widest, masked_columns.size());
    tallest = std::max<int64_t>(tallest, masked_rows.size());
  }
  EXPECT_GT(widest, 10);  // over 60 seeds the widths do spread over their range
  EXPECT_GT(tallest, 10);
}

TEST(SpecAugmentMask, TheSeedFixesTheMasks) {
  const Tensor mel = timbre::testing::random_uniform({16, 40}, 5, {.dtype = DType::Float64});
  Generator first(42), second(42), other(43);
  const std::vector<double> a = spec_augment_mask(mel, first).to_vector<double>();
  EXPECT_EQ(a, spec_augment_mask(mel, second).to_vector<double>());
  // A different seed gives different masks (checked over a few draws to avoid a fluke).
  bool differs = false;
  for (int i = 0; i < 5 && !differs; ++i) {
    differs = spec_augment_mask(mel, other).to_vector<double>() != a;
  }
  EXPECT_TRUE(differs);
  EXPECT_EQ(mel.dtype(), DType::Float64);  // input unchanged in type
}

}  // namespace
}  // namespace timbre::audio
