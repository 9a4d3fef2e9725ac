// tests/test_data_preprocess.cpp - the preprocessing cache (data/preprocess.h): every kind writes
// the files its layout promises with the asked sizes and shapes, the result and index.csv list
// them and read back the same, existing outputs are reused, a folder made with other options is
// refused, and a clip that cannot be decoded is skipped with a warning.
//
// The input clips are 3-s synthetic clips (data/synth.h) written as WAV files: two "low" and
// one "high" clip, plus a text file named like a WAV.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "audio/encode.h"
#include "audio/image.h"
#include "data/preprocess.h"
#include "data/synth.h"
#include "data/text_file.h"
#include "test_helpers.h"

namespace timbre::data {
namespace {

namespace fs = std::filesystem;

class Preprocess : public timbre::testing::FolderTest {
 protected:
  Preprocess() : FolderTest("timbre_preprocess_") {}

  void SetUp() override {
    FolderTest::SetUp();
    fs::create_directories(directory_ / "audio");
    SynthOptions synth;
    synth.seconds = 3.0;  // 66150 samples
    clips_.classes = {"low", "high"};
    const std::vector<std::pair<std::string, int64_t>> files = {
        {"low.00000.wav", 0}, {"low.00001.wav", 0}, {"high.00000.wav", 1}};
    for (size_t i = 0; i < files.size(); ++i) {
      const std::string path = (directory_ / "audio" / files[i].first).string();
      audio::write_wav(path, synthesize_clip(static_cast<int64_t>(i) * 3, 0, synth), 22050);
      clips_.clips.push_back({path, song_of(files[i].first), files[i].second});
    }
  }

  PreprocessOptions options_for(FeatureKind kind, const std::string& folder = "out") const {
    PreprocessOptions options;
    options.kind = kind;
    options.out_dir = (directory_ / folder).string();
    options.threads = 2;
    options.progress = false;
    options.width = 64;
    options.height = 48;
    return options;
  }

  fs::path out(const std::string& relative) const { return directory_ / "out" / relative; }

