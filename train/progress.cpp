// train/progress.cpp - the per-epoch progress bar (see progress.h).
#include "train/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "audio/batch.h"

namespace timbre::train {

ProgressBar::ProgressBar(std::string title, int64_t total_batches, bool draw)
    : title_(std::move(title)),
      total_batches_(std::max<int64_t>(total_batches, 0)),
      draw_(draw),
      start_(Clock::now()) {}

ProgressBar::~ProgressBar() {
  finish();
}

std::string ProgressBar::line(int64_t batches_done, int64_t samples_done, double mean_loss,
                              double accuracy) const {
  constexpr int kWidth = 20;
  const double fraction =
      total_batches_ > 0
          ? std::clamp(static_cast<double>(batches_done) / static_cast<double>(total_batches_), 0.0,
                       1.0)
          : 1.0;
  const int filled = static_cast<int>(kWidth * fraction);
  // "[=====>     ]": the arrow head marks the current position until the epoch is complete.
  std::string bar = "[";
  bar.append(filled, '=');
  if (filled < kWidth) bar.append(1, '>').append(kWidth - filled - 1, ' ');
  bar.append("]");

  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double samples_per_second =
      elapsed > 0.0 ? static_cast<double>(samples_done) / elapsed : 0.0;
  // The remaining batches at the pace of the batches so far.
  const std::string eta =
      batches_done > 0 ? audio::format_duration(elapsed / static_cast<double>(batches_done) *
                                                static_cast<double>(total_batches_ - batches_done))
                       : "?";
  char text[256];
  std::snprintf(text, sizeof(text), " %lld/%lld loss %.3f acc %.1f%% %.1f samples/s ETA %s",
                static_cast<long long>(batches_done), static_cast<long long>(total_batches_),
                mean_loss, 100.0 * accuracy, samples_per_second, eta.c_str());
  std::string result = title_;
  result.append(" ").append(bar).append(text);
  return result;
}

void ProgressBar::update(int64_t batches_done, int64_t samples_done, double mean_loss,
                         double accuracy) {
  if (!draw_ || finished_) return;
  const Clock::time_point now = Clock::now();
  // At most ~10 redraws a second: a terminal that scrolls thousands of lines is slow itself.
  // The last batch always redraws, so the bar ends full.
  if (batches_done < total_batches_ && drawn_width_ > 0 &&
      now - last_draw_ < std::chrono::milliseconds(100)) {
    return;
  }
  last_draw_ = now;
  const std::string text = line(batches_done, samples_done, mean_loss, accuracy);
  // Pad with spaces in case the previous frame was longer.
  const size_t padding = drawn_width_ > text.size() ? drawn_width_ - text.size() : 0;
  std::fprintf(stderr, "\r%s%s", text.c_str(), std::string(padding, ' ').c_str());
  std::fflush(stderr);
  drawn_width_ = text.size();
}

void ProgressBar::finish() {
  if (finished_) return;
  finished_ = true;
  if (drawn_width_ == 0) return;
  std::fprintf(stderr, "\r%s\r", std::string(drawn_width_, ' ').c_str());
  std::fflush(stderr);
  drawn_width_ = 0;
}

}  // namespace timbre::train
