// layers/batchnorm.h - batch normalisation layers (the op is timbre::batch_norm, ops_conv.h).
#pragma once

#include <string>

#include "layers/module.h"

namespace timbre::nn {

// What BatchNorm1d and BatchNorm2d share (PyTorch's _BatchNorm). Names as in PyTorch's
// state_dict:
//   parameters  weight [C] (starts at 1), bias [C] (starts at 0)         - if affine
//   buffers     running_mean [C] (0), running_var [C] (1),
//               num_batches_tracked [] int64 (0)                          - if track_running_stats
// Training mode normalises with the batch's statistics and updates the running ones (momentum
// weights the new batch); evaluation mode uses the running statistics. Without running
// statistics, both modes use the batch's.
class BatchNorm : public Module {
 public:
  // "6, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true"
  std::string extra_repr() const override;

  int64_t num_features;
  double eps, momentum;
  Tensor weight, bias;                                    // undefined unless affine
  Tensor running_mean, running_var, num_batches_tracked;  // undefined unless tracked

 protected:
  BatchNorm(const char* type_name, int64_t num_features, double eps, double momentum, bool affine,
            bool track_running_stats);
  // x: [N, C] or [N, C, H, W] -> same shape. Counts the batch when it updates the statistics.
  Tensor normalize(const Tensor& x);
};

// BatchNorm1d(C): x: [N, C] or [N, C, L] -> same shape, statistics over N (and L).
class BatchNorm1d : public BatchNorm {
 public:
  explicit BatchNorm1d(int64_t num_features, double eps = 1e-5, double momentum = 0.1,
                       bool affine = true, bool track_running_stats = true);
  Tensor forward(const Tensor& x) override;
};

// BatchNorm2d(C): x: [N, C, H, W] -> same shape, statistics over N, H and W.
class BatchNorm2d : public BatchNorm {
 public:
  explicit BatchNorm2d(int64_t num_features, double eps = 1e-5, double momentum = 0.1,
                       bool affine = true, bool track_running_stats = true);
  Tensor forward(const Tensor& x) override;
};

}  // namespace timbre::nn