  ClipList clips_;
};

TEST(FeatureKindNames, RoundTripAndAcceptTheSutdFolderNames) {
  for (FeatureKind kind : {FeatureKind::Spectrogram, FeatureKind::Mel, FeatureKind::Mfcc,
                           FeatureKind::Waveform, FeatureKind::Scalogram, FeatureKind::SplitMel,
                           FeatureKind::MaskMel, FeatureKind::Lstm33, FeatureKind::Gtzan57}) {
    EXPECT_EQ(feature_kind_from_name(feature_kind_name(kind)), kind);
  }
  EXPECT_EQ(feature_kind_name(FeatureKind::SplitMel), "splitmel");
  EXPECT_EQ(feature_kind_from_name("melspect"), FeatureKind::Mel);
  EXPECT_EQ(feature_kind_from_name("wavelets"), FeatureKind::Waveform);
  EXPECT_EQ(feature_kind_from_name("SplitmelSpect"), FeatureKind::SplitMel);
  EXPECT_EQ(feature_kind_from_name("melspectMask"), FeatureKind::MaskMel);
  EXPECT_ERROR_CONTAINS(feature_kind_from_name("chroma"), "unknown preprocessing kind 'chroma'");
}

TEST_F(Preprocess, PictureKindsWriteOnePictureOfTheAskedSizePerClip) {
  for (FeatureKind kind : {FeatureKind::Spectrogram, FeatureKind::Mel, FeatureKind::Mfcc,
                           FeatureKind::Waveform, FeatureKind::Scalogram}) {
    SCOPED_TRACE(feature_kind_name(kind));
    const std::string folder = "out_" + feature_kind_name(kind);
    const ClipList result = preprocess(clips_, options_for(kind, folder));
    ASSERT_EQ(result.size(), 3);
    EXPECT_EQ(result.classes, clips_.classes);
    EXPECT_EQ(result.clips[2].path, (directory_ / folder / "high" / "high.00000.png").string());
    EXPECT_EQ(result.clips[2].song, "high.00000");
    EXPECT_EQ(result.clips[2].label, 1);
    for (const Clip& clip : result.clips) {
      const audio::Image image = audio::read_png(clip.path);
      EXPECT_EQ(image.width, 64);
      EXPECT_EQ(image.height, 48);
    }
  }
}

TEST_F(Preprocess, SplitMelWritesOnePicturePerSlice) {
  PreprocessOptions options = options_for(FeatureKind::SplitMel);
  options.split_seconds = 1.0;  // a 3-s clip gives slices 0, 1, 2
  const ClipList result = preprocess(clips_, options);
  ASSERT_EQ(result.size(), 9);
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(result.clips[static_cast<size_t>(k)].path,
              out("low/low.00000." + std::to_string(k) + ".png").string());
    EXPECT_EQ(result.clips[static_cast<size_t>(k)].song, "low.00000");
  }
  EXPECT_FALSE(fs::exists(out("low/low.00000.3.png")));
}

TEST_F(Preprocess, MaskMelWritesThePictureAndItsMaskedCopiesReproducibly) {
  PreprocessOptions options = options_for(FeatureKind::MaskMel);
  options.mask_copies = 2;
  const ClipList result = preprocess(clips_, options);
  ASSERT_EQ(result.size(), 9);  // 3 clips x (picture + 2 masks)
  EXPECT_EQ(result.clips[0].path, out("low/low.00000.png").string());
  EXPECT_EQ(result.clips[1].path, out("low/low.00000.mask1.png").string());
  EXPECT_EQ(result.clips[2].path, out("low/low.00000.mask2.png").string());
  EXPECT_NE(read_text(result.clips[0].path), read_text(result.clips[1].path));
  EXPECT_NE(read_text(result.clips[1].path), read_text(result.clips[2].path));
  // The same seed gives the same masks in another folder; another seed other masks.
  const ClipList again = preprocess(clips_, options_for(FeatureKind::MaskMel, "again"));
  options.out_dir = (directory_ / "again_seed").string();
  options.seed = 1;
  const ClipList reseeded = preprocess(clips_, options);
  EXPECT_EQ(read_text(again.clips[1].path), read_text(result.clips[1].path));
  EXPECT_NE(read_text(reseeded.clips[1].path), read_text(result.clips[1].path));
}

TEST_F(Preprocess, Lstm33WritesFloat32FramesByFeatures) {
  const ClipList result = preprocess(clips_, options_for(FeatureKind::Lstm33));
  ASSERT_EQ(result.size(), 3);
  EXPECT_EQ(result.clips[0].path, out("low/low.00000.npy").string());
  const Tensor features = read_npy(result.clips[0].path);
  EXPECT_EQ(features.sizes(), (Shape{128, 33}));
  EXPECT_EQ(features.dtype(), kFloat32);
  PreprocessOptions whole = options_for(FeatureKind::Lstm33, "whole");
  whole.max_frames = 0;
  const ClipList all_frames = preprocess(clips_, whole);
  EXPECT_EQ(read_npy(all_frames.clips[0].path).sizes(), (Shape{130, 33}));  // 1 + 66150 / 512
}

TEST_F(Preprocess, Gtzan57WritesOneCsvRowPerClipOrSegment) {
  const ClipList result = preprocess(clips_, options_for(FeatureKind::Gtzan57));
  const std::vector<std::string> rows = lines_of(read_text(out("features.csv")));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].rfind("filename,length,", 0), 0u);
  EXPECT_EQ(rows[3].rfind("high.00000.wav,66150,", 0), 0u) << rows[3];
  EXPECT_EQ(rows[3].substr(rows[3].rfind(',') + 1), "high");
  ASSERT_EQ(result.size(), 3);
  EXPECT_EQ(result.clips[2].path, out("features.csv").string());
  EXPECT_EQ(result.clips[2].song, "high.00000");
  // 1-s segments: pieces of 22049 samples (one short, as GTZAN's 66149), three per clip.
  PreprocessOptions segments = options_for(FeatureKind::Gtzan57, "segments");
  segments.segment_seconds = 1.0;
  const ClipList pieces = preprocess(clips_, segments);
  EXPECT_EQ(pieces.size(), 9);
  const std::vector<std::string> piece_rows =
      lines_of(read_text(directory_ / "segments/features.csv"));
  ASSERT_EQ(piece_rows.size(), 10u);
  EXPECT_EQ(piece_rows[2].rfind("low.00000.1.wav,22049,", 0), 0u) << piece_rows[2];
  EXPECT_EQ(std::count(piece_rows[2].begin(), piece_rows[2].end(), ','), 59);
}

TEST_F(Preprocess, IndexCsvReadsBackAsTheSameList) {
  const ClipList result = preprocess(clips_, options_for(FeatureKind::Mel));
  EXPECT_EQ(lines_of(read_text(out("index.csv")))[1], "low/low.00000.png,low.00000,low");
  const ClipList loaded = load_preprocessed((directory_ / "out").string());
  EXPECT_EQ(loaded.classes, result.classes);
  ASSERT_EQ(loaded.size(), result.size());
  for (size_t i = 0; i < result.clips.size(); ++i) {
    EXPECT_EQ(fs::path(loaded.clips[i].path), fs::path(result.clips[i].path));
    EXPECT_EQ(loaded.clips[i].song, result.clips[i].song);
    EXPECT_EQ(loaded.clips[i].label, result.clips[i].label);
  }
}

