// data/fma.h - the Free Music Archive data set (Defferrard et al., 2017), as report 3 used it:
// FMA small, 8000 clips of 30 s (MP3, 44.1 kHz), 1000 in each of 8 top-level genres.
//
//   <path>/fma_small/000/000002.mp3          the audio: fma_<subset>/<first 3 digits>/<id>.mp3
//   <path>/fma_metadata/tracks.csv           the labels: one row per track
//
// tracks.csv has THREE header rows, because pandas wrote a two-level column index:
//   row 1:  ,album,album,...,set,set,track,...,track          (the top-level names)
//   row 2:  ,comments,date_created,...,split,subset,...,genre_top,...   (the names below them)
//   row 3:  track_id,,,...                                   (the index column's name)
// then one row per track: "2,0,2008-11-26 01:44:45,...,small,...,Hip-Hop,...". Fields are quoted
// where they hold commas, quotes or line breaks (titles, track listings), so the file is read
// with the RFC 4180 reader of data/csv_reader.h. The label of a track is its (track, genre_top)
// column; its subset is (set, subset).
//
//   data::ClipList fma = data::load_fma("~/datasets/fma");   // holds fma_small/, fma_metadata/
//   // stderr: FMA small at .../fma_small: Electronic 1000, ..., Rock 1000 (8000 clips; 0 skipped)
#pragma once

#include <string>

#include "data/dataset.h"

namespace timbre::data {

struct FmaOptions {
  // "small", "medium" or "large": which audio folder (fma_<subset>) and which tracks. FMA's subsets
  // nest (small is part of medium, medium of large), so "medium" keeps the tracks whose subset is
  // small or medium.
  std::string subset = "small";
  // Open each MP3's header (audio::native_sample_rate) and skip those that cannot be read. Off by
  // default: 8000 MP3 headers take a while, and a bad clip then fails (and is skipped) when it is
  // decoded.
  bool check_readable = false;
  bool quiet = false;  // print neither the warnings nor the summary line
};

// The labelled clips of the FMA copy at `path`: the folder holding fma_<subset>/ and
// fma_metadata/, or the fma_<subset> folder itself with fma_metadata/ beside it.
// Ensures: classes are the distinct top-level genres of the clips kept, sorted (FMA small: the 8
//          Electronic Experimental Folk Hip-Hop Instrumental International Pop Rock); clips are
//          sorted by path; each clip's song is its six-digit track id ("000002").
//          Kept: tracks of the subset with a genre_top whose MP3 exists (and is readable when
//          options.check_readable). Skipped, each kind counted in one warning on stderr that
//          names the first few: tracks listed but missing on disk; MP3 files with no row (or a
//          row of another subset); tracks without a top-level genre; unreadable files (one
//          warning each).
// Prints "FMA <subset> at <audio folder>: <genre> <count>, ... (N clips; M skipped)" to stderr,
// unless options.quiet.
// Throws timbre::Error naming the path for: a missing folder; no fma_<subset> folder or no
// fma_metadata/tracks.csv; a tracks.csv without the three header rows or without the
// (track, genre_top) or (set, subset) columns (naming them); a row whose track id is not a
// number (naming the line); an unknown subset name.
ClipList load_fma(const std::string& path, const FmaOptions& options = {});

}  // namespace timbre::data
