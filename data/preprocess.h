// data/preprocess.h - the preprocessing cache: a ClipList of audio clips turned, once, into the
// pictures or feature files a report's model reads, which training then loads from disk
// (docs/preprocessing.md).
//
//   data::PreprocessOptions options;
//   options.kind = data::FeatureKind::Mel;
//   options.out_dir = "cache/mel";
//   data::ClipList images = data::preprocess(clips, options);   // cache/mel/<class>/<stem>.png
//   ...                                                          // later runs: nothing to compute
//   data::ClipList again = data::load_preprocessed("cache/mel"); // from cache/mel/index.csv
//
// Layout under out_dir (<stem> is the clip's file name without its extension):
//   spectrogram, mel, mfcc, waveform, scalogram   <class>/<stem>.png
//   splitmel     <class>/<stem>.<k>.png, k = 0, 1, 2 (the 10-s slices [0,10) [10,20) [20,30) s)
//   maskmel      <class>/<stem>.png and <class>/<stem>.mask<k>.png, k = 1..mask_copies
//   lstm33       <class>/<stem>.npy  float32 [max_frames, 33] (max_frames 0: every frame)
//   gtzan57      features.csv (GTZAN's columns; segment_seconds 3: ten rows per clip)
//   always       index.csv (file,song,label), classes.txt and preprocess.json (kind, options)
#pragma once

#include <cstdint>
#include <string>

#include "data/dataset.h"

namespace timbre::data {

// What preprocess computes from each clip.
enum class FeatureKind {
  Spectrogram,  // audio::ImageKind::Spectrogram picture
  Mel,          // audio::ImageKind::Mel picture (SUTD "melspect", Kaggle images_original)
  Mfcc,         // audio::ImageKind::Mfcc picture
  Waveform,     // audio::ImageKind::Waveform picture (SUTD "wavelets")
  Scalogram,    // audio::ImageKind::Scalogram picture (a real Morlet wavelet transform)
  SplitMel,     // mel pictures of consecutive split_seconds slices (SUTD "SplitmelSpect")
  MaskMel,      // a mel picture plus mask_copies SpecAugment-masked copies (SUTD "melspectMask")
  Lstm33,       // audio::lstm33 features as .npy (SUTD LSTM)
  Gtzan57,      // audio::gtzan57 rows of one CSV (GTZAN features_30_sec / features_3_sec)
  MelSegments,  // log-mel arrays [1, 128, 130] of consecutive 3-s slices as .npy (FMA CNN)
};

// "spectrogram", "mel", "mfcc", "waveform", "scalogram", "splitmel", "maskmel", "lstm33",
// "gtzan57", "melsegments".
std::string feature_kind_name(FeatureKind kind);

// Inverse of feature_kind_name, ignoring case; also accepts the SUTD folder names "melspect"
// (Mel), "wavelets" (Waveform), "SplitmelSpect" (SplitMel) and "melspectMask" (MaskMel).
// Throws timbre::Error listing the known names for anything else.
FeatureKind feature_kind_from_name(const std::string& name);

struct PreprocessOptions {
  FeatureKind kind = FeatureKind::Mel;
  std::string out_dir;      // the cache folder (created when missing)
  int threads = 0;          // worker threads; 0: one per core
  bool progress = true;     // progress bar on stderr (when it is a terminal)
  int sample_rate = 22050;  // clips are decoded (resampled) at this rate
  int width = 432;          // picture size in pixels (the reports' 432 x 288)
  int height = 288;
  double split_seconds = 10.0;   // SplitMel: slice length
  int mask_copies = 4;           // MaskMel: masked copies per clip
  uint64_t seed = 0;             // MaskMel: copy k of clip i uses Generator(mix(seed, i, k))
  int64_t max_frames = 128;      // Lstm33: frames kept (0: the whole clip)
  double segment_seconds = 0.0;  // Gtzan57: 0 one row per clip; 3 ten 3-s rows per clip
};

// Computes options.kind for every clip into options.out_dir, or reuses what an earlier call left
// there, and returns the cached files as a ClipList: one Clip per output file (path = the file,
// song = the input clip's song, label = its label), in clip order and, within a clip, in output
// order (slice k, or the mel picture then its masks); classes unchanged. For Gtzan57 each Clip's
// path is features.csv and song/label are the row's (one Clip per row). The list is also
// written as out_dir/index.csv ("file,song,label": file relative to out_dir, label the class
// name), and the class names as out_dir/classes.txt. Several calls may share one out_dir (say
// the train and the test clips): files are shared, index.csv lists the latest call's clips.
// Cache: an output file that exists is not computed again (every file is written to a temporary
// name and renamed, so an existing file is complete). out_dir/preprocess.json records the kind
// and the options that change the outputs; if it exists and differs, preprocess throws a
// timbre::Error asking for another out_dir or to delete that one.
// Clips run on options.threads threads with a progress bar; a clip that cannot be decoded or
// processed is named in a warning ("warning: <path>: <reason>") and left out of the result.
// Requires: clips' labels index clips.classes; file stems unique within a class (two clips of
//           one class and stem share their outputs); options.out_dir not empty; sizes >= 1;
//           split_seconds > 0; mask_copies >= 0; max_frames >= 0; segment_seconds >= 0 (0 or
//           3 as GTZAN's two CSVs).
// Throws timbre::Error for bad options, a label out of range, a class name, file name or song
// holding a comma, quote or line break (they would break index.csv), an out_dir that cannot be
// made or holds a cache of other options.
ClipList preprocess(const ClipList& clips, const PreprocessOptions& options);

// Reads back the ClipList of a preprocessed folder from its index.csv.
// Ensures:  the classes of the last preprocess call in their order (out_dir/classes.txt, one
//           name a line; without that file, classes in order of first appearance); paths are
//           `dir` joined with the index's relative paths.
// Throws timbre::Error naming the file and line for a missing index.csv, a bad header or row,
// or a listed file that does not exist.
ClipList load_preprocessed(const std::string& dir);

}  // namespace timbre::data
