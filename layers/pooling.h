// layers/pooling.h - pooling layers (the ops are in autograd/ops_conv.h). No parameters.
#pragma once

#include <optional>
#include <string>

#include "layers/module.h"

namespace timbre::nn {

// MaxPool2d(kernel_size, stride = kernel_size, padding = 0, ceil_mode = false):
// x: [N, C, H, W] -> [N, C, OH, OW], the largest value of each window.
class MaxPool2d : public Module {
 public:
  explicit MaxPool2d(Size2d kernel_size, std::optional<Size2d> stride = std::nullopt,
                     Size2d padding = 0, bool ceil_mode = false);
  Tensor forward(const Tensor& x) override;
  // "kernel_size=2, stride=2, padding=0, ceil_mode=false"
  std::string extra_repr() const override;

  Size2d kernel_size, stride, padding;
  bool ceil_mode;
};

// AvgPool2d(kernel_size, stride = kernel_size, padding = 0, ceil_mode = false,
// count_include_pad = true): x: [N, C, H, W] -> [N, C, OH, OW], the mean of each window.
class AvgPool2d : public Module {
 public:
  explicit AvgPool2d(Size2d kernel_size, std::optional<Size2d> stride = std::nullopt,
                     Size2d padding = 0, bool ceil_mode = false, bool count_include_pad = true);
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

  Size2d kernel_size, stride, padding;
  bool ceil_mode, count_include_pad;
};

// AdaptiveAvgPool2d(output_size): x: [N, C, H, W] -> [N, C, OH, OW] for any H, W; typically
// AdaptiveAvgPool2d(1), the global average pool before a classifier.
class AdaptiveAvgPool2d : public Module {
 public:
  explicit AdaptiveAvgPool2d(Size2d output_size);
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

  Size2d output_size;
};

}  // namespace timbre::nn
