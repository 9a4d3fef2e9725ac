// layers/pooling.cpp - MaxPool2d, AvgPool2d, AdaptiveAvgPool2d: settings plus a call to the op.
#include "layers/pooling.h"

#include <sstream>

#include "layers/conv.h"  // size2d_repr

namespace timbre::nn {

MaxPool2d::MaxPool2d(Size2d kernel_size, std::optional<Size2d> stride, Size2d padding,
                     bool ceil_mode)
    : Module("MaxPool2d"),
      kernel_size(kernel_size),
      stride(stride.value_or(kernel_size)),
      padding(padding),
      ceil_mode(ceil_mode) {}

Tensor MaxPool2d::forward(const Tensor& x) {
  return max_pool2d(x, kernel_size, stride, padding, ceil_mode);
}

std::string MaxPool2d::extra_repr() const {
  std::ostringstream out;
  out << "kernel_size=" << size2d_repr(kernel_size) << ", stride=" << size2d_repr(stride)
      << ", padding=" << size2d_repr(padding) << ", ceil_mode=" << (ceil_mode ? "true" : "false");
  return out.str();
}

AvgPool2d::AvgPool2d(Size2d kernel_size, std::optional<Size2d> stride, Size2d padding,
                     bool ceil_mode, bool count_include_pad)
    : Module("AvgPool2d"),
      kernel_size(kernel_size),
      stride(stride.value_or(kernel_size)),
      padding(padding),
      ceil_mode(ceil_mode),
      count_include_pad(count_include_pad) {}

Tensor AvgPool2d::forward(const Tensor& x) {
  return avg_pool2d(x, kernel_size, stride, padding, ceil_mode, count_include_pad);
}

std::string AvgPool2d::extra_repr() const {
  std::ostringstream out;
  out << "kernel_size=" << size2d_repr(kernel_size) << ", stride=" << size2d_repr(stride)
      << ", padding=" << size2d_repr(padding) << ", ceil_mode=" << (ceil_mode ? "true" : "false")
      << ", count_include_pad=" << (count_include_pad ? "true" : "false");
  return out.str();
}

AdaptiveAvgPool2d::AdaptiveAvgPool2d(Size2d output_size)
    : Module("AdaptiveAvgPool2d"), output_size(output_size) {}

Tensor AdaptiveAvgPool2d::forward(const Tensor& x) {
  return adaptive_avg_pool2d(x, output_size);
}

std::string AdaptiveAvgPool2d::extra_repr() const {
  return "output_size=" + size2d_repr(output_size);
}

}  // namespace timbre::nn
