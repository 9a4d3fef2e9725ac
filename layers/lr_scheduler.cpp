// layers/lr_scheduler.cpp - the learning-rate schedules (formulas in lr_scheduler.h).
#include "layers/lr_scheduler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace timbre::nn {

LRScheduler::LRScheduler(Optimizer& optimizer)
    : optimizer_(optimizer), base_learning_rate_(optimizer.learning_rate()) {}

void LRScheduler::step() {
  last_epoch_ += 1;
  optimizer_.set_learning_rate(learning_rate_at(last_epoch_));
}

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  TIMBRE_CHECK(step_size >= 1, "StepLR: step_size must be >= 1, got ", step_size);
  TIMBRE_CHECK(gamma > 0.0, "StepLR: gamma must be > 0, got ", gamma);
}

double StepLR::learning_rate_at(int64_t epoch) const {
  return base_learning_rate_ * std::pow(gamma_, static_cast<double>(epoch / step_size_));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min)
    : LRScheduler(optimizer), T_max_(T_max), eta_min_(eta_min) {
  TIMBRE_CHECK(T_max >= 1, "CosineAnnealingLR: T_max must be >= 1, got ", T_max);
  TIMBRE_CHECK(eta_min >= 0.0, "CosineAnnealingLR: eta_min must be >= 0, got ", eta_min);
}

double CosineAnnealingLR::learning_rate_at(int64_t epoch) const {
  const double phase = std::numbers::pi * static_cast<double>(epoch) / static_cast<double>(T_max_);
  return eta_min_ + (base_learning_rate_ - eta_min_) * (1.0 + std::cos(phase)) / 2.0;
}

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, PlateauMode mode, double factor,
                                     int64_t patience, double threshold, int64_t cooldown,
                                     double min_lr)
    : optimizer_(optimizer),
      mode_(mode),
      factor_(factor),
      patience_(patience),
      threshold_(threshold),
      cooldown_(cooldown),
      min_lr_(min_lr) {
  TIMBRE_CHECK(factor >= 0.0 && factor < 1.0, "ReduceLROnPlateau: factor must be in [0, 1), got ",
               factor);
  TIMBRE_CHECK(patience >= 0, "ReduceLROnPlateau: patience must be >= 0, got ", patience);
  TIMBRE_CHECK(threshold >= 0.0, "ReduceLROnPlateau: threshold must be >= 0, got ", threshold);
  TIMBRE_CHECK(cooldown >= 0, "ReduceLROnPlateau: cooldown must be >= 0, got ", cooldown);
  TIMBRE_CHECK(min_lr >= 0.0, "ReduceLROnPlateau: min_lr must be >= 0, got ", min_lr);
  // The worst possible value, so that the first metric is always an improvement.
  const double infinity = std::numeric_limits<double>::infinity();
  best_ = mode == PlateauMode::Min ? infinity : -infinity;
}

bool ReduceLROnPlateau::is_better(double value) const {
  if (mode_ == PlateauMode::Min) return value < best_ * (1.0 - threshold_);
  return value > best_ * (1.0 + threshold_);
}

void ReduceLROnPlateau::step(double metric) {
  if (is_better(metric)) {
    best_ = metric;
    bad_epochs_ = 0;
  } else {
    bad_epochs_ += 1;
  }
  if (cooldown_counter_ > 0) {
    // Just after a reduction: give the new learning rate time before judging it.
    cooldown_counter_ -= 1;
    bad_epochs_ = 0;
  }
  if (bad_epochs_ > patience_) {
    const double old_rate = optimizer_.learning_rate();
    const double new_rate = std::max(old_rate * factor_, min_lr_);
    if (old_rate - new_rate > 1e-8) optimizer_.set_learning_rate(new_rate);
    cooldown_counter_ = cooldown_;
    bad_epochs_ = 0;
  }
}

}  // namespace timbre::nn
