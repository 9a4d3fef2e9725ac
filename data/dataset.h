// data/dataset.h - the labelled clip lists every data set of the reports turns into: GTZAN (both
// layouts), FMA small and the synthetic GTZAN all become a ClipList, and the splits, the
// preprocessing cache and the examples work on ClipLists only (docs/data.md).
//
//   ClipList gtzan = data::load_gtzan("~/datasets/GTZAN");   // data/gtzan.h
//   data::Split split = data::first_n_per_class(gtzan.labels(), 60);   // data/split.h
//   ClipList train = gtzan.subset(split.train);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace timbre::data {

// The ten GTZAN genres in the data set's alphabetical order: blues classical country disco
// hiphop jazz metal pop reggae rock. Label i of a GTZAN ClipList is gtzan_genres()[i].
const std::vector<std::string>& gtzan_genres();

// One audio file of a labelled collection.
struct Clip {
  std::string path;   // the audio file
  std::string song;   // the song it belongs to (song_of(file name)); pieces of one song share it
  int64_t label = 0;  // index into the list's `classes`
};

// A labelled collection of clips.
struct ClipList {
  std::vector<std::string> classes;  // class names; label i means classes[i]
  std::vector<Clip> clips;

  int64_t size() const { return static_cast<int64_t>(clips.size()); }
  // Each clip's label / song, in clip order.
  std::vector<int64_t> labels() const;
  std::vector<std::string> songs() const;
  // How many clips each class has: result[c] counts the clips with label c.
  std::vector<int64_t> counts_per_class() const;
  // The clips at `indices`, in that order, with the same classes.
  // Requires: every index in [0, size()) (else timbre::Error).
  ClipList subset(const std::vector<int64_t>& indices) const;
  // Only the clips of the classes `names`, relabelled so that label i means names[i] (e.g. the
  // SUTD LSTM's eight of GTZAN's ten genres); clip order is kept.
  // Requires: every name is one of `classes` (else timbre::Error naming it).
  ClipList with_classes(const std::vector<std::string>& names) const;
  // One line per class, "blues 100, classical 100, ..., rock 100 (1000 clips)".
  std::string summary() const;
};

// The song a file name belongs to: the base name without its folder, its extension and a
// trailing segment number, so the pieces of one song group together.
//   "blues.00029.wav" -> "blues.00029"        "genres/rock/rock.00001.au" -> "rock.00001"
//   "blues.00029.3.wav" -> "blues.00029"      (the 3-s piece k of features_3_sec.csv)
//   "blues00029.png" -> "blues00029"          "fma_small/000/000002.mp3" -> "000002"
// Only a numeric component after the song's own number counts as a segment number: a name is
// cut at its last '.', and then once more when what follows the last remaining '.' is a number
// and another '.' precedes it ("blues.00029.3" -> "blues.00029", but "blues.00029" stays).
std::string song_of(const std::string& filename);

}  // namespace timbre::data
