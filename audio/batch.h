// audio/batch.h - running one extraction over every audio file of a folder, in parallel, with a
// progress bar.
//
// A dataset such as GTZAN is a folder tree of 1000 clips; extracting features one file after the
// other uses one core. extract_folder lists the files once (sorted, so results never depend on
// the file system's order), then lets a few worker threads take the next file from a shared
// counter until none is left. A file that fails (corrupt, unsupported) is reported and skipped:
// one bad clip should not throw away an hour of work on the others.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace timbre::audio {

struct BatchOptions {
  int threads = 0;  // worker threads; 0: std::thread::hardware_concurrency()
  // File name endings (compared ignoring case) that count as audio files.
  std::vector<std::string> extensions = {".wav", ".au", ".flac", ".ogg", ".mp3"};
  bool progress = true;         // draw the progress bar on stderr when stderr is a terminal...
  bool force_progress = false;  // ...or always (a log file then holds the '\r'-separated frames)
  std::string output_suffix = ".npy";  // appended to each relative path to name its output
};

// What happened to each file.
struct BatchSummary {
  std::vector<std::string> files;   // every input file found, sorted (the processing order)
  std::vector<std::string> failed;  // the inputs whose extract_one threw, sorted
  std::vector<std::string> errors;  // the message of each, in the order of `failed`
  int64_t done() const { return static_cast<int64_t>(files.size() - failed.size()); }
};

// "0:07", "1:05", "1:02:03" for a number of seconds (rounded to the nearest second): the ETA of
// the progress bars here and in training (train/progress.h).
// Requires: nothing; a negative or non-finite value gives "?".
std::string format_duration(double seconds);

// Whether stderr is a terminal, where a bar redrawn with '\r' makes sense (in a log file it
// leaves a line full of '\r'-separated frames).
bool stderr_is_terminal();

// How for_each_in_parallel runs.
struct ParallelOptions {
  int threads = 0;              // worker threads; 0: std::thread::hardware_concurrency()
  bool progress = true;         // draw the progress bar on stderr when stderr is a terminal...
  bool force_progress = false;  // ...or always (a log file then holds the '\r'-separated frames)
  std::string label;            // printed before the bar and the summary ("" for none)
};

// What happened to each item of for_each_in_parallel.
struct ParallelSummary {
  int64_t count = 0;                // items processed (failed or not)
  std::vector<int64_t> failed;      // the indices whose work threw, ascending
  std::vector<std::string> errors;  // the message of each, in the order of `failed`
  int64_t done() const { return count - static_cast<int64_t>(failed.size()); }
};

// Calls work(i) for every i in [0, count), on options.threads worker threads that each take the
// next unclaimed index (fast items never wait for slow ones), with a progress bar. This is the
// engine of extract_folder, the synthetic GTZAN and the preprocessing cache.
// Requires: count >= 0; work may be called from several threads at once, so anything it shares
//           must be protected (e.g. by a mutex); name_of(i) names item i in warnings.
// Ensures:  every index is processed exactly once; an exception from work(i) is caught, printed
//           to stderr as "warning: <name_of(i)>: <message>" and recorded, and the others go on;
//           a summary "[<label>: ]N done, M failed (S s)" is printed to stderr at the end. The
//           bar (done/total, percent, files/s, ETA) is redrawn in place at most 10 times a second.
ParallelSummary for_each_in_parallel(int64_t count, const std::function<void(int64_t index)>& work,
                                     const std::function<std::string(int64_t index)>& name_of,
                                     const ParallelOptions& options = {});

// The audio files under `folder` (recursively), sorted by path: those whose name ends with one
// of `extensions` (ignoring case).
// Requires: `folder` is a directory (else timbre::Error naming it).
// Ensures:  paths are `folder` joined with the relative path; directories and other files are
//           left out; the order is std::string's order of the relative paths ('/'-separated).
std::vector<std::string> list_audio_files(const std::string& folder,
                                          const std::vector<std::string>& extensions);

// Calls extract_one(in, out) for every audio file `in` under input_folder, on options.threads
// worker threads, where out = output_folder + "/" + <in's path relative to input_folder> +
// options.output_suffix (".../rock/song.wav" -> "OUT/rock/song.wav.npy": keeping the extension
// keeps song.wav and song.mp3 apart). With an empty output_folder, `out` is empty too: the
// callback keeps its results itself (as `timbre features --kind gtzan57` collects CSV rows).
// Requires: input_folder is a directory; extract_one may be called from several threads at
//           once, so anything it shares must be protected (e.g. by a mutex).
// Ensures:  every file is processed exactly once; each output's parent folder exists before
//           extract_one runs; an exception from extract_one is caught, printed to stderr as
//           "warning: <file>: <message>" and recorded, and the others go on; a summary
//           "N done, M failed" is printed to stderr at the end. The progress bar (done/total,
//           percent, files/s, ETA) is redrawn in place with '\r' at most 10 times a second.
// Throws timbre::Error when input_folder is not a directory or an output folder cannot be made.
BatchSummary extract_folder(
    const std::string& input_folder, const std::string& output_folder,
    const std::function<void(const std::string& in, const std::string& out)>& extract_one,
    const BatchOptions& options = {});

}  // namespace timbre::audio
