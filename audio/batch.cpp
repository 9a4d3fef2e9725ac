// audio/batch.cpp - the worker threads and progress bar of for_each_in_parallel, and
// extract_folder (folder listing + for_each_in_parallel).
#include "audio/batch.h"

#include <unistd.h>  // isatty, STDERR_FILENO

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "tensor/error.h"

namespace timbre::audio {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string lower(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool has_audio_extension(const std::string& name, const std::vector<std::string>& extensions) {
  const std::string lowered = lower(name);
  for (const std::string& extension : extensions) {
    const std::string wanted = lower(extension);
    if (lowered.size() >= wanted.size() &&
        lowered.compare(lowered.size() - wanted.size(), wanted.size(), wanted) == 0) {
      return true;
    }
  }
  return false;
}

// Everything the workers share: the next file to take, the counts, and stderr. One mutex
// guards stderr and the bar's state so that a warning never lands in the middle of a bar.
class Progress {
 public:
  Progress(int64_t total, bool draw, std::string label)
      : total_(total), draw_(draw), label_(std::move(label)), start_(Clock::now()) {}

  // Called by a worker after each file (failed or not).
  void file_finished() {
    const int64_t finished = ++finished_;
    if (!draw_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    const Clock::time_point now = Clock::now();
    // At most ~10 redraws a second: a terminal that scrolls thousands of lines is slow itself.
    // The last file always redraws so that the bar ends at 100%.
    if (finished < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    draw_bar(finished, now);
  }

  // Prints "warning: <name>: <message>" on its own line, then the bar again below it.
  void warn(const std::string& name, const std::string& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    erase_bar();
    std::fprintf(stderr, "warning: %s: %s\n", name.c_str(), message.c_str());
    if (draw_) draw_bar(finished_.load(), Clock::now());
  }

  // Ends the bar's line and prints "[<label>: ]N done, M failed (S s)".
  void finish(int64_t failed) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (draw_ && bar_width_ > 0) std::fputc('\n', stderr);
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    std::fprintf(stderr, "%s%lld done, %lld failed (%.1f s)\n", prefix().c_str(),
                 static_cast<long long>(total_ - failed), static_cast<long long>(failed), seconds);
    std::fflush(stderr);
  }

 private:
  // "[<label>: ][#########...........]  12/100  12%  3.4 files/s  ETA 0:26", overwriting the
  // previous one.
  // Requires mutex_ held.
  void draw_bar(int64_t finished, Clock::time_point now) {
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0.0 ? static_cast<double>(finished) / elapsed : 0.0;
    const double percent = total_ > 0 ? 100.0 * static_cast<double>(finished) / total_ : 100.0;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(kWidth * percent / 100.0);
    // Built with append: GCC 12's -Wrestrict misfires on chains of std::string operator+.
    std::string bar = prefix();
    bar.append("[");
    bar.append(filled, '#').append(kWidth - filled, '.').append("]");
    char text[256];
    const std::string eta =
        rate > 0.0 ? format_duration(static_cast<double>(total_ - finished) / rate) : "?";
    std::snprintf(text, sizeof(text), "%s %lld/%lld %3.0f%% %.1f files/s ETA %s", bar.c_str(),
                  static_cast<long long>(finished), static_cast<long long>(total_), percent, rate,
                  eta.c_str());
    const std::string line = text;
    // '\r' returns to the line's start; pad with spaces in case the old line was longer.
    const int padding = std::max(0, bar_width_ - static_cast<int>(line.size()));
    std::fprintf(stderr, "\r%s%s", line.c_str(), std::string(padding, ' ').c_str());
    std::fflush(stderr);
    bar_width_ = static_cast<int>(line.size());
  }

  // Blanks the bar's line so that a warning can take its place. Requires mutex_ held.
  void erase_bar() {
    if (bar_width_ == 0) return;
    std::fprintf(stderr, "\r%s\r", std::string(bar_width_, ' ').c_str());
    bar_width_ = 0;
  }

  // "<label>: ", or "" without a label.
  std::string prefix() const { return label_.empty() ? std::string() : label_ + ": "; }

  const int64_t total_;
  const bool draw_;
  const std::string label_;
  const Clock::time_point start_;
  std::atomic<int64_t> finished_{0};
  std::mutex mutex_;
  Clock::time_point last_draw_{};
  int bar_width_ = 0;  // characters of the bar on screen now; 0: none drawn
};

}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0.0) return "?";
  const long long total = std::llround(seconds);
  char buffer[48];
  if (total >= 3600) {
    std::snprintf(buffer, sizeof(buffer), "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                  total % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%lld:%02lld", total / 60, total % 60);
  }
  return buffer;
}

