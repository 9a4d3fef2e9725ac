// train/progress.h - the progress bar of one training epoch, redrawn in place on stderr:
//
//   epoch 3/15 [=========>          ] 12/24 loss 1.234 acc 45.0% 31.2 samples/s ETA 0:07
//
// On a terminal the bar is redrawn with '\r' (carriage return: back to the start of the line)
// at most 10 times a second. When stderr is not a terminal (a CI log, a file) nothing is drawn:
// a log full of '\r'-separated frames is unreadable, and the trainer's one line per epoch says
// enough.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace timbre::train {

class ProgressBar {
 public:
  // title: e.g. "epoch 3/15"; total_batches: the batches of the epoch (>= 0);
  // draw: whether to draw at all (usually audio::stderr_is_terminal(), or forced on).
  ProgressBar(std::string title, int64_t total_batches, bool draw);
  ~ProgressBar();  // calls finish() if it was not called
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Reports progress after a batch: batches and samples done so far in this epoch, the mean
  // loss and the accuracy (in [0, 1]) over those samples. Redraws when drawing and at least
  // 0.1 s passed since the last redraw, or when batches_done reaches the total.
  void update(int64_t batches_done, int64_t samples_done, double mean_loss, double accuracy);

  // Erases the bar's line, so that the caller's per-epoch summary line takes its place.
  // Ensures: later calls to update or finish do nothing.
  void finish();

  // The text of the bar for the given state (without '\r'); what update draws.
  std::string line(int64_t batches_done, int64_t samples_done, double mean_loss,
                   double accuracy) const;

 private:
  using Clock = std::chrono::steady_clock;

  std::string title_;
  int64_t total_batches_;
  bool draw_;
  bool finished_ = false;
  Clock::time_point start_;
  Clock::time_point last_draw_{};
  size_t drawn_width_ = 0;  // characters of the bar on screen now; 0: none drawn
};

}  // namespace timbre::train
