// layers/conv.h - the 2-d convolution layer (the op itself is timbre::conv2d, autograd/ops_conv.h).
#pragma once

#include <string>

#include "layers/module.h"

namespace timbre::nn {

// Conv2d(in_channels, out_channels, kernel_size, stride, padding, dilation, bias), PyTorch's
// layer with groups = 1 and zero padding. Parameters, in PyTorch's layout so that weights
// transfer unchanged:
//   weight [out_channels, in_channels, KH, KW],  bias [out_channels] (if bias)
// Both start as U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = in_channels * KH * KW, which
// is PyTorch's kaiming_uniform_(a = sqrt(5)) default (see layers/init.h).
class Conv2d : public Module {
 public:
  // Requires positive channel counts and kernel, stride, dilation >= 1, padding >= 0.
  Conv2d(int64_t in_channels, int64_t out_channels, Size2d kernel_size, Size2d stride = 1,
         Size2d padding = 0, Size2d dilation = 1, bool bias = true);
  // x: [N, in_channels, H, W] -> [N, out_channels, OH, OW]
  Tensor forward(const Tensor& x) override;
  // "3, 6, kernel_size=5, stride=1, padding=0, dilation=1, bias=true"
  std::string extra_repr() const override;

  int64_t in_channels, out_channels;
  Size2d kernel_size, stride, padding, dilation;
  Tensor weight;  // [out_channels, in_channels, KH, KW]
  Tensor bias;    // [out_channels], or undefined without bias
};

// How layers print a Size2d: "3" when height and width agree, else "(3, 5)".
std::string size2d_repr(Size2d size);

}  // namespace timbre::nn