bool stderr_is_terminal() {
  return isatty(STDERR_FILENO) == 1;
}

ParallelSummary for_each_in_parallel(int64_t count, const std::function<void(int64_t index)>& work,
                                     const std::function<std::string(int64_t index)>& name_of,
                                     const ParallelOptions& options) {
  TIMBRE_CHECK(count >= 0, "for_each_in_parallel: count must be >= 0, got ", count);
  int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = static_cast<int>(std::clamp<int64_t>(threads, 1, std::max<int64_t>(count, 1)));
  const bool draw = options.force_progress || (options.progress && stderr_is_terminal());
  Progress progress(count, draw, options.label);

  // Each worker takes the next unclaimed index until none is left: fast items do not wait for
  // slow ones, unlike splitting the list into equal parts up front. Each failure is written
  // into its own slot, so the workers never touch the same element.
  std::atomic<int64_t> next{0};
  std::vector<std::string> errors(static_cast<size_t>(count));
  std::vector<char> failed(static_cast<size_t>(count), 0);
  auto worker_loop = [&] {
    for (int64_t i = next++; i < count; i = next++) {
      try {
        work(i);
      } catch (const std::exception& error) {
        failed[i] = 1;
        errors[i] = error.what();
      } catch (...) {
        failed[i] = 1;
        errors[i] = "unknown error";
      }
      if (failed[i]) {
        std::string name;
        try {
          name = name_of(i);
        } catch (...) {
          name = "item " + std::to_string(i);
        }
        progress.warn(name, errors[i]);
      }
      progress.file_finished();
    }
  };
  std::vector<std::thread> workers;
  for (int t = 1; t < threads; ++t)
    workers.emplace_back(worker_loop);
  worker_loop();  // the calling thread is worker number 0
  for (std::thread& worker : workers)
    worker.join();

  ParallelSummary summary;
  summary.count = count;
  for (int64_t i = 0; i < count; ++i) {
    if (!failed[i]) continue;
    summary.failed.push_back(i);
    summary.errors.push_back(std::move(errors[i]));
  }
  progress.finish(static_cast<int64_t>(summary.failed.size()));
  return summary;
}

std::vector<std::string> list_audio_files(const std::string& folder,
                                          const std::vector<std::string>& extensions) {
  std::error_code error;
  TIMBRE_CHECK(fs::is_directory(folder, error), "extract_folder: '", folder,
               "' is not a directory");
  // Sort by the relative path, not the full one, so that the order is the same wherever the
  // folder lies; generic_string uses '/' on every system.
  std::vector<std::pair<std::string, std::string>> found;  // (relative, full)
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    if (!has_audio_extension(entry.path().filename().string(), extensions)) continue;
    found.emplace_back(fs::relative(entry.path(), folder).generic_string(), entry.path().string());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> files;
  for (auto& [relative, full] : found)
    files.push_back(std::move(full));
  return files;
}

BatchSummary extract_folder(
    const std::string& input_folder, const std::string& output_folder,
    const std::function<void(const std::string& in, const std::string& out)>& extract_one,
    const BatchOptions& options) {
  BatchSummary summary;
  summary.files = list_audio_files(input_folder, options.extensions);
  const int64_t total = static_cast<int64_t>(summary.files.size());

  // Name every output and make its folder now, on one thread: creating the same folder from two
  // threads at once is a race we need not have.
  std::vector<std::string> outputs(summary.files.size());
  if (!output_folder.empty()) {
    for (size_t i = 0; i < summary.files.size(); ++i) {
      const fs::path relative = fs::relative(summary.files[i], input_folder);
      const fs::path out = fs::path(output_folder) / (relative.string() + options.output_suffix);
      std::error_code error;
      fs::create_directories(out.parent_path(), error);
      TIMBRE_CHECK(!error, "extract_folder: cannot create the folder '", out.parent_path().string(),
                   "': ", error.message());
      outputs[i] = out.string();
    }
  }

  ParallelOptions parallel;
  parallel.threads = options.threads;
  parallel.progress = options.progress;
  parallel.force_progress = options.force_progress;
  const ParallelSummary result = for_each_in_parallel(
      total, [&](int64_t i) { extract_one(summary.files[i], outputs[i]); },
      [&](int64_t i) { return summary.files[i]; }, parallel);
  for (size_t k = 0; k < result.failed.size(); ++k) {
    summary.failed.push_back(summary.files[result.failed[k]]);
    summary.errors.push_back(result.errors[k]);
  }
  return summary;
}

}  // namespace timbre::audio
