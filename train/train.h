// train/train.h - everything of timbre::train: fit / predict / evaluate_and_save (trainer.h),
// the metrics (metrics.h), the history files (history.h), the pictures (plots.h) and the
// progress bar (progress.h).
#pragma once

#include "train/history.h"
#include "train/metrics.h"
#include "train/plots.h"
#include "train/progress.h"
#include "train/trainer.h"
