// layers/conv.cpp - Conv2d: parameters, PyTorch's initialisation, and a call to timbre::conv2d.
#include "layers/conv.h"

#include <sstream>

#include "layers/init.h"

namespace timbre::nn {

Conv2d::Conv2d(int64_t in_channels, int64_t out_channels, Size2d kernel_size, Size2d stride,
               Size2d padding, Size2d dilation, bool bias)
    : Module("Conv2d"),
      in_channels(in_channels),
      out_channels(out_channels),
      kernel_size(kernel_size),
      stride(stride),
      padding(padding),
      dilation(dilation) {
  TIMBRE_CHECK(in_channels > 0 && out_channels > 0, "Conv2d: channel counts must be positive, got ",
               in_channels, " and ", out_channels);
  TIMBRE_CHECK(kernel_size.height > 0 && kernel_size.width > 0,
               "Conv2d: kernel_size must be positive, got ", size2d_repr(kernel_size));
  TIMBRE_CHECK(
      stride.height > 0 && stride.width > 0 && dilation.height > 0 && dilation.width > 0 &&
          padding.height >= 0 && padding.width >= 0,
      "Conv2d: expected stride, dilation >= 1 and padding >= 0, got stride=", size2d_repr(stride),
      ", dilation=", size2d_repr(dilation), ", padding=", size2d_repr(padding));
  // Every output value sums in_channels * KH * KW products: that is the fan-in.
  const int64_t fan_in = in_channels * kernel_size.height * kernel_size.width;
  weight = register_parameter(
      "weight", init::fan_in_uniform(
                    {out_channels, in_channels, kernel_size.height, kernel_size.width}, fan_in));
  if (bias) this->bias = register_parameter("bias", init::fan_in_uniform({out_channels}, fan_in));
}

Tensor Conv2d::forward(const Tensor& x) {
  TIMBRE_CHECK(x.dim() == 4 && x.size(1) == in_channels, "Conv2d(", in_channels, ", ", out_channels,
               "): expected input [N, ", in_channels, ", H, W], got ", shape_str(x.sizes()));
  return conv2d(x, weight, bias, stride, padding, dilation);
}

std::string Conv2d::extra_repr() const {
  // (A stream rather than string "+": GCC 12 warns falsely about the latter, -Wrestrict.)
  std::ostringstream out;
  out << in_channels << ", " << out_channels << ", kernel_size=" << size2d_repr(kernel_size)
      << ", stride=" << size2d_repr(stride) << ", padding=" << size2d_repr(padding)
      << ", dilation=" << size2d_repr(dilation) << ", bias=" << (bias.defined() ? "true" : "false");
  return out.str();
}

std::string size2d_repr(Size2d size) {
  std::ostringstream out;
  if (size.height == size.width) {
    out << size.height;
  } else {
    out << "(" << size.height << ", " << size.width << ")";
  }
  return out.str();
}

}  // namespace timbre::nn
