// data/synth.h - a synthetic GTZAN: ten genre-like classes of music made from seeded random
// numbers, so that every example, test and lab runs with no download (docs/synthetic.md).
//
//   data::SynthOptions options;
//   options.clips_per_class = 40;
//   data::write_synthetic_gtzan("synthetic_gtzan", options);  // the Kaggle layout; cached
//   data::ClipList clips = data::load_gtzan("synthetic_gtzan");  // data/gtzan.h
//
// Each clip is arranged from its genre's recipe (data/synth_recipes.h: tempo, drum pattern,
// bass line, chords, melody, instruments, production) and rendered with the instruments of
// data/synth_instruments.h. The recipes overlap on purpose, so that classifiers rank roughly as
// on the real GTZAN and none reaches 100%.
#pragma once

#include <cstdint>
#include <string>

#include "tensor/tensor.h"

namespace timbre::data {

struct SynthOptions {
  int64_t clips_per_class = 100;  // GTZAN has 100
  double seconds = 30.0;          // length of each clip (GTZAN: 30 s)
  int sample_rate = 22050;        // Hz (GTZAN: 22050)
  uint64_t seed = 0;              // the whole data set is a function of this seed
  int threads = 0;                // worker threads; 0: one per core
  bool images = true;             // write images_original/ (mel images, 432x288)
  bool features_30_sec = true;    // write features_30_sec.csv
  bool features_3_sec = true;     // write features_3_sec.csv (ten 3-s pieces per clip)
  bool progress = true;           // progress bar on stderr (when it is a terminal)
};

// One synthetic clip: clip `index` of genre `genre` (gtzan_genres() order).
// -> [round(seconds * sample_rate)] float32, every value in [-1, 1)
// Requires: 0 <= genre < 10; index >= 0; options.seconds > 0; options.sample_rate >= 8000
//           (else timbre::Error).
// Ensures:  a function of (options.seed, genre, index, seconds, sample_rate) only: the same for
//           any thread count or call order; different seeds give different clips.
Tensor synthesize_clip(int64_t genre, int64_t index, const SynthOptions& options);

// What write_synthetic_gtzan did.
struct SynthSummary {
  int64_t clips = 0;    // clips in the data set (10 * clips_per_class)
  int64_t written = 0;  // files written by this call (0 when everything was cached)
  int64_t failed = 0;   // clips that could not be written (each named in a warning)
  bool cached = false;  // true when nothing had to be done
  std::string root;     // out_dir
};

// Writes the synthetic data set in GTZAN's Kaggle layout:
//   <out>/genres_original/<genre>/<genre>.000NN.wav   16-bit PCM WAV at options.sample_rate
//   <out>/images_original/<genre>/<genre>000NN.png    audio::render(Mel) at 432x288 (images)
//   <out>/features_30_sec.csv                          gtzan_csv_header + one row per clip
//   <out>/features_3_sec.csv                           one row per 3-s piece <genre>.000NN.<k>.wav
//   <out>/synth.json                                   the options that made it
// (NN: the clip index, zero-padded to 5 digits.) The 3-s pieces are consecutive slices of 66149
// samples (GTZAN's length), as many as fit, at most ten; CSV rows are sorted by file name as in
// GTZAN's files. Clips are made on options.threads threads with a progress bar.
// Cache: when <out>/synth.json records the same options (seed, clips, length, rate) and every
// file exists, nothing is rewritten and a line says so; otherwise only missing files are made
// (every file is written to a temporary name and renamed, so an interrupted run leaves only
// complete files). A synth.json of other options is an error asking for another folder.
// Requires: options as synthesize_clip; options.clips_per_class >= 1 and <= 100000.
// Ensures:  prints a summary line to stdout; the files above exist unless `failed` > 0.
// Throws timbre::Error naming the folder when it cannot be created or holds another data set.
SynthSummary write_synthetic_gtzan(const std::string& out_dir, const SynthOptions& options);

}  // namespace timbre::data
