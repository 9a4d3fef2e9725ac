// data/gtzan.h - finding and listing a real GTZAN copy (Tzanetakis and Cook, 2002): 1000 clips of
// 30 s, 22,050 Hz mono, 100 per genre (data::gtzan_genres()). It circulates in two layouts:
//
//   Kaggle ("GTZAN Dataset - Music Genre Classification"):      original (marsyas.info):
//     Data/genres_original/blues/blues.00000.wav                 genres/blues/blues.00000.au
//     Data/images_original/blues/blues00000.png  (432x288)       (16-bit big-endian Sun .au)
//     Data/features_30_sec.csv, Data/features_3_sec.csv
//
// find_gtzan accepts the folder the user has, whichever of these it is: the Kaggle `Data` folder
// or the folder holding it, the marsyas `genres` folder or the folder holding it, or the genre
// folders' parent itself (`genres_original`). The Kaggle copy's jazz.00054.wav is not a WAV file:
// load_gtzan skips it (and any other unreadable clip) with a warning instead of failing later.
//
//   data::ClipList clips = data::load_gtzan("~/datasets/gtzan");
//   // stderr: warning: skipping .../jazz/jazz.00054.wav: <libsndfile's reason>
//   //         GTZAN (kaggle layout) at .../Data: blues 100, ..., rock 100 (999 clips; 1 skipped)
#pragma once

#include <string>

#include "data/dataset.h"

namespace timbre::data {

enum class GtzanLayout { Kaggle, Marsyas };

// Where the parts of a GTZAN copy are. Folders and files that a layout does not have, or that
// this copy lacks, are "".
struct GtzanFolders {
  GtzanLayout layout = GtzanLayout::Kaggle;
  std::string root;        // Kaggle: the `Data` folder; marsyas: the folder holding `genres`
  std::string audio_dir;   // the folder of genre folders: genres_original or genres
  std::string images_dir;  // Kaggle only: images_original ("" when absent)
  std::string features_30_sec_csv;  // Kaggle only: features_30_sec.csv ("" when absent)
  std::string features_3_sec_csv;   // Kaggle only: features_3_sec.csv ("" when absent)
};

// "kaggle" or "marsyas".
std::string layout_name(GtzanLayout layout);

// Detects the layout of the GTZAN copy at `path`, which may be (checked in this order):
//   Kaggle:  the `Data` folder (holding genres_original/), or the folder holding Data/;
//   marsyas: the folder holding genres/ (genres/<genre>/*.au);
//   either:  the folder of genre folders itself (genres_original/ or genres/): Kaggle when the
//            genre folders hold .wav files, marsyas when they hold .au files.
// Ensures: audio_dir is a directory; for Kaggle, images_dir and the CSV paths name existing
//          entries or are "". Paths are `path` (lexically normalised: no "./", "//" or trailing
//          '/') joined with the parts found.
// Throws timbre::Error naming `path` when it does not exist, is not a directory, or has neither
// layout (the message lists both layouts).
GtzanFolders find_gtzan(const std::string& path);

struct GtzanOptions {
  // Open each file's header (audio::native_sample_rate) and skip those that cannot be read.
  bool check_readable = true;
  bool quiet = false;  // print neither the warnings nor the summary line
};

// The audio clips of the GTZAN copy at `path` (any folder find_gtzan accepts).
// Ensures: classes == gtzan_genres(); each clip's label is its genre folder's position there and
//          its song is "<genre>.000NN" (song_of of the file name); clips are sorted by path; a
//          missing genre folder just gives that class no clips; only files with the layout's
//          extension (.wav for Kaggle, .au for marsyas) are listed.
// Prints to stderr, unless options.quiet:
//   "warning: skipping <file>: <reason>" for each unreadable file (when check_readable),
//   "warning: <folder>: not a GTZAN genre, skipped" for each unknown genre folder,
//   "GTZAN (kaggle layout) at <audio_dir>: blues 100, ..., rock 100 (999 clips; 1 skipped)".
// Throws timbre::Error as find_gtzan does.
ClipList load_gtzan(const std::string& path, const GtzanOptions& options = {});

// The Kaggle copy's mel-spectrogram images (images_original/<genre>/<genre>000NN.png), labelled
// like load_gtzan's clips, with each song normalised to "<genre>.000NN" ("blues00029.png" ->
// "blues.00029") so that an image, its audio clip and its CSV rows share one song name.
// Ensures: classes == gtzan_genres(); sorted by path; only .png files are listed; the images are
//          not decoded here (a corrupt PNG fails when it is read).
// Prints the unknown-genre warnings and "GTZAN images at <images_dir>: blues 100, ..." as
// load_gtzan does (options.check_readable is not used).
// Throws timbre::Error as find_gtzan does, and naming the folder when the copy has no
// images_original folder (the marsyas layout never has one).
ClipList load_gtzan_images(const std::string& path, const GtzanOptions& options = {});

// "blues00029.png" -> "blues.00029": a Kaggle image's song name in the audio files' form.
// Names not of the form <letters><digits>.png keep song_of's result.
std::string gtzan_image_song(const std::string& filename);

}  // namespace timbre::data
