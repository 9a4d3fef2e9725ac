// data/text_file.h - small text files written atomically (the caches' synth.json,
// preprocess.json, index.csv and the feature CSVs; a run's history, metrics and SVG pictures in
// train/), so that an interrupted run never leaves half a file that a later run would trust.
#pragma once

#include <string>
#include <vector>

namespace timbre::data {

// Writes `text` to "<path>.tmp" and renames it over `path`: rename within one folder is atomic
// on POSIX, so `path` holds either its old contents or all of `text`.
// Requires: the folder of `path` exists and is writable.
// Ensures:  `path` holds exactly `text`; on failure a timbre::Error names the path, and an
//           existing file at `path` is unchanged.
void write_text_atomically(const std::string& path, const std::string& text);

// The whole contents of a file.
// Throws timbre::Error naming the path when it cannot be read.
std::string read_text(const std::string& path);

// The lines of `text`, without their '\n'; a last line without '\n' counts too.
// Ensures: joining the result with '\n' gives `text` back, less one trailing '\n'.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace timbre::data
