// train/text_file.h - writing a result file atomically, so that a reader (or a run interrupted
// half way) never sees half a file.
#pragma once

#include <string>

namespace timbre::train {

// Writes `text` to "<path>.tmp", flushes it and renames it over `path`: rename within one
// folder is atomic on POSIX, so `path` holds either its old contents or all of `text`.
// Requires: the folder of `path` exists and is writable.
// Ensures: `path` holds exactly `text`; on failure a timbre::Error names the path, and an
//          existing file at `path` is unchanged.
void write_text_file(const std::string& path, const std::string& text);

// The whole contents of a file.
// Throws timbre::Error naming the path when it cannot be read.
std::string read_text_file(const std::string& path);

}  // namespace timbre::train
