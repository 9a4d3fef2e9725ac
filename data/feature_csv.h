// data/feature_csv.h - the feature tables of GTZAN's features_30_sec.csv and features_3_sec.csv
// (reports 5 and 6), and any CSV in the same layout (`timbre features --kind gtzan57` writes one):
//
//   filename,length,chroma_stft_mean,...,mfcc20_var,label      <- header row (required)
//   blues.00000.wav,661794,0.350088,...,39.687145,blues         <- one row per clip or segment
//
// The first column names the file, the last holds the class name, and every column between them
// is a number. The 3-s file names its ten pieces of one song "blues.00000.0.wav" ...
// "blues.00000.9.wav"; `songs` groups them back into "blues.00000" (data::song_of), which is what
// a leak-free split needs (data/split.h).
//
//   data::FeatureTable table = data::read_feature_csv("Data/features_3_sec.csv");
//   table = table.drop_columns({"length"});          // [9990, 57]
//   data::Split split = data::split_by_song(table.songs, table.labels, {0.67, 0.33}, 42);
//   data::FeatureTable train = table.select_rows(split.train);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace timbre::data {

struct FeatureTable {
  std::vector<std::string> filenames;     // the first column, one per row
  std::vector<std::string> songs;         // song_of(filenames[i]): the segments of a song share it
  std::vector<std::string> column_names;  // the numeric columns only (not filename, not label)
  std::vector<std::string> classes;       // the distinct labels, sorted
  std::vector<int64_t> labels;            // per row, an index into `classes`
  Tensor values;                          // float64 [rows, columns]: the numeric columns
  std::string filename_column = "filename";  // the header's first name
  std::string label_column = "label";        // the header's last name

  int64_t rows() const { return static_cast<int64_t>(filenames.size()); }
  int64_t columns() const { return static_cast<int64_t>(column_names.size()); }

  // The position of the numeric column `name` in column_names (and in values' second dimension).
  // Throws timbre::Error naming the column when there is none of that name.
  int64_t column_index(const std::string& name) const;

  // The rows at `indices`, in that order (a train or test part of a split); classes are kept, so
  // labels keep their meaning even when a part lacks a class.
  // Requires: every index in [0, rows()) (else timbre::Error).
  // values: [rows, C] -> [indices.size(), C]
  FeatureTable select_rows(const std::vector<int64_t>& indices) const;

  // The table without the numeric columns `names` (e.g. {"length"}, constant in GTZAN's files).
  // Requires: every name is a numeric column (else timbre::Error naming it).
  // values: [R, C] -> [R, C - names.size()]  (names listed twice count once)
  FeatureTable drop_columns(const std::vector<std::string>& names) const;

  // How many rows each class has: result[c] counts the rows with label c.
  std::vector<int64_t> counts_per_class() const;
};

// Reads a feature CSV in the layout above.
// Ensures: values is float64 [rows, header fields - 2]; classes are the distinct labels sorted
//          by std::string order, labels index them; songs[i] == song_of(filenames[i]).
// Throws timbre::Error naming the file for: a missing or unreadable file; an empty file; a
// missing header row (the first row holds numbers where the column names should be); a header
// with fewer than 3 columns; a header without data rows. And naming the file, the LINE and the
// COLUMN (its name and its number, counting the filename column as 1) for a row with the wrong
// number of fields, a numeric field that is not a number ("abc", "") or is not finite ("nan",
// "inf"), and an empty label.
FeatureTable read_feature_csv(const std::string& path);

// Writes `table` in the same layout: header "filename,<column_names>,label" (the table's own
// first and last names), then one row per file; numbers in the shortest form that reads back to
// the same double, fields quoted where CSV needs it. read_feature_csv(path) gives the table back.
// Writing is atomic: "<path>.tmp" is written, then renamed over `path`.
// Requires: values is [rows(), columns()] and finite; labels index classes (else timbre::Error).
// Throws timbre::Error naming the file when it cannot be written.
void write_feature_csv(const std::string& path, const FeatureTable& table);

}  // namespace timbre::data
