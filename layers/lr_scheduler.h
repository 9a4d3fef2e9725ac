// layers/lr_scheduler.h - learning-rate schedules, as torch.optim.lr_scheduler. A scheduler
// changes its optimizer's learning rate between epochs:
//
//   timbre::nn::SGD optimizer(model.parameters(), 0.1, 0.9);
//   timbre::nn::StepLR scheduler(optimizer, /*step_size=*/30, /*gamma=*/0.1);
//   for (int epoch = 0; epoch < 90; ++epoch) {
//     train_one_epoch(model, optimizer);
//     scheduler.step();  // after the epoch's optimizer steps, as in PyTorch
//   }
//
// The epoch-based schedulers use PyTorch's closed forms: the learning rate after `epoch` calls
// of step() depends only on the base learning rate (the optimizer's at construction) and epoch.
#pragma once

#include <cstdint>

#include "layers/optim.h"

namespace timbre::nn {

// The base of the epoch-based schedulers.
class LRScheduler {
 public:
  // Remembers the optimizer's current learning rate as the base learning rate. The optimizer
  // must outlive the scheduler.
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;

  // Advances one epoch and sets the optimizer's learning rate to learning_rate_at(last_epoch()).
  void step();
  int64_t last_epoch() const { return last_epoch_; }  // 0 before the first step()
  double base_learning_rate() const { return base_learning_rate_; }
  // The learning rate of epoch `epoch` (>= 0); epoch 0 gives the base learning rate.
  virtual double learning_rate_at(int64_t epoch) const = 0;

 protected:
  Optimizer& optimizer_;
  double base_learning_rate_;
  int64_t last_epoch_ = 0;
};

// learning_rate = base * gamma^floor(epoch / step_size): divided by 1/gamma every step_size
// epochs. Requires step_size >= 1 and gamma > 0.
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1);
  double learning_rate_at(int64_t epoch) const override;

 private:
  int64_t step_size_;
  double gamma_;
};

// learning_rate = eta_min + (base - eta_min) * (1 + cos(pi * epoch / T_max)) / 2: half a cosine
// wave from the base learning rate (epoch 0) down to eta_min (epoch T_max), without restarts
// (past T_max it climbs back, as PyTorch's closed form does). Requires T_max >= 1.
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min = 0.0);
  double learning_rate_at(int64_t epoch) const override;

 private:
  int64_t T_max_;
  double eta_min_;
};

enum class PlateauMode {
  Min,  // the metric should go down (a loss)
  Max,  // the metric should go up (an accuracy)
};

// Divides the learning rate by 1/factor when a metric stopped improving, as
// torch.optim.lr_scheduler.ReduceLROnPlateau with threshold_mode='rel':
//   * a value is an improvement when it beats the best so far by the relative threshold:
//     value < best * (1 - threshold) (Min) or value > best * (1 + threshold) (Max);
//   * after more than `patience` epochs in a row without improvement, the learning rate becomes
//     max(learning_rate * factor, min_lr) (changes smaller than 1e-8 are ignored), and then
//     `cooldown` epochs pass during which bad epochs are not counted.
class ReduceLROnPlateau {
 public:
  // Requires 0 <= factor < 1, patience >= 0, threshold >= 0, cooldown >= 0, min_lr >= 0.
  ReduceLROnPlateau(Optimizer& optimizer, PlateauMode mode = PlateauMode::Min, double factor = 0.1,
                    int64_t patience = 10, double threshold = 1e-4, int64_t cooldown = 0,
                    double min_lr = 0.0);

  // Reports the metric of the epoch that just ended; may lower the learning rate.
  void step(double metric);
  double best() const { return best_; }
  int64_t bad_epochs() const { return bad_epochs_; }

 private:
  bool is_better(double value) const;

  Optimizer& optimizer_;
  PlateauMode mode_;
  double factor_;
  int64_t patience_;
  double threshold_;
  int64_t cooldown_;
  double min_lr_;
  double best_;
  int64_t bad_epochs_ = 0;
  int64_t cooldown_counter_ = 0;
};

}  // namespace timbre::nn