TEST_F(Preprocess, ExistingOutputsAreReusedNotRecomputed) {
  preprocess(clips_, options_for(FeatureKind::Mel));
  const auto time = fs::last_write_time(out("low/low.00001.png"));
  // A file already in place counts as done, whatever it holds: it is not computed again.
  std::ofstream(out("high/high.00000.png"), std::ios::trunc) << "kept";
  const ClipList again = preprocess(clips_, options_for(FeatureKind::Mel));
  EXPECT_EQ(again.size(), 3);
  EXPECT_EQ(fs::last_write_time(out("low/low.00001.png")), time);
  EXPECT_EQ(read_text(out("high/high.00000.png")), "kept");
}

TEST_F(Preprocess, AFolderMadeWithOtherOptionsIsAnError) {
  preprocess(clips_, options_for(FeatureKind::Mel));
  PreprocessOptions bigger = options_for(FeatureKind::Mel);
  bigger.width = 128;
  EXPECT_ERROR_CONTAINS(preprocess(clips_, bigger), "holds a cache made with other options");
  EXPECT_ERROR_CONTAINS(preprocess(clips_, options_for(FeatureKind::Mfcc)),
                        "choose another output folder, or delete that one");
  // The seed does not change mel pictures, so it is no conflict.
  PreprocessOptions reseeded = options_for(FeatureKind::Mel);
  reseeded.seed = 9;
  EXPECT_EQ(preprocess(clips_, reseeded).size(), 3);
}

TEST_F(Preprocess, ACorruptClipIsSkippedWithAWarning) {
  const std::string broken = (directory_ / "audio" / "high.00001.wav").string();
  std::ofstream(broken) << "not a RIFF file";
  clips_.clips.push_back({broken, "high.00001", 1});
  ::testing::internal::CaptureStderr();
  const ClipList result = preprocess(clips_, options_for(FeatureKind::Mel));
  const std::string errors = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(result.size(), 3);
  EXPECT_NE(errors.find("warning: " + broken), std::string::npos) << errors;
  EXPECT_NE(errors.find("3 done, 1 failed"), std::string::npos) << errors;
  EXPECT_EQ(load_preprocessed((directory_ / "out").string()).size(), 3);
}

TEST_F(Preprocess, LoadPreprocessedNamesTheProblem) {
  EXPECT_ERROR_CONTAINS(load_preprocessed((directory_ / "nowhere").string()),
                        "index.csv' does not exist");
  preprocess(clips_, options_for(FeatureKind::Mel));
  {
    std::ofstream index(out("index.csv"), std::ios::app);
    index << "low/low.00009.png,low.00009\n";
  }
  EXPECT_ERROR_CONTAINS(load_preprocessed((directory_ / "out").string()), "line 5: expected");
  std::ofstream(out("index.csv"), std::ios::trunc)
      << "file,song,label\nlow/low.00009.png,low.00009,low\n";
  EXPECT_ERROR_CONTAINS(load_preprocessed((directory_ / "out").string()), "line 2: the file");
  std::ofstream(out("index.csv"), std::ios::trunc) << "path,label\n";
  EXPECT_ERROR_CONTAINS(load_preprocessed((directory_ / "out").string()),
                        "line 1 must be the header");
}

TEST_F(Preprocess, RejectsBadOptions) {
  PreprocessOptions options = options_for(FeatureKind::Mel);
  options.out_dir = "";
  EXPECT_ERROR_CONTAINS(preprocess(clips_, options), "out_dir must be given");
  options = options_for(FeatureKind::SplitMel);
  options.split_seconds = 0.0;
  EXPECT_ERROR_CONTAINS(preprocess(clips_, options), "split_seconds must be > 0");
  ClipList mislabelled = clips_;
  mislabelled.clips[0].label = 5;
  EXPECT_ERROR_CONTAINS(preprocess(mislabelled, options_for(FeatureKind::Mel)), "has label 5");
  ClipList comma = clips_;
  comma.clips[0].song = "low,00000";
  EXPECT_ERROR_CONTAINS(preprocess(comma, options_for(FeatureKind::Mel)),
                        "must not hold a comma, quote or line break");
}

}  // namespace
}  // namespace timbre::data
