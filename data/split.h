// data/split.h - dividing a data set into training, validation and test parts, the ways the
// reports did, and the way that does not leak (docs/data.md, "Splits").
//
// Every function takes the labels (and, where it matters, the songs) of a ClipList or a
// FeatureTable and returns indices into it; take the parts with ClipList::subset or
// FeatureTable::select_rows:
//
//   data::Split split = data::split_by_song(table.songs, table.labels, {0.67, 0.33}, 42);
//   std::puts(data::describe(split, table.labels, table.classes).c_str());
//   data::FeatureTable train = table.select_rows(split.train), test =
//   table.select_rows(split.test);
//
// Why songs matter: GTZAN's features_3_sec.csv cuts each song into ten 3-s segments. Split the
// segments at random and nine of a test song's neighbours sit in the training set: the model is
// tested on songs it has already heard (same recording, same mix, same artist), and the accuracy
// measures memory of songs, not genre recognition. Clairvoyant's 92.93% (report 6) is such a
// figure; split_by_song keeps every segment of a song on one side and is timbre's default.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace timbre::data {

// Indices (into a ClipList or a FeatureTable) of each part, each part sorted ascending.
struct Split {
  std::vector<int64_t> train, validation, test;
};

// A random split that keeps each class's proportions: for every class, its indices (in list
// order) are shuffled (Fisher-Yates, drawing from one timbre::Generator(seed) class after class,
// classes in increasing label order) and cut at round(n * f1), round(n * (f1 + f2)): the first
// piece goes to train, the second to validation, the rest to test.
//   fractions {0.8, 0.2}: train/validation;  {0.7, 0.2, 0.1}: train/validation/test;
//   {0.67, 0.33} with an empty validation: use {0.67, 0, 0.33}.
// Requires: 1 to 3 fractions, each in [0, 1], summing to 1 (within 1e-9); labels >= 0
//           (else timbre::Error).
// Ensures: the parts are disjoint, together hold every index exactly once, and are sorted; the
//          same labels, fractions and seed give the same split on every platform.
Split stratified_split(const std::vector<int64_t>& labels, const std::vector<double>& fractions,
                       uint64_t seed);

// The SUTD notebooks' split (reports 1 and 2): for every class, its first `n_train` indices in
// list order go to train and the rest to validation (GTZAN sorted by path, n_train 60: files
// 00000-00059 of each genre train, 00060-00099 validate). Nothing is random.
// Requires: n_train >= 0; labels >= 0. A class with fewer than n_train items goes wholly to train.
Split first_n_per_class(const std::vector<int64_t>& labels, int64_t n_train);

// As first_n_per_class with n_train = round(fraction * the class's size), for sets smaller than
// GTZAN (fraction 0.6 gives GTZAN's 60/40).
// Requires: fraction in [0, 1]; labels >= 0.
Split first_fraction_per_class(const std::vector<int64_t>& labels, double fraction);

// The leak-free split for segment data: stratified_split over SONGS (each song labelled by its
// segments' label, songs in order of first appearance), then every segment goes where its song
// went. With one segment per song it is stratified_split.
// Requires: songs.size() == labels.size(); all segments of a song share one label (else
//           timbre::Error naming the song and both labels); fractions as stratified_split.
// Ensures: no song has segments in two parts; the parts are sorted, disjoint and cover every
//          index; the fractions hold for the number of songs per class (not of segments).
Split split_by_song(const std::vector<std::string>& songs, const std::vector<int64_t>& labels,
                    const std::vector<double>& fractions, uint64_t seed);

// The reports' LEAKY split of segments (Clairvoyant, report 6: a random 67/33 split of the 9,990
// rows of features_3_sec.csv, 92.93% test accuracy): stratified_split over the segments
// themselves, ignoring songs, so the segments of one song land on both sides and a test segment's
// neighbours (same song, nearly the same features) are in the training set. Offered to reproduce
// the reported figure; report split_by_song's figure beside it.
Split leaky_segment_split(const std::vector<int64_t>& labels, const std::vector<double>& fractions,
                          uint64_t seed);

// How many songs of the fault-filtered lists a ClipList lacks (see fault_filtered_split).
struct FaultFilteredMatch {
  Split split;
  int64_t songs_missing = 0;  // songs of the lists that no clip of `gtzan` belongs to
};

// Kereliuk, Sturm and Larsen's fault-filtered GTZAN split (report 4): 443 train, 197 validation
// and 290 test songs, with repeated and mislabelled clips removed and no artist on two sides
// (lists compiled in from data/gtzan_fault_filtered/, ISC licence there). Clips are matched by
// song ("blues.00029"), so a segment list (ten 3-s pieces per song) splits by song too; clips of
// the 70 songs in none of the lists are left out of every part.
// Requires: gtzan's classes are GTZAN genre names and each matched clip's class is the genre the
//           lists give its song (else timbre::Error naming the clip).
// Ensures: on all 1000 GTZAN clips: 443 / 197 / 290; songs missing from `gtzan` are counted in
//          songs_missing and just make the parts smaller.
FaultFilteredMatch match_fault_filtered(const ClipList& gtzan);

// match_fault_filtered(gtzan).split.
Split fault_filtered_split(const ClipList& gtzan);

// The song names ("blues.00029") of one part of the fault-filtered lists: part 0 train,
// 1 validation, 2 test. Requires: part in {0, 1, 2}.
std::vector<std::string> fault_filtered_songs(int part);

// One line: "train 600, validation 400, test 0; per class (train/validation/test): blues 60/40/0,
// classical 60/40/0, ...".
// Requires: every index of `split` is in [0, labels.size()), every label in [0, classes.size()).
std::string describe(const Split& split, const std::vector<int64_t>& labels,
                     const std::vector<std::string>& classes);

}  // namespace timbre::data
